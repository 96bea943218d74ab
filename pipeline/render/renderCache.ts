/**
 * The render cache index, `rendered/.intentops-cache.json`: for each intent file the digest of its bytes
 * and the packages it produced, and for each package its input digest and rendered digest.
 *
 * It lets an unchanged render decide without compiling intents or reading Kptfiles: a file whose bytes,
 * site registry and renderer version are unchanged produced the same packages. It is deterministic (no
 * times, no absolute paths), so it can be committed with the packages. It is only ever trusted together
 * with the package directory still holding a Kptfile, and a missing or unreadable index is never an
 * error: the render falls back to the input digest recorded in each Kptfile.
 */
import { readFileSync } from "node:fs";
import type { Digest } from "../../compiler/digest.js";

export const CACHE_FILE = ".intentops-cache.json";

export interface CachedSource {
  /** Digest of the intent file's bytes. */
  digest: Digest;
  intentId: string;
  /** `<site>/<intent-id>` of every package the file produced, sorted. */
  subjects: string[];
}

export interface CachedPackage {
  inputDigest: Digest;
  renderedDigest: Digest;
  /**
   * The identities the package's objects claim on their site (`OwnedObject.key`), for the ownership check
   * without reading the package; absent in an index written before it was recorded (then read from disk).
   */
  owns?: string[];
}

export interface RenderCache {
  apiVersion: "intentops.io/v1alpha1";
  kind: "RenderCache";
  /** `RENDERER_VERSION` the entries were made with; any other version discards them. */
  renderer: string;
  /** Digest of the site registry's bytes the sources were compiled against. */
  registryDigest: Digest | "";
  /** Keyed by file name relative to the intents directory. */
  sources: Record<string, CachedSource>;
  /** Keyed by `<site>/<intent-id>`. */
  packages: Record<string, CachedPackage>;
}

/** An empty index for `renderer`. */
export function emptyCache(renderer: string): RenderCache {
  return {
    apiVersion: "intentops.io/v1alpha1",
    kind: "RenderCache",
    renderer,
    registryDigest: "",
    sources: {},
    packages: {},
  };
}

/**
 * Reads the index at `path`; `undefined` when it is absent, unreadable, malformed or from another
 * renderer version (the caller then falls back to the Kptfiles).
 */
export function readRenderCache(path: string, renderer: string): RenderCache | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || parsed.kind !== "RenderCache" || parsed.renderer !== renderer) return undefined;
  if (!isRecord(parsed.sources) || !isRecord(parsed.packages) || typeof parsed.registryDigest !== "string")
    return undefined;
  return parsed as unknown as RenderCache;
}

/**
 * The index as JSON: sorted keys, one line per source and per package, so a diff of the index shows one
 * line per changed package. Written by hand rather than through `stringifyCanonical` because it is
 * rewritten on every render that changes anything and the generic canonicaliser costs ~50 ms at 1,000
 * packages; the layout is fixed, so the output is just as deterministic.
 */
export function formatRenderCache(cache: RenderCache): string {
  const q = JSON.stringify;
  const entries = <T>(record: Record<string, T>, line: (value: T) => string) =>
    Object.keys(record)
      .sort()
      .map((key) => `    ${q(key)}: ${line(record[key]!)}`)
      .join(",\n");
  const block = (body: string) => (body ? `{\n${body}\n  }` : "{}");
  return [
    "{",
    `  "apiVersion": ${q(cache.apiVersion)},`,
    `  "kind": ${q(cache.kind)},`,
    `  "packages": ${block(
      entries(
        cache.packages,
        (p) =>
          `{ "inputDigest": ${q(p.inputDigest)}, ${p.owns ? `"owns": ${q(p.owns)}, ` : ""}"renderedDigest": ${q(p.renderedDigest)} }`,
      ),
    )},`,
    `  "registryDigest": ${q(cache.registryDigest)},`,
    `  "renderer": ${q(cache.renderer)},`,
    `  "sources": ${block(
      entries(
        cache.sources,
        (s) =>
          `{ "digest": ${q(s.digest)}, "intentId": ${q(s.intentId)}, "subjects": ${q([...s.subjects].sort())} }`,
      ),
    )}`,
    "}",
    "",
  ].join("\n");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
