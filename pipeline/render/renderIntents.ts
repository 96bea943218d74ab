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
  capProblems,
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
import {
  findOwnershipConflicts,
  type OwnershipClaim,
  ownedObjectsOf,
} from "../../functions/render/findOwnershipConflicts.js";
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
import { readPackageDir } from "../kpt/readPackageDir.js";
import { probeIntentProblem } from "../probe/probeIntentProblem.js";
import { objectsOfPackage } from "../reconcile/readPackage.js";
import { type ConflictingSource, ownershipProblems } from "./ownershipProblems.js";
import { openStaging, STAGING_PREFIX } from "./packageStaging.js";
import { readIntentSources } from "./readIntentSources.js";
import {
  CACHE_FILE,
  emptyCache,
  formatRenderCache,
  type RenderCache,
  readRenderCache,
} from "./renderCache.js";
import { asInputProblem } from "./renderPackagesOf.js";

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
  render?: { compiled: CompiledIntent; site: Site; file: string; bytes: Uint8Array };
  /** Rendered digest recorded in the cache for an unchanged package. */
  renderedDigest?: Digest;
  /** What an unchanged package's objects claim, as the cache recorded it. */
  owns?: string[];
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
  const { planned, cache, compiledFiles, files } = await plan(input, recorded, outRoot, force);

  const staging = openStaging(outRoot, options.stagingTag ?? String(process.pid));
  const outcomes: PackageOutcome[] = [];
  const results = newResultList();
  /** What each package rendered now claims on its site, in subject order. */
  const claims: Array<OwnershipClaim & { source: ConflictingSource }> = [];
  try {
    let done = 0;
    for (const pkg of planned) {
      if (pkg.render) {
        const rendered = await renderIntentPackage(pkg.render.compiled, pkg.render.site, registry, {
          inputDigest: pkg.inputDigest,
        }).catch((error: unknown) => {
          const { file, compiled, bytes } = pkg.render!;
          throw asInputProblem(error, file, { compiled, text: bytes });
        });
        staging.stage(pkg.subject, rendered.files);
        results.items.push(...rendered.results.items);
        const owned = ownedObjectsOf(rendered.objects);
        const { compiled, file, bytes } = pkg.render;
        claims.push({
          site: rendered.site,
          intentId: rendered.intentId,
          owned,
          source: { file, compiled, text: bytes },
        });
        cache.packages[pkg.subject] = {
          inputDigest: pkg.inputDigest,
          renderedDigest: rendered.renderedDigest,
          owns: [...new Set(owned.map((o) => o.key))].sort(),
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
    if (claims.length) {
      const others = input.isDirectory ? undefined : { recorded, keep };
      await checkOwnership(claims, planned, outRoot, files, others);
    }
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
): Promise<{
  planned: PlannedPackage[];
  cache: RenderCache;
  compiledFiles: number;
  /** intent id → the file it is written in (the files read now, then what the index knew). */
  files: Map<string, string>;
}> {
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
        return {
          subject,
          inputDigest: entry.inputDigest,
          renderedDigest: entry.renderedDigest,
          ...(entry.owns ? { owns: entry.owns } : {}),
        };
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
          ? {
              subject,
              inputDigest,
              ...(before ? { renderedDigest: before.renderedDigest } : {}),
              ...(before?.owns ? { owns: before.owns } : {}),
            }
          : { subject, inputDigest, render: { compiled, site, file: source.file, bytes: source.bytes } };
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
        cache.packages[pkg.subject] = {
          inputDigest: pkg.inputDigest,
          renderedDigest: pkg.renderedDigest,
          ...(pkg.owns ? { owns: pkg.owns } : {}),
        };
      }
    }
  }
  if (problems.length) throw new InvalidInputError(problems);
  planned.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
  const files = new Map(byId);
  // The index names files relative to the intents directory; messages name them as the sources are named.
  const first = input.sources[0];
  const prefix = first ? first.file.slice(0, first.file.length - first.key.length) : "";
  for (const [key, entry] of Object.entries(recorded?.sources ?? {})) {
    if (!files.has(entry.intentId)) files.set(entry.intentId, prefix + key);
  }
  return { planned, cache, compiledFiles, files };
}

/**
 * Refuses packages rendered now that claim an object another intent's package on the same site already
 * claims (`E_OWNERSHIP_CONFLICT`, in the file of the intent rendered now). The packages that stay as they
 * are claim first — those of this render and, rendering one file, every other package on disk — so an
 * intent that is already there keeps its objects; among packages rendered now, the earlier subject does.
 * @throws InvalidInputError
 */
async function checkOwnership(
  claims: Array<OwnershipClaim & { source: ConflictingSource }>,
  planned: readonly PlannedPackage[],
  outRoot: string,
  files: ReadonlyMap<string, string>,
  /** Rendering one file: the index read before, and the packages this render manages. */
  others?: { recorded: RenderCache | undefined; keep: ReadonlySet<string> },
): Promise<void> {
  const sites = new Set(claims.map((c) => c.site));
  const existing: OwnershipClaim[] = [];
  const claimOf = async (subject: string, owns: string[] | undefined): Promise<OwnershipClaim> => {
    const [site, intentId] = subject.split("/") as [string, string];
    if (owns)
      return {
        site,
        intentId,
        owned: owns.map((key) => ({ key, subject: key, kind: "", expectationIds: [] })),
      };
    // An index written before claims were recorded: read the package itself.
    const objects = objectsOfPackage(await readPackageDir(join(outRoot, subject)));
    return { site, intentId, owned: ownedObjectsOf(objects) };
  };
  for (const pkg of planned) {
    if (pkg.render || !sites.has(pkg.subject.split("/")[0]!)) continue;
    existing.push(await claimOf(pkg.subject, pkg.owns));
  }
  if (others) {
    // Rendering one file: the packages of the other intents on disk are theirs.
    const { recorded, keep } = others;
    for (const subject of [...packageDirectories(outRoot)].sort()) {
      if (keep.has(subject) || !sites.has(subject.split("/")[0]!)) continue;
      if (!statSync(join(outRoot, subject, "Kptfile"), { throwIfNoEntry: false })) continue;
      const owns = recorded ? ownEntry(recorded.packages, subject)?.owns : undefined;
      existing.push(await claimOf(subject, owns));
    }
  }
  const conflicts = findOwnershipConflicts([...existing, ...claims]);
  if (conflicts.length === 0) return;
  const sources = new Map(claims.map((c) => [c.intentId, c.source]));
  throw new InvalidInputError(
    capProblems(
      ownershipProblems(
        conflicts,
        (id) => sources.get(id),
        (id) => files.get(id),
      ),
    ),
  );
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
