/**
 * `syncFromGit`: one pull-mode sync of a site. Fetch the delivery branch, choose the commit, read every
 * `rendered/<site>/<intent-id>/` package of it, and reconcile the site (intents whose package is gone
 * are pruned, with prune safety).
 *
 * Which commit: the newest commit on the branch's first-parent line that is not quarantined. HEAD is
 * used unless a rollback quarantined it (`quarantine/<sha>.json` on the evidence branch); then the
 * agent walks back to the newest ancestor that is not quarantined. Trees in Git are cumulative, so a
 * non-quarantined descendant of a quarantined commit still carries its change: quarantine is for the
 * window between a rollback's decision and its revert commit (and for a quarantined commit pushed again),
 * and the revert commit itself is what removes the change for good.
 */

import git from "isomorphic-git";
import { renderedDigestOf } from "../../functions/render/renderedDigestOf.js";
import type { GitDeps } from "../git/gitDeps.js";
import { openRepo } from "../git/openRepo.js";
import { listQuarantined } from "../git/quarantine.js";
import { listFiles, type RepoCtx, readTreeEntries, treeOfCommit } from "../git/treeOps.js";
import { pullBranch } from "../git/updateBranch.js";
import { objectsOfPackage } from "./readPackage.js";
import {
  type ReconcileSiteDeps,
  type ReconcileSiteOptions,
  type ReconcileSiteOutcome,
  reconcileSite,
  type SitePackage,
} from "./reconcileSite.js";

export interface SyncFromGitOptions extends Omit<ReconcileSiteOptions, "packages" | "commit"> {
  /** Local repository directory (bare or with `.git/`), or the local mirror of `remote`. */
  dir: string;
  /** Smart-HTTP URL to fetch from; the mirror in `dir` is created when missing. */
  remote?: string;
  branch?: string;
  /** Do not touch the cluster when the chosen commit is the one synced last. */
  lastSynced?: string | null;
}

export interface SyncOutcome {
  /** The commit applied (or already in sync), `null` when the branch has no usable commit. */
  commit: string | null;
  head: string | null;
  /** Quarantined commits passed over on the way from HEAD to `commit`. */
  skippedQuarantined: string[];
  /** `null` when nothing was reconciled (no usable commit, or `commit === lastSynced`). */
  reconcile: ReconcileSiteOutcome | null;
}

/**
 * @example
 * const sync = await syncFromGit({ site, dir: "/var/lib/intentops/edge1", remote: "http://git/delivery.git" }, { git: gitDeps });
 * console.log(`synced ${sync.commit}`);
 */
export async function syncFromGit(
  options: SyncFromGitOptions,
  deps: ReconcileSiteDeps & { git: GitDeps },
): Promise<SyncOutcome> {
  const { dir, remote, branch = "main", site } = options;
  const repo = await openRepo({ fs: deps.git.fs, dir, init: !!remote, branch, cache: deps.git.cache ?? {} });
  const head = await pullBranch(repo, deps.git, branch, remote);
  if (!head) return { commit: null, head: null, skippedQuarantined: [], reconcile: null };
  const quarantined = new Set(
    (await listQuarantined({ dir, ...(remote ? { remote } : {}) }, deps.git)).map((q) => q.commit),
  );
  const skippedQuarantined: string[] = [];
  let commit: string | null = head;
  while (commit && quarantined.has(commit)) {
    skippedQuarantined.push(commit);
    const { commit: c } = await git.readCommit({
      fs: repo.fs,
      gitdir: repo.gitdir,
      oid: commit,
      cache: repo.cache,
    });
    commit = c.parent[0] ?? null;
  }
  if (!commit) return { commit: null, head, skippedQuarantined, reconcile: null };
  if (commit === options.lastSynced) return { commit, head, skippedQuarantined, reconcile: null };
  const packages = await packagesAt(repo, commit, site.id);
  const reconcile = await reconcileSite(
    {
      ...options,
      packages,
      commit,
      pruneMissing: true,
      presentIntents: await intentsAt(repo, commit),
      trigger: options.trigger ?? { kind: "agent", by: site.id },
    },
    deps,
  );
  return { commit, head, skippedQuarantined, reconcile };
}

/** The intent ids whose `intents/<id>.json` exists at `commit`. */
export async function intentsAt(repo: RepoCtx, commit: string): Promise<Set<string>> {
  const top = await readTreeEntries(repo, await treeOfCommit(repo, commit));
  const dir = top.find((e) => e.path === "intents" && e.type === "tree");
  const ids = new Set<string>();
  for (const entry of dir ? await readTreeEntries(repo, dir.oid) : []) {
    if (entry.type === "blob" && entry.path.endsWith(".json")) ids.add(entry.path.slice(0, -".json".length));
  }
  return ids;
}

/** Every `rendered/<site>/<intent-id>/` package of `commit`, with its rendered digest. */
export async function packagesAt(repo: RepoCtx, commit: string, site: string): Promise<SitePackage[]> {
  const files = await listFiles(repo, await treeOfCommit(repo, commit));
  const byIntent = new Map<string, Record<string, string>>();
  const prefix = `rendered/${site}/`;
  for (const [path, entry] of files) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash < 0) continue;
    const intent = rest.slice(0, slash);
    const pkg = byIntent.get(intent) ?? {};
    pkg[rest.slice(slash + 1)] = await readText(repo, entry.oid);
    byIntent.set(intent, pkg);
  }
  return [...byIntent.keys()].sort().map((intentId) => sitePackage(intentId, byIntent.get(intentId)!));
}

/**
 * The one package `rendered/<site>/<intentId>/` of `commit`, or undefined when it has none. Reads only
 * that directory: a run reconciling its own intent read (and parsed) every intent's package of the site
 * and kept one, so each run cost grew with the number of intents (the leader's biggest cost at 120).
 */
export async function packageAt(
  repo: RepoCtx,
  commit: string,
  site: string,
  intentId: string,
): Promise<SitePackage | undefined> {
  let tree: string = await treeOfCommit(repo, commit);
  for (const name of ["rendered", site, intentId]) {
    const entry = (await readTreeEntries(repo, tree)).find((e) => e.path === name);
    if (entry?.type !== "tree") return undefined;
    tree = entry.oid;
  }
  const pkg: Record<string, string> = {};
  for (const [path, entry] of await listFiles(repo, tree)) pkg[path] = await readText(repo, entry.oid);
  return Object.keys(pkg).length ? sitePackage(intentId, pkg) : undefined;
}

const sitePackage = (intentId: string, pkg: Record<string, string>): SitePackage => ({
  intentId,
  objects: objectsOfPackage(pkg),
  renderedDigest: renderedDigestOf(pkg),
});

async function readText(repo: RepoCtx, oid: string): Promise<string> {
  const { blob } = await git.readBlob({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
  return Buffer.from(blob).toString("utf8");
}
