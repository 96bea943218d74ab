/**
 * findRevert: the commit on a branch that reverts a given commit (its body says `This reverts commit
 * <sha>.`, as `git revert` writes it), so a rollback or compensation resumed after its revert was pushed
 * reuses that revert instead of trying to revert twice.
 */
import git from "isomorphic-git";
import type { GitDeps } from "./gitDeps.js";
import { openRepo } from "./openRepo.js";
import { pullBranch } from "./updateBranch.js";

export interface FindRevertOptions {
  dir: string;
  branch?: string;
  remote?: string;
  /** The reverted commit (full id). */
  commit: string;
}

/** @returns the newest revert of `commit` reachable from the branch head (fetched first), or null. */
export async function findRevert(options: FindRevertOptions, deps: GitDeps): Promise<string | null> {
  const { dir, branch = "main", remote, commit } = options;
  const repo = await openRepo({ fs: deps.fs, dir, init: false, cache: deps.cache ?? {} });
  const head = await pullBranch(repo, deps, branch, remote);
  if (!head) return null;
  const needle = `This reverts commit ${commit}.`;
  for (const entry of await git.log({ fs: repo.fs, gitdir: repo.gitdir, ref: head, cache: repo.cache })) {
    if (entry.oid === commit) return null; // older commits cannot revert it
    if (entry.commit.message.includes(needle)) return entry.oid;
  }
  return null;
}
