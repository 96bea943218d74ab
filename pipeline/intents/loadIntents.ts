/**
 * Reads intent files from disk for the pure compiler: a single file, or the `*.json` files directly in a
 * directory (subdirectories such as `revisions/` hold alternative revisions and are not read), plus the
 * site registry. Every problem across all files is collected; nothing is compiled partially.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import {
  type CompiledIntent,
  compileIntent,
  DEFAULT_LIMITS,
  InvalidInputError,
  type Problem,
  parseSiteRegistry,
  type SiteRegistry,
} from "../../compiler/index.js";
import { readVocabularyMappings } from "./readVocabularyMappings.js";

export interface LoadedIntent {
  /** Path relative to `cwd`, as named in messages and commits. */
  file: string;
  text: string;
  compiled: CompiledIntent;
}

export interface CompileFilesResult {
  registry: SiteRegistry;
  registryFile: string;
  intents: LoadedIntent[];
}

export interface CompileFilesOptions {
  cwd: string;
  /** Site registry path; default: `sites.yaml` in the directory (or the file's directory), else `intents/sites.yaml`. */
  sites?: string;
  maxBytes?: number;
}

/**
 * Compiles every intent under `target` (a file or a directory).
 * @throws InvalidInputError with the problems of every file
 */
export async function compileFiles(
  target: string,
  options: CompileFilesOptions,
): Promise<CompileFilesResult> {
  const { cwd, maxBytes = DEFAULT_LIMITS.maxBytes } = options;
  const absolute = resolve(cwd, target);
  const info = await stat(absolute).catch(() => undefined);
  if (!info)
    throw new InvalidInputError([
      { code: "E_NOT_FOUND", pointer: "", message: "no such file or directory", file: target },
    ]);
  const files = info.isDirectory()
    ? (await readdir(absolute))
        .filter((name) => name.endsWith(".json"))
        .sort()
        .map((name) => join(absolute, name))
    : [absolute];
  const registryFile = options.sites
    ? resolve(cwd, options.sites)
    : await defaultRegistry(info.isDirectory() ? absolute : dirname(absolute), cwd);
  const registry = parseSiteRegistry(
    await readText(registryFile, cwd, maxBytes * 4),
    relative(cwd, registryFile),
  );

  const { mappings } = readVocabularyMappings(registryFile, cwd, maxBytes);

  const problems: Problem[] = [];
  const intents: LoadedIntent[] = [];
  const byId = new Map<string, string>();
  for (const path of files) {
    const file = relative(cwd, path) || basename(path);
    const size = (await stat(path)).size;
    if (size > maxBytes) {
      problems.push({
        code: "E_TOO_LARGE",
        pointer: "",
        message: `the file is ${size} bytes; the limit is ${maxBytes} bytes`,
        file,
      });
      continue;
    }
    const bytes = await readFile(path);
    const text = bytes.toString("utf8");
    try {
      // bytes, not text: the compiler refuses invalid UTF-8 instead of reading U+FFFD
      const compiled = await compileIntent(bytes, registry, {
        file,
        limits: { maxBytes },
        mapper: mappings.mapper,
      });
      const other = byId.get(compiled.spec.intentId);
      if (other) {
        problems.push({
          code: "E_DUPLICATE_ID",
          pointer: "/id",
          message: `intent id "${compiled.spec.intentId}" is also used by ${other}`,
          file,
        });
        continue;
      }
      byId.set(compiled.spec.intentId, file);
      intents.push({ file, text, compiled });
    } catch (error) {
      if (error instanceof InvalidInputError) problems.push(...error.problems);
      else throw error;
    }
  }
  if (problems.length) throw new InvalidInputError(problems);
  return { registry, registryFile: relative(cwd, registryFile), intents };
}

async function defaultRegistry(dir: string, cwd: string): Promise<string> {
  for (const candidate of [join(dir, "sites.yaml"), join(cwd, "intents", "sites.yaml")]) {
    if (await stat(candidate).catch(() => undefined)) return candidate;
  }
  throw new InvalidInputError([
    {
      code: "E_NOT_FOUND",
      pointer: "",
      message: "no site registry: pass --sites <file> or add sites.yaml beside the intents",
      file: relative(cwd, join(dir, "sites.yaml")),
    },
  ]);
}

async function readText(path: string, cwd: string, maxBytes: number): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info)
    throw new InvalidInputError([
      { code: "E_NOT_FOUND", pointer: "", message: "no such file", file: relative(cwd, path) },
    ]);
  if (info.size > maxBytes) {
    throw new InvalidInputError([
      {
        code: "E_TOO_LARGE",
        pointer: "",
        message: `the file is ${info.size} bytes; the limit is ${maxBytes}`,
        file: relative(cwd, path),
      },
    ]);
  }
  return readFile(path, "utf8");
}
