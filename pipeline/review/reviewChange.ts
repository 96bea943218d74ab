/**
 * reviewChange: what merging `head` into a branch at `base` would change — both revisions compiled and
 * rendered in memory (nothing is written), compared per site, per intent and per object.
 *
 * read both trees → pick the intent files whose blobs differ (all of them when the site registry changed)
 * → compile them at base and at head → render each (site, intent) whose input digest differs → object diff
 * per package → SLO policy of each changed intent at head → the head packages' claims checked against the
 * packages under rendered/ at head and one another (one owner per object: `E_OWNERSHIP_CONFLICT`) →
 * problems placed on their source lines.
 *
 * A file whose blob is the same at base and head renders the same packages, so it is neither compiled nor
 * rendered: a one-intent change to a thousand-intent repository renders one intent twice.
 */
import type { PromiseFsClient } from "isomorphic-git";
import { IntentopsError } from "../../compiler/errors.js";
import {
  type CompiledIntent,
  compileIntent,
  InvalidInputError,
  NO_MAPPINGS,
  type Problem,
  parseVocabularyMappings,
  type VocabularyMappings,
} from "../../compiler/index.js";
import { parseSiteRegistry } from "../../compiler/parseSiteRegistry.js";
import type { Site, SiteRegistry } from "../../compiler/types.js";
import { GeneratorError } from "../../functions/generators/GeneratorError.js";
import { findOwnershipConflicts, ownedObjectsOf } from "../../functions/render/findOwnershipConflicts.js";
import {
  packageInputDigest,
  type RenderedPackage,
  renderIntentPackage,
} from "../../functions/render/renderIntentPackage.js";
import type { FunctionRegistry } from "../../functions/runtime/resolveFunction.js";
import { deriveSloPolicy, type SloPolicyOverrides } from "../../functions/slo/deriveSloPolicy.js";
import { createOwnershipIndex } from "../git/ownershipIndex.js";
import { probeIntentProblem } from "../probe/probeIntentProblem.js";
import { ownershipProblems } from "../render/ownershipProblems.js";
import { diffPackages } from "./diffPackages.js";
import { locateProblems } from "./locateProblem.js";
import { type Revision, readRevision } from "./readRevision.js";
import type { IntentChange, Review, ReviewProblem, SiteReview } from "./reviewTypes.js";

export interface ReviewChangeOptions {
  fs: PromiseFsClient;
  /** The git directory (`.git` of a work tree, or a bare repository). */
  gitdir: string;
  base: string;
  head: string;
  functions: FunctionRegistry;
  /** Default `intents`. */
  intentsDir?: string;
  /** SLO settings the delivery uses, so the review shows the policy that will be applied. */
  slo?: SloPolicyOverrides;
}

interface Side {
  rev: Revision;
  registry?: SiteRegistry;
  /** The revision's vocabulary mappings (`intents/mappings.yaml`), or none. */
  mappings: VocabularyMappings;
  /** intent id → its compiled intent and file. */
  intents: Map<string, { compiled: CompiledIntent; file: string }>;
  problems: Problem[];
  texts: Map<string, string>;
  /** The packages rendered at this side, with the intent that claims their objects. */
  rendered: Array<{ intent: NonNullable<Compiled>; pkg: RenderedPackage }>;
}

/**
 * @throws IntentopsError `E_USAGE_REV` when base or head is not a commit; problems in the intents are
 *   data (`review.problems`), not errors.
 * @example const review = await reviewChange({ fs, gitdir: ".git", base: "main", head: "HEAD", functions: stdlibRegistry });
 */
