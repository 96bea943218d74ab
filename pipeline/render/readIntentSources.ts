/**
 * readIntentSources: the bytes of the intent files and of the site registry, without compiling them, so
 * the render can skip compiling files whose bytes it has seen before.
 *
 * Same selection as `compileFiles` (pipeline/intents/loadIntents.ts): one file, or the `*.json` files
 * directly in a directory, sorted; the registry from `sites` or `sites.yaml` beside the intents, else
 * `intents/sites.yaml`. Synchronous reads: a render reads a thousand small files, and awaiting the
 * thread pool per file costs more than the reads themselves.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import {
  DEFAULT_LIMITS,
  type Digest,
  digestBytes,
  InvalidInputError,
  type Problem,
} from "../../compiler/index.js";
import { MAPPINGS_FILE } from "../intents/readVocabularyMappings.js";

export interface IntentSource {
  /** Path relative to `cwd`, as named in messages. */
  file: string;
  /** File name relative to the intents directory: the cache key, independent of `cwd`. */
  key: string;
  text: string;
  /** The file's bytes: the compiler refuses invalid UTF-8 (the text has it replaced). */
  bytes: Uint8Array;
  digest: Digest;
}

export interface IntentSources {
  /** False when the target is a single file: then only that intent's packages are managed. */
  isDirectory: boolean;
  registryFile: string;
  registryText: string;
  /** The vocabulary mappings beside the registry ("" when there are none). */
  mappingsFile?: string;
  mappingsText: string;
  /** Digest of the registry and the mappings: either changes what every intent compiles to. */
  registryDigest: Digest;
  sources: IntentSource[];
  /** Files that could not be taken (too large); reported together with compile problems. */
  problems: Problem[];
}

export interface ReadIntentSourcesOptions {
  cwd: string;
  sites?: string;
  maxBytes?: number;
}

/**
 * @throws InvalidInputError `E_NOT_FOUND` when the target or the registry does not exist, `E_TOO_LARGE`
 *   for an oversized registry
 * @example const { sources } = readIntentSources("intents", { cwd: "." });
 */
export function readIntentSources(target: string, options: ReadIntentSourcesOptions): IntentSources {
  const { cwd, maxBytes = DEFAULT_LIMITS.maxBytes } = options;
  const absolute = resolve(cwd, target);
  const info = statSync(absolute, { throwIfNoEntry: false });
  if (!info) throw notFound(target, "no such file or directory");
  const dir = info.isDirectory() ? absolute : dirname(absolute);
  const paths = info.isDirectory()
    ? readdirSync(absolute)
        .filter((name) => name.endsWith(".json"))
        .sort()
        .map((name) => join(absolute, name))
    : [absolute];

  const registryPath = options.sites ? resolve(cwd, options.sites) : defaultRegistry(dir, cwd);
  const registryFile = relative(cwd, registryPath);
  const registryInfo = statSync(registryPath, { throwIfNoEntry: false });
  if (!registryInfo) throw notFound(registryFile, "no such file");
  if (registryInfo.size > maxBytes * 4) throw tooLarge(registryFile, registryInfo.size, maxBytes * 4);
  const registryText = readFileSync(registryPath, "utf8");
  const mappingsPath = join(dirname(registryPath), MAPPINGS_FILE);
  const mappingsInfo = statSync(mappingsPath, { throwIfNoEntry: false });
  if (mappingsInfo && mappingsInfo.size > maxBytes) {
    throw tooLarge(relative(cwd, mappingsPath), mappingsInfo.size, maxBytes);
  }
  const mappingsText = mappingsInfo ? readFileSync(mappingsPath, "utf8") : "";

  const problems: Problem[] = [];
  const sources: IntentSource[] = [];
  for (const path of paths) {
    const file = relative(cwd, path) || basename(path);
    const size = statSync(path).size;
    if (size > maxBytes) {
      problems.push(tooLarge(file, size, maxBytes).problems[0]!);
      continue;
    }
    const bytes = readFileSync(path);
    const text = bytes.toString("utf8");
    sources.push({ file, key: relative(dir, path), text, bytes, digest: digestBytes(text) });
  }
  return {
    isDirectory: info.isDirectory(),
    registryFile,
    registryText,
    ...(mappingsInfo ? { mappingsFile: relative(cwd, mappingsPath) } : {}),
    mappingsText,
    // Without mappings the digest is the registry's alone, as before mappings existed.
    registryDigest: digestBytes(mappingsInfo ? `${registryText}\0${mappingsText}` : registryText),
    sources,
    problems,
  };
}

function defaultRegistry(dir: string, cwd: string): string {
  for (const candidate of [join(dir, "sites.yaml"), join(cwd, "intents", "sites.yaml")]) {
    if (statSync(candidate, { throwIfNoEntry: false })) return candidate;
  }
  throw notFound(
    relative(cwd, join(dir, "sites.yaml")),
    "no site registry: pass --sites <file> or add sites.yaml beside the intents",
  );
}

function notFound(file: string, message: string): InvalidInputError {
  return new InvalidInputError([{ code: "E_NOT_FOUND", pointer: "", message, file }]);
}

function tooLarge(file: string, size: number, limit: number): InvalidInputError {
  return new InvalidInputError([
    {
      code: "E_TOO_LARGE",
      pointer: "",
      message: `the file is ${size} bytes; the limit is ${limit} bytes`,
      file,
    },
  ]);
}
