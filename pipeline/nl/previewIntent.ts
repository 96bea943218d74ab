/**
 * previewIntent: what submitting a TMF921 intent would do, computed in memory before anything is
 * written — the compiled TS 28.312 intent, and per target site the rendered package's objects compared
 * with the package of the intent's accepted revision (added / changed / removed, a YAML diff each).
 */
import { compileIntent } from "../../compiler/compileIntent.js";
import { IntentopsError, InvalidInputError, type Problem } from "../../compiler/errors.js";
import type { CompiledIntent, SiteRegistry } from "../../compiler/types.js";
import { renderIntentPackage } from "../../functions/render/renderIntentPackage.js";
import type { FunctionRegistry } from "../../functions/runtime/resolveFunction.js";
import type { KrmObject } from "../../functions/runtime/types.js";
import { diffPackages } from "../review/diffPackages.js";
import type { ObjectChange } from "../review/reviewTypes.js";

export interface SitePreview {
  site: string;
  /** Objects the site would apply. */
  objects: number;
  renderedDigest: string;
  changes: ObjectChange[];
}

export type Preview =
  | { ok: true; compiled: CompiledIntent; sites: SitePreview[] }
  | { ok: false; problems: Problem[] };

/**
 * @param base the accepted revision's TMF921 body, when the intent exists (the diff's left side)
 */
export async function previewIntent(
  intent: Record<string, unknown>,
  registry: SiteRegistry,
  functions: FunctionRegistry,
  base?: Record<string, unknown>,
): Promise<Preview> {
  let compiled: CompiledIntent;
  try {
    compiled = await compileIntent(JSON.stringify(intent), registry);
  } catch (error) {
    if (error instanceof InvalidInputError) return { ok: false, problems: [...error.problems] };
    throw error;
  }
  const baseObjects = new Map<string, KrmObject[]>();
  if (base) {
    try {
      const before = await compileIntent(JSON.stringify(base), registry);
      for (const siteId of before.spec.sites) {
        const site = registry.sites.find((s) => s.id === siteId);
        if (site) baseObjects.set(siteId, (await renderIntentPackage(before, site, functions)).objects);
      }
    } catch {
      // The accepted revision no longer compiles (e.g. the registry changed): every object is new.
    }
  }
  const sites: SitePreview[] = [];
  try {
    for (const siteId of compiled.spec.sites) {
      const site = registry.sites.find((s) => s.id === siteId)!;
      const pkg = await renderIntentPackage(compiled, site, functions);
      sites.push({
        site: siteId,
        objects: pkg.objects.length,
        renderedDigest: pkg.renderedDigest,
        changes: diffPackages(
          baseObjects.get(siteId) ?? [],
          pkg.objects,
          `${siteId}/${compiled.spec.intentId}`,
        ),
      });
    }
  } catch (error) {
    if (error instanceof IntentopsError) {
      return { ok: false, problems: [{ code: error.code, pointer: "", message: error.message }] };
    }
    throw error;
  }
  return { ok: true, compiled, sites };
}