export async function reviewChange(options: ReviewChangeOptions): Promise<Review> {
  const cache = {};
  const read = (rev: string) =>
    readRevision({
      fs: options.fs,
      gitdir: options.gitdir,
      rev,
      cache,
      ...(options.intentsDir ? { intentsDir: options.intentsDir } : {}),
    });
  const [baseRev, headRev] = [await read(options.base), await read(options.head)];
  const base: Side = {
    rev: baseRev,
    mappings: NO_MAPPINGS,
    intents: new Map(),
    problems: [],
    texts: new Map(),
    rendered: [],
  };
  const head: Side = {
    rev: headRev,
    mappings: NO_MAPPINGS,
    intents: new Map(),
    problems: [],
    texts: new Map(),
    rendered: [],
  };
  await loadRegistry(base);
  await loadRegistry(head);

  // New mappings can change what every intent means: like a new registry, every intent is compiled again.
  const registryChanged =
    baseRev.registry?.oid !== headRev.registry?.oid || baseRev.mappings?.oid !== headRev.mappings?.oid;
  const baseOids = new Map(baseRev.intents.map((f) => [f.path, f.oid]));
  const headOids = new Map(headRev.intents.map((f) => [f.path, f.oid]));
  const paths = [...new Set([...baseOids.keys(), ...headOids.keys()])].sort();
  const touched = paths.filter((p) => registryChanged || baseOids.get(p) !== headOids.get(p));
  for (const path of touched) {
    const b = baseOids.get(path);
    const h = headOids.get(path);
    if (b) await compileFile(base, path, b);
    if (h) await compileFile(head, path, h);
  }

  // Without a valid head registry nothing at head compiles: showing every intent as removed would be false.
  const ids = head.registry ? [...new Set([...base.intents.keys(), ...head.intents.keys()])].sort() : [];
  const perSite = new Map<string, IntentChange[]>();
  const counts = { added: 0, changed: 0, removed: 0 };
  for (const id of ids) {
    const b = base.intents.get(id);
    const h = head.intents.get(id);
    const changes = await reviewIntent(id, b, h, base, head, options);
    if (changes.length === 0) continue;
    counts[!b ? "added" : !h ? "removed" : "changed"]++;
    for (const change of changes) {
      const list = perSite.get(change.site) ?? [];
      list.push(change);
      perSite.set(change.site, list);
    }
  }

  await checkOwnership(head, options);

  const sites: SiteReview[] = [...perSite.keys()].sort().map((site) => {
    const intents = perSite.get(site)!.sort((x, y) => (x.intentId < y.intentId ? -1 : 1));
    const c = { added: 0, changed: 0, removed: 0 };
    for (const intent of intents) for (const o of intent.objects) c[o.action]++;
    return { site, intents, counts: c };
  });
  const objects = { added: 0, changed: 0, removed: 0 };
  for (const s of sites) for (const k of ["added", "changed", "removed"] as const) objects[k] += s.counts[k];
  const problems = sortProblems(locateProblems(head.problems, head.texts));
  return {
    base: baseRev.commit,
    head: headRev.commit,
    ok: problems.length === 0,
    summary: {
      intents: { ...counts, unchanged: Math.max(0, headRev.intents.length - counts.added - counts.changed) },
      objects,
      sites: sites.length,
    },
    sites,
    problems,
    baseProblems: sortProblems(locateProblems(base.problems, base.texts)),
  };
}

async function loadRegistry(side: Side): Promise<void> {
  const file = side.rev.registry;
  if (!file) {
    if (side.rev.intents.length > 0) {
      side.problems.push({
        code: "E_NOT_FOUND",
        pointer: "",
        message: "no site registry (intents/sites.yaml) in this revision",
        file: "intents/sites.yaml",
      });
    }
    return;
  }
  const text = await side.rev.read(file.oid);
  side.texts.set(file.path, text);
  try {
    side.registry = parseSiteRegistry(text, file.path);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    side.problems.push(...error.problems.map((p) => ({ ...p, file: file.path })));
  }
  const mappings = side.rev.mappings;
  if (!mappings) return;
  const mappingsText = await side.rev.read(mappings.oid);
  side.texts.set(mappings.path, mappingsText);
  try {
    side.mappings = parseVocabularyMappings(mappingsText, mappings.path);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    side.problems.push(...error.problems.map((p) => ({ ...p, file: p.file ?? mappings.path })));
    // Nothing compiles against mappings that are invalid: their problems are the answer.
    side.registry = undefined;
  }
}

async function compileFile(side: Side, path: string, oid: string): Promise<void> {
  if (!side.registry) return;
  const text = await side.rev.read(oid);
  side.texts.set(path, text);
  try {
    const compiled = await compileIntent(text, side.registry, { file: path, mapper: side.mappings.mapper });
    if (compiled.spec.probe) {
      side.problems.push(probeIntentProblem(path));
      return;
    }
    const id = compiled.spec.intentId;
    if (path.slice(path.lastIndexOf("/") + 1) !== `${id}.json`) {
      // Delivery commits an intent as intents/<id>.json: under another name the repository would hold two.
      side.problems.push({
        code: "E_REVIEW_FILE_NAME",
        pointer: "/id",
        message: `intent "${id}" must be in ${id}.json: delivery commits it under that name, so another name would leave two copies`,
        file: path,
      });
      return;
    }
    const other = side.intents.get(id);
    if (other) {
      side.problems.push({
        code: "E_DUPLICATE_ID",
        pointer: "/id",
        message: `intent id "${id}" is also used by ${other.file}`,
        file: path,
      });
      return;
    }
    side.intents.set(id, { compiled, file: path });
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    side.problems.push(...error.problems);
  }
}

