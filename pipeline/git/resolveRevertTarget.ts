/**
 * Turns what an operator typed (`<intent-id>` or a commit id, full or abbreviated) into the commit to
 * revert, reachable from the branch head.
 */
import git from "isomorphic-git";
import { isRevertSubject, parseCommitMessage, trailerValue } from "./commitMessage.js";
import { NotFoundError } from "./gitErrors.js";
import type { RepoCtx } from "./treeOps.js";

export interface RevertTarget {
  oid: string;
  intentId: string | null;
  subject: string;
  parents: string[];
  tree: string;
}

const HEX = /^[0-9a-f]{4,40}$/;

/**
 * A commit id wins when `target` is one; otherwise `target` is an intent id and the newest non-revert
 * commit on the branch with that `Intent-Id` trailer is chosen.
 */
export async function resolveRevertTarget(
  repo: RepoCtx,
  head: string,
  target: string,
): Promise<RevertTarget> {
  if (HEX.test(target)) {
    const oid = await expand(repo, target);
    if (oid) {
      const reachable =
        oid === head ||
        (await git.isDescendent({
          fs: repo.fs,
          gitdir: repo.gitdir,
          oid: head,
          ancestor: oid,
          depth: -1,
          cache: repo.cache,
        }));
      if (!reachable)
        throw new NotFoundError(`commit ${target} is not on the delivery branch`, { subject: target });
      return describe(repo, oid);
    }
  }
  const commits = await git.log({ fs: repo.fs, gitdir: repo.gitdir, ref: head, cache: repo.cache });
  for (const entry of commits) {
    const message = entry.commit.message;
    if (isRevertSubject(parseCommitMessage(message).subject)) continue;
    if (trailerValue(message, "Intent-Id") === target) return describe(repo, entry.oid);
  }
  throw new NotFoundError(`no commit delivers intent ${target} on the delivery branch`, { subject: target });
}

async function expand(repo: RepoCtx, short: string): Promise<string | null> {
  try {
    const oid = await git.expandOid({ fs: repo.fs, gitdir: repo.gitdir, oid: short, cache: repo.cache });
    await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
    return oid;
  } catch {
    return null;
  }
}

async function describe(repo: RepoCtx, oid: string): Promise<RevertTarget> {
  const { commit } = await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
  return {
    oid,
    intentId: trailerValue(commit.message, "Intent-Id") ?? null,
    subject: parseCommitMessage(commit.message).subject,
    parents: commit.parent,
    tree: commit.tree,
  };
}
