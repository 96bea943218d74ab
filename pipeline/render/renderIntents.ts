/**
 * renderIntents: compiles `intents/` and brings `rendered/<site>/<intent-id>/` up to date.
 *
 * read sources → plan (compile only files whose bytes changed) → render changed packages into a staging
 * tree → commit (swap packages in, remove stale ones, write the cache index) — or discard on any error.
 *
 * A package is re-rendered only when its input digest (compiled intent + site + renderer version)
 * differs from the recorded one: from the cache index `rendered/.intentops-cache.json` when it is there,
 * else from the `intentops.io/input-digest` annotation of the package's Kptfile. A file whose bytes and
 * site registry are unchanged is not even compiled. Nothing on disk changes until every package has
 * rendered: a bad intent or a failing generator or pipeline step leaves the output as it was.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  compileIntent,
  DEFAULT_LIMITS,
  type Digest,
  InvalidInputError,
  NO_MAPPINGS,
  type Problem,
  parseSiteRegistry,
  parseVocabularyMappings,
  type Site,
  type VocabularyMappings,
} from "../../compiler/index.js";
import type { CompiledIntent } from "../../compiler/types.js";
import { GeneratorError } from "../../functions/generators/GeneratorError.js";
import {
  INPUT_DIGEST_ANNOTATION,
  packageInputDigest,
  RENDERER_VERSION,
  renderIntentPackage,
} from "../../functions/render/renderIntentPackage.js";
import { formatObject } from "../../functions/runtime/formatObject.js";
import { newResultList } from "../../functions/runtime/renderPackage.js";
import type { FunctionRegistry } from "../../functions/runtime/resolveFunction.js";
import type { FunctionResultList } from "../../functions/runtime/types.js";
import { writeFilesAtomically } from "../fs/writeFilesAtomically.js";
import { probeIntentProblem } from "../probe/probeIntentProblem.js";
import { openStaging, STAGING_PREFIX } from "./packageStaging.js";
import { readIntentSources } from "./readIntentSources.js";
import {
  CACHE_FILE,
  emptyCache,
  formatRenderCache,
  type RenderCache,
  readRenderCache,
} from "./renderCache.js";

export type PackageAction = "rendered" | "unchanged" | "removed";

export interface PackageOutcome {
  /** `<site>/<intent-id>`. */
  subject: string;
  action: PackageAction;
  inputDigest?: Digest;
  /** Digest of the package's files (path → digest of bytes); absent for removed packages. */
  renderedDigest?: Digest;
}

export interface RenderIntentsOptions {
  cwd: string;
  /** Intent file or directory. Default `intents`. */
  intents?: string;
  /** Output root. Default `rendered`. */
  out?: string;
  sites?: string;
  /** Re-render every package even when its input digest is unchanged (the cache index is rebuilt). */
  force?: boolean;
  /** Write the merged `FunctionResultList` as `results.yaml` here. */
  resultsDir?: string;
  registry: FunctionRegistry;
  /** Called after each package is decided (rendered or unchanged), in subject order. */
  onProgress?: (done: number, total: number, subject: string) => void;
  /** Distinguishes the staging directory; default the process id. */
  stagingTag?: string;
}

export interface RenderIntentsResult {
  /** Every package, sorted by subject. */
  packages: PackageOutcome[];
  /** Intent files read, and how many of them had to be compiled. */
  files: { total: number; compiled: number };
  results: FunctionResultList;
}

interface PlannedPackage {
  subject: string;
  inputDigest: Digest;
  /** Present when the package must be rendered; `file` names the intent in problems. */
  render?: { compiled: CompiledIntent; site: Site; file: string };
  /** Rendered digest recorded in the cache for an unchanged package. */
  renderedDigest?: Digest;
}

/**
 * @throws InvalidInputError (bad intents: every problem of every file; a generator's `E_GEN_*` problem
 *   with the file it is about), IntentopsError from a failing pipeline step; the output is unchanged.
 * @example const { packages } = await renderIntents({ cwd: ".", registry: stdlibRegistry });
 */
