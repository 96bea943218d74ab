/**
 * Where evidence lives: the `intentops-evidence` branch, separate from the delivery branch so that what
 * sites reconcile never changes because of it. Records are `evidence/<intent-id>/<seq>-<action>.json`;
 * quarantined commits are `quarantine/<sha>.json`. Written without any checkout.
 */
import git from "isomorphic-git";
import type { GitDeps } from "../git/gitDeps.js";
import { openRepo } from "../git/openRepo.js";
import { type RepoCtx, readTreeEntries, treeOfCommit } from "../git/treeOps.js";
import { pullBranch } from "../git/updateBranch.js";
import { RECORD_FILE } from "./evidenceRecord.js";

export const EVIDENCE_BRANCH = "intentops-evidence";

/** One stored record file, unparsed: what `verify` must judge byte by byte. */
export interface StoredRecord {
  path: string;
  /** Sequence number and action from the file name. */
  seq: number;
  action: string;
  text: string;
}

/** Opens the repository and returns the evidence branch head (after a fast-forward fetch with `remote`). */
export async function openEvidence(
  options: { dir: string; remote?: string },
  deps: GitDeps,
): Promise<{ repo: RepoCtx; head: string | null }> {
  const repo = await openRepo({
    fs: deps.fs,
    dir: options.dir,
    init: !!options.remote,
    cache: deps.cache ?? {},
  });
  const head = await pullBranch(repo, deps, EVIDENCE_BRANCH, options.remote);
  return { repo, head };
}

/** Subtree id of `path` (a directory) in `tree`, or `null`. */
export async function subtree(repo: RepoCtx, tree: string | null, path: string): Promise<string | null> {
  let current = tree;
  for (const name of path.split("/")) {
    if (current === null) return null;
    const entry = (await readTreeEntries(repo, current)).find((e) => e.path === name && e.type === "tree");
    current = entry ? entry.oid : null;
  }
  return current;
}

/** Intent ids that have evidence at `head`. */
export async function intentsWithEvidence(repo: RepoCtx, head: string | null): Promise<string[]> {
  if (!head) return [];
  const dir = await subtree(repo, await treeOfCommit(repo, head), "evidence");
  return (await readTreeEntries(repo, dir))
    .filter((e) => e.type === "tree")
    .map((e) => e.path)
    .sort();
}

/**
 * The files under `evidence/<intent-id>/` at `head`, sorted by name. Names that do not follow the record
 * pattern are returned with `seq: NaN` so verification can report them.
 */
export async function storedRecords(
  repo: RepoCtx,
  head: string | null,
  intentId: string,
): Promise<StoredRecord[]> {
  if (!head) return [];
  const dir = await subtree(repo, await treeOfCommit(repo, head), `evidence/${intentId}`);
  const out: StoredRecord[] = [];
  for (const entry of await readTreeEntries(repo, dir)) {
    const path = `evidence/${intentId}/${entry.path}`;
    const match = RECORD_FILE.exec(entry.path);
    const text =
      entry.type === "blob"
        ? Buffer.from(
            (await git.readBlob({ fs: repo.fs, gitdir: repo.gitdir, oid: entry.oid, cache: repo.cache }))
              .blob,
          ).toString("utf8")
        : "";
    out.push({ path, seq: match ? Number(match[1]) : Number.NaN, action: match?.[2] ?? "", text });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}
