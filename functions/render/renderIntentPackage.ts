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
import { GeneratorError } from "../generators/GeneratorError.js";
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

/**
 * What one intent may expand into on one site, in bytes of rendered files. An object above `object` could
 * not be stored anyway (the Kubernetes API server keeps objects of at most 1.5 MiB, and a request is
 * bigger than its YAML); a package above `package` is an input that multiplies itself (thousands of
 * targets, each a rule per site). Generous: the example packages are 3–20 KB.
 */
export const RENDER_BUDGET = { object: 512 * 1024, package: 2 * 1024 * 1024 } as const;

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
  /** Overrides RENDER_BUDGET (tests). */
  budget?: { object: number; package: number };
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
  checkBudget(outcome.files, generated.subject, options.budget ?? RENDER_BUDGET);
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

/** @throws GeneratorError `E_GEN_TOO_LARGE` naming the largest file when a file or the package is over budget */
function checkBudget(
  files: Record<string, string>,
  subject: string,
  budget: { object: number; package: number },
) {
  // A string of n UTF-16 units is at most 3n UTF-8 bytes: a package that cannot be over is not measured.
  const texts = Object.values(files);
  const chars = texts.reduce((sum, text) => sum + text.length, 0);
  if (chars * 3 <= budget.package && texts.every((text) => text.length * 3 <= budget.object)) return;
  let total = 0;
  let largest = { path: "", bytes: 0 };
  for (const [path, text] of Object.entries(files)) {
    const bytes = utf8Length(text);
    total += bytes;
    if (bytes > largest.bytes) largest = { path, bytes };
  }
  const over =
    largest.bytes > budget.object
      ? `${largest.path} renders to ${largest.bytes} bytes; one file may hold at most ${budget.object}`
      : total > budget.package
        ? `the package renders to ${total} bytes (largest: ${largest.path}, ${largest.bytes}); one package may hold at most ${budget.package}`
        : undefined;
  if (over) {
    throw new GeneratorError(
      "E_GEN_TOO_LARGE",
      { subject },
      `${over} — the intent expands into more than a site can take (too many targets or values?)`,
    );
  }
}

/** UTF-8 byte length without encoding (surrogate pairs: 4 bytes for the pair). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
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
