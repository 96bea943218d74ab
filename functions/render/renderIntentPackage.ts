/**
 * renderIntentPackage: one compiled intent × one site → the files of `rendered/<site>/<intent-id>/`.
 *
 * The generators build the objects as data; the package (Kptfile + one file per object + README) then goes
 * through the kpt render semantics in process, so a Kptfile pipeline (mutators, validators) applies exactly
 * as `kpt fn render` would apply it, and the results are a `FunctionResultList`. Pure: same input → same
 * bytes.
 */

import { type Digest, digestBytes } from "../../compiler/digest.js";
import type { CompiledIntent, Site } from "../../compiler/types.js";
import { generatePackage } from "../generators/index.js";
import type { GeneratedObject } from "../generators/types.js";
import { newResultList, renderPackage } from "../runtime/renderPackage.js";
import type { FunctionRegistry } from "../runtime/resolveFunction.js";
import type { FunctionResultList, KrmObject } from "../runtime/types.js";
import { formatObjectFast } from "./formatObjectFast.js";
import { renderedDigestOf } from "./renderedDigestOf.js";
import { stringifyCanonicalFast } from "./stringifyCanonicalFast.js";

/** Bumped whenever generated output changes for the same input, so caches keyed by input digest expire. */
export const RENDERER_VERSION = "1";

export const INPUT_DIGEST_ANNOTATION = "intentops.io/input-digest";

export interface RenderedPackage {
  /** `<site>/<intent-id>`. */
  subject: string;
  site: string;
  intentId: string;
  /** Digest of everything the package is made from: the cache key. */
  inputDigest: Digest;
  /** Digest of the package's files (path → digest of bytes), recorded in commits and evidence. */
  renderedDigest: Digest;
  /** Relative path inside the package → file text, sorted by path. */
  files: Record<string, string>;
  /** The objects a site applies (no Kptfile, no local config). */
  objects: KrmObject[];
  results: FunctionResultList;
}

/** The input digest of a package, computable without rendering (for the cache check). */
export function packageInputDigest(compiled: CompiledIntent, site: Site): Digest {
  // = digestJson({ renderer, intent, site }), through the one-pass serialiser (same bytes).
  return digestBytes(stringifyCanonicalFast({ renderer: RENDERER_VERSION, intent: compiled.spec, site }));
}

export interface RenderIntentPackageOptions {
  /**
   * `packageInputDigest(compiled, site)` when the caller already computed it for its cache check
   * (it serialises the whole compiled intent, so computing it twice is measurable at 1,000 packages).
   */
  inputDigest?: Digest;
}

/**
 * @throws IntentopsError from the generators (`E_GEN_*`) or from a failing pipeline step (`E_RENDER_*`)
 * @example const pkg = await renderIntentPackage(compiled, registry.sites[0], {}); pkg.files["Kptfile"]
 */
export async function renderIntentPackage(
  compiled: CompiledIntent,
  site: Site,
  registry: FunctionRegistry,
  options: RenderIntentPackageOptions = {},
): Promise<RenderedPackage> {
  const generated = generatePackage(compiled, site);
  const inputDigest = options.inputDigest ?? packageInputDigest(compiled, site);
  const kptfile = withAnnotation(generated.kptfile, INPUT_DIGEST_ANNOTATION, inputDigest);

  const files = new Map<string, string>([["Kptfile", formatObjectFast(kptfile)]]);
  if (generated.readme) files.set("README.md", generated.readme);
  const taken = new Set(files.keys());
  for (const object of generated.objects) {
    const path = fileNameOf(object, taken);
    taken.add(path);
    files.set(path, formatObjectFast(object));
  }

  // With no pipeline, `kpt fn render` leaves every file's bytes as they are, so the package is already
  // its own render: skip parsing our own output back (YAML parsing is most of a render's cost).
  const outcome = hasPipeline(kptfile)
    ? await renderPackage({ files, registry })
    : {
        ok: true as const,
        files: Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : 1))),
        // generatePackage already returns a private deep copy, so no second copy is made.
        objects: generated.objects as KrmObject[],
        results: newResultList(),
      };
  if (!outcome.ok) throw outcome.error;
  return {
    subject: generated.subject,
    site: site.id,
    intentId: compiled.spec.intentId,
    inputDigest,
    renderedDigest: renderedDigestOf(outcome.files),
    files: outcome.files,
    objects: outcome.objects,
    results: outcome.results,
  };
}

/** `deployment_analytics.yaml`; the namespace is prefixed only when two objects would share a name. */
function fileNameOf(object: GeneratedObject, taken: ReadonlySet<string>): string {
  const base = `${object.kind.toLowerCase()}_${object.metadata.name}.yaml`;
  if (!taken.has(base)) return base;
  return `${object.metadata.namespace ?? "cluster"}_${base}`;
}

function withAnnotation(object: GeneratedObject, key: string, value: string): GeneratedObject {
  return {
    ...object,
    metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [key]: value } },
  };
}

function hasPipeline(kptfile: GeneratedObject): boolean {
  const pipeline = kptfile.pipeline as { mutators?: unknown[]; validators?: unknown[] } | undefined;
  return Boolean(pipeline?.mutators?.length || pipeline?.validators?.length);
}