export async function renderIntents(options: RenderIntentsOptions): Promise<RenderIntentsResult> {
  const { cwd, registry, force = false } = options;
  const outRoot = resolve(cwd, options.out ?? "rendered");
  const input = readIntentSources(options.intents ?? "intents", {
    cwd,
    ...(options.sites ? { sites: options.sites } : {}),
  });
  const recorded = force ? undefined : readRenderCache(join(outRoot, CACHE_FILE), RENDERER_VERSION);
  const { planned, cache, compiledFiles } = await plan(input, recorded, outRoot, force);

  const staging = openStaging(outRoot, options.stagingTag ?? String(process.pid));
  const outcomes: PackageOutcome[] = [];
  const results = newResultList();
  try {
    let done = 0;
    for (const pkg of planned) {
      if (pkg.render) {
        const rendered = await renderIntentPackage(pkg.render.compiled, pkg.render.site, registry, {
          inputDigest: pkg.inputDigest,
        }).catch((error: unknown) => {
          throw asInputProblem(error, pkg.render!.file);
        });
        staging.stage(pkg.subject, rendered.files);
        results.items.push(...rendered.results.items);
        cache.packages[pkg.subject] = {
          inputDigest: pkg.inputDigest,
          renderedDigest: rendered.renderedDigest,
        };
        outcomes.push({
          subject: pkg.subject,
          action: "rendered",
          inputDigest: pkg.inputDigest,
          renderedDigest: rendered.renderedDigest,
        });
      } else {
        outcomes.push({
          subject: pkg.subject,
          action: "unchanged",
          inputDigest: pkg.inputDigest,
          ...(pkg.renderedDigest ? { renderedDigest: pkg.renderedDigest } : {}),
        });
      }
      options.onProgress?.(++done, planned.length, pkg.subject);
    }

    // A single intent file manages its own packages only: the others are not stale, just not asked for.
    const keep = new Set(planned.map((p) => p.subject));
    const stale = input.isDirectory ? stalePackages(outRoot, keep) : [];
    for (const subject of stale) outcomes.push({ subject, action: "removed" });

    const changed = stale.length > 0 || outcomes.some((o) => o.action === "rendered");
    const index = formatRenderCache(cache);
    const indexChanged = readText(join(outRoot, CACHE_FILE)) !== index;
    // Everything is known and rendered: only now does the output change.
    if (changed || indexChanged) staging.commit(stale, new Map([[CACHE_FILE, index]]));
    else staging.discard();
  } catch (error) {
    staging.discard();
    throw error;
  }

  if (options.resultsDir) {
    await writeFilesAtomically(
      resolve(cwd, options.resultsDir),
      new Map([["results.yaml", formatObject(results)]]),
    );
  }
  outcomes.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
  return { packages: outcomes, files: { total: input.sources.length, compiled: compiledFiles }, results };
}

/**
 * Decides, per intent file, whether it must be compiled, and per package whether it must be rendered;
 * builds the next cache index (rendered digests are filled in as packages render).
 * @throws InvalidInputError with the problems of every file
 */
