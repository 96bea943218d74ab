/**
 * The standard library as a function registry, keyed by the catalog names, so a Kptfile entry
 * `image: ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2` or `exec: node dist/functions/bin/set-labels.js`
 * resolves to the in-process implementation.
 */
import type { KrmFunction } from "../runtime/types.js";
import { applyReplacements } from "./applyReplacements.js";
import { applySetters } from "./applySetters.js";
import { ensureNameSubstring } from "./ensureNameSubstring.js";
import { setAnnotations } from "./setAnnotations.js";
import { setLabels } from "./setLabels.js";
import { setNamespace } from "./setNamespace.js";
import { validateSchemas } from "./validateSchemas.js";

/**
 * Name → function for every stdlib function.
 *
 * @example await renderPackage({ files, registry: stdlibRegistry })
 */
export const stdlibRegistry: Readonly<Record<string, KrmFunction>> = Object.freeze({
  "apply-replacements": applyReplacements,
  "apply-setters": applySetters,
  "ensure-name-substring": ensureNameSubstring,
  kubeconform: validateSchemas,
  "set-annotations": setAnnotations,
  "set-labels": setLabels,
  "set-namespace": setNamespace,
});
