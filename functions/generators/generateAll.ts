/** One package per target site of an intent. */
import type { CompiledIntent, Site } from "../../compiler/types.js";
import { GeneratorError } from "./GeneratorError.js";
import { generatePackage } from "./generatePackage.js";
import { subjectOf } from "./readWorkloads.js";
import type { GeneratedPackage, GenerateOptions } from "./types.js";

/**
 * Generates the package of every site in `compiled.spec.sites` (in that sorted order). `sites` describes
 * the sites (e.g. from `intents/sites.yaml`); it may list more sites than the intent targets.
 *
 * @throws GeneratorError `E_GEN_UNKNOWN_SITE` when a target site is not in `sites`, and any error of
 * `generatePackage`.
 */
export function generateAll(
  compiled: CompiledIntent,
  sites: readonly Site[],
  options: GenerateOptions = {},
): GeneratedPackage[] {
  return compiled.spec.sites.map((siteId) => {
    const site = sites.find((s) => s.id === siteId);
    if (site === undefined) {
      throw new GeneratorError(
        "E_GEN_UNKNOWN_SITE",
        { subject: subjectOf(siteId, compiled.spec.intentId) },
        `site ${siteId} is not described in the site list`,
      );
    }
    return generatePackage(compiled, site, options);
  });
}
