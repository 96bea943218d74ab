/**
 * The package README: what the package is, where it came from, and every object in it. Text only
 * (Handlebars), never used to build objects.
 */
import Handlebars from "handlebars";
import type { CompiledIntent, Site } from "../../compiler/types.js";
import { readmeTemplateSpec } from "./generated/readmeTemplate.js";
import type { GeneratedObject } from "./types.js";

/** One workload line of the README. */
export interface ReadmeWorkload {
  expectationId: string;
  kind: string;
  objectType: string;
  /** Targets of the workload that this package does not monitor or enforce (`name condition value`). */
  notEnforced: string[];
}

// An isolated instance, so that nothing registered elsewhere changes this output. The template is
// precompiled (readmeTemplate.ts): compiling it was a tenth of a one-intent render.
const handlebars = Handlebars.create();
const TEMPLATE = handlebars.template(
  readmeTemplateSpec as unknown as Parameters<typeof handlebars.template>[0],
);

/** Renders the README of a package. */
export function renderReadme(
  compiled: CompiledIntent,
  site: Site,
  workloads: readonly ReadmeWorkload[],
  objects: readonly GeneratedObject[],
): string {
  return TEMPLATE({
    intentId: compiled.spec.intentId,
    revision: compiled.spec.revision,
    description: compiled.spec.description,
    digest: compiled.spec.intentDigest,
    siteId: site.id,
    siteKind: site.kind,
    workloads,
    objects: objects.map((o) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace: o.metadata.namespace ?? "",
      name: o.metadata.name,
    })),
  });
}