async function plan(
  input: ReturnType<typeof readIntentSources>,
  recorded: RenderCache | undefined,
  outRoot: string,
  force: boolean,
): Promise<{ planned: PlannedPackage[]; cache: RenderCache; compiledFiles: number }> {
  const registryUnchanged = recorded !== undefined && recorded.registryDigest === input.registryDigest;
  let siteRegistry: ReturnType<typeof parseSiteRegistry> | undefined;
  const sites = () => {
    siteRegistry ??= parseSiteRegistry(input.registryText, input.registryFile);
    return siteRegistry;
  };
  let vocabulary: VocabularyMappings | undefined;
  const mappings = () => {
    vocabulary ??= input.mappingsFile
      ? parseVocabularyMappings(input.mappingsText, input.mappingsFile)
      : NO_MAPPINGS;
    return vocabulary;
  };
  // One readdir per site instead of a stat per package: an unchanged render of 1,000 packages would
  // otherwise spend most of its time in stat calls. A package directory counts as present; a Kptfile
  // deleted by hand inside it is not noticed (as hand edits are not: --force re-renders everything).
  const present = packageDirectories(outRoot);
  const hasKptfile = (subject: string) => present.has(subject);

  const cache = emptyCache(RENDERER_VERSION);
  cache.registryDigest = input.registryDigest;
  if (!input.isDirectory && registryUnchanged) {
    // Rendering one file keeps what the index knows about the others (same registry, so still valid).
    Object.assign(cache.sources, recorded.sources);
    Object.assign(cache.packages, recorded.packages);
  }
  const problems: Problem[] = [...input.problems];
  const byId = new Map<string, string>();
  const planned: PlannedPackage[] = [];
  let compiledFiles = 0;

  for (const source of input.sources) {
    const known = registryUnchanged ? ownEntry(recorded.sources, source.key) : undefined;
    const reusable =
      known !== undefined &&
      known.digest === source.digest &&
      known.subjects.every((s) => ownEntry(recorded!.packages, s) !== undefined && hasKptfile(s));
    let intentId: string;
    let packages: PlannedPackage[];
    if (reusable) {
      // Same bytes, same registry, same renderer: the same packages, already on disk.
      intentId = known.intentId;
      packages = known.subjects.map((subject) => {
        const entry = recorded!.packages[subject]!;
        return { subject, inputDigest: entry.inputDigest, renderedDigest: entry.renderedDigest };
      });
    } else {
      let compiled: CompiledIntent;
      try {
        compiledFiles++;
        compiled = await compileIntent(source.bytes, sites(), {
          file: source.file,
          limits: { maxBytes: DEFAULT_LIMITS.maxBytes },
          mapper: mappings().mapper,
        });
      } catch (error) {
        if (error instanceof InvalidInputError) {
          problems.push(...error.problems);
          continue;
        }
        throw error;
      }
      if (compiled.spec.probe) {
        problems.push(probeIntentProblem(source.file));
        continue;
      }
      intentId = compiled.spec.intentId;
      packages = compiled.spec.sites.map((siteId) => {
        const site = sites().sites.find((s) => s.id === siteId)!;
        const subject = `${site.id}/${intentId}`;
        const inputDigest = packageInputDigest(compiled, site);
        const before = recorded ? ownEntry(recorded.packages, subject) : undefined;
        const recordedDigest = force
          ? undefined
          : recorded
            ? before?.inputDigest
            : kptfileInputDigest(join(outRoot, subject));
        const unchanged = recordedDigest === inputDigest && hasKptfile(subject);
        return unchanged
          ? { subject, inputDigest, ...(before ? { renderedDigest: before.renderedDigest } : {}) }
          : { subject, inputDigest, render: { compiled, site, file: source.file } };
      });
    }
    const other = byId.get(intentId);
    if (other) {
      problems.push({
        code: "E_DUPLICATE_ID",
        pointer: "/id",
        message: `intent id "${intentId}" is also used by ${other}`,
        file: source.file,
      });
      continue;
    }
    byId.set(intentId, source.file);
    cache.sources[source.key] = {
      digest: source.digest,
      intentId,
      subjects: packages.map((p) => p.subject).sort(),
    };
    for (const pkg of packages) {
      planned.push(pkg);
      if (pkg.renderedDigest) {
        cache.packages[pkg.subject] = { inputDigest: pkg.inputDigest, renderedDigest: pkg.renderedDigest };
      }
    }
  }
  if (problems.length) throw new InvalidInputError(problems);
  planned.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
  return { planned, cache, compiledFiles };
}

/**
 * A generator that cannot build a package from an intent's parameters is reporting a problem with the
 * intent, so it becomes a problem of that file (exit 1, like every other input problem), keeping the
 * generator's code. Other errors (a failing pipeline function) pass through.
 */
function asInputProblem(error: unknown, file: string): unknown {
  if (!(error instanceof GeneratorError)) return error;
  return new InvalidInputError([{ code: error.code, pointer: "", message: error.message, file }], {
    cause: error,
  });
}

function ownEntry<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

const INPUT_DIGEST_LINE = new RegExp(
  `${INPUT_DIGEST_ANNOTATION.replace(/[./]/g, "\\$&")}: "?(sha256:[0-9a-f]{64})`,
);

/** The input digest recorded in a package's Kptfile (used when there is no cache index). */
function kptfileInputDigest(dir: string): string | undefined {
  const text = readText(join(dir, "Kptfile"));
  return text === undefined ? undefined : INPUT_DIGEST_LINE.exec(text)?.[1];
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** `<site>/<intent>` of every directory under the output root that holds a Kptfile and is not in `keep`. */
function stalePackages(outRoot: string, keep: ReadonlySet<string>): string[] {
  return [...packageDirectories(outRoot)]
    .filter((subject) => !keep.has(subject))
    .filter((subject) => statSync(join(outRoot, subject, "Kptfile"), { throwIfNoEntry: false }))
    .sort();
}

/** `<site>/<intent>` of every directory two levels under the output root (hidden entries skipped). */
function packageDirectories(outRoot: string): Set<string> {
  const subjects = new Set<string>();
  for (const site of listDirectories(outRoot)) {
    if (site.startsWith(".") || site.startsWith(STAGING_PREFIX)) continue;
    for (const intent of listDirectories(join(outRoot, site))) subjects.add(`${site}/${intent}`);
  }
  return subjects;
}

function listDirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}