type Compiled = { compiled: CompiledIntent; file: string } | undefined;

/** One intent's changes on every site it had or has; render failures become problems of its file. */
async function reviewIntent(
  id: string,
  b: Compiled,
  h: Compiled,
  base: Side,
  head: Side,
  options: ReviewChangeOptions,
): Promise<IntentChange[]> {
  const siteIds = [...new Set([...(b?.compiled.spec.sites ?? []), ...(h?.compiled.spec.sites ?? [])])].sort();
  const out: IntentChange[] = [];
  for (const siteId of siteIds) {
    const bSite = b?.compiled.spec.sites.includes(siteId) ? siteOf(base, siteId) : undefined;
    const hSite = h?.compiled.spec.sites.includes(siteId) ? siteOf(head, siteId) : undefined;
    if (
      b &&
      h &&
      bSite &&
      hSite &&
      packageInputDigest(b.compiled, bSite) === packageInputDigest(h.compiled, hSite)
    ) {
      continue; // same input, same package
    }
    const bPkg = bSite ? await render(b!, bSite, base, options.functions) : undefined;
    const hPkg = hSite ? await render(h!, hSite, head, options.functions) : undefined;
    if (hSite && !hPkg) continue; // the head does not render: its problem is reported instead
    if (h && hPkg) head.rendered.push({ intent: h, pkg: hPkg });
    const subject = `${siteId}/${id}`;
    const objects = diffPackages(bPkg?.objects ?? [], hPkg?.objects ?? [], subject);
    if (objects.length === 0) continue;
    const change: IntentChange = {
      subject,
      site: siteId,
      intentId: id,
      status: !bPkg ? "added" : !hPkg ? "removed" : "changed",
      file: (h ?? b)!.file,
      objects,
      delta: h?.compiled.spec.delta ?? [],
    };
    if (h && hPkg) {
      try {
        const policy = deriveSloPolicy(h.compiled, siteId, options.slo ?? {});
        change.slo = {
          windowSeconds: policy.windowSeconds,
          targets: policy.targets.map((t) => ({
            id: t.id,
            metric: t.metric,
            comparison: t.comparison,
            threshold: t.threshold,
            unit: t.unit,
            action: t.action,
          })),
          unmonitored: policy.unmonitored.map((u) => `${u.expectationId}/${u.name}: ${u.reason}`),
        };
      } catch (error) {
        if (!(error instanceof IntentopsError)) throw error;
        head.problems.push({ code: error.code, pointer: "", message: error.message, file: h.file });
      }
    }
    out.push(change);
  }
  return out;
}

/**
 * The packages the change renders may claim nothing another intent's package under rendered/ at head
 * holds (what is delivered), nor one another's: problems of the claiming file, at the parameter that named
 * the object.
 */
async function checkOwnership(head: Side, options: ReviewChangeOptions): Promise<void> {
  if (head.rendered.length === 0) return;
  const claims = head.rendered.map(({ pkg }) => ({
    site: pkg.site,
    intentId: pkg.intentId,
    owned: ownedObjectsOf(pkg.objects),
  }));
  const repo = { fs: options.fs, gitdir: options.gitdir };
  const conflicts = [
    ...(await createOwnershipIndex().conflictsAt(repo, head.rev.commit, claims)),
    ...findOwnershipConflicts(claims),
  ];
  if (conflicts.length === 0) return;
  head.problems.push(
    ...ownershipProblems(
      conflicts,
      (id) => {
        const intent = head.intents.get(id);
        return intent && { ...intent, text: head.texts.get(intent.file) ?? "" };
      },
      (id) => head.intents.get(id)?.file ?? `intents/${id}.json`,
    ),
  );
}

function siteOf(side: Side, id: string): Site | undefined {
  return side.registry?.sites.find((s) => s.id === id);
}

async function render(
  c: NonNullable<Compiled>,
  site: Site,
  side: Side,
  functions: FunctionRegistry,
): Promise<RenderedPackage | undefined> {
  try {
    return await renderIntentPackage(c.compiled, site, functions);
  } catch (error) {
    if (!(error instanceof IntentopsError)) throw error;
    const where = error instanceof GeneratorError ? "" : " (rendering)";
    side.problems.push({
      code: error.code,
      pointer: "",
      message: `${site.id}/${c.compiled.spec.intentId}${where}: ${error.message}`,
      file: c.file,
    });
    return undefined;
  }
}

function sortProblems(problems: ReviewProblem[]): ReviewProblem[] {
  return problems.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}
