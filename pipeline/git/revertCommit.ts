/**
 * `revertCommit`: git's revert — the inverse cherry-pick — of any earlier commit on the delivery branch,
 * not only HEAD. Three-way merge with base = the reverted commit's tree, ours = the head's tree,
 * theirs = the reverted commit's parent's tree; later unrelated commits are kept, and a conflict refuses
 * the revert with no commit made and no ref moved. In a work tree with the branch checked out, the index
 * and files follow the new head (as after `git revert`), and local changes the revert would overwrite
 * refuse it before anything is written (see `assertCleanCheckout` for what counts).
 */
import git from "isomorphic-git";
import { assertCleanCheckout } from "./assertCleanCheckout.js";
import { formatCommitMessage } from "./commitMessage.js";
import { type Checkout, findCheckout } from "./findCheckout.js";
import { type GitDeps, type RepoOptions, signatureAt } from "./gitDeps.js";
import { ConflictError, NotFoundError, RevertRefusedError } from "./gitErrors.js";
import { mergeTrees } from "./mergeTrees.js";
import { branchHead, openRepo } from "./openRepo.js";
import { type RevertTarget, resolveRevertTarget } from "./resolveRevertTarget.js";
import { syncCheckout } from "./syncCheckout.js";
import {
  applyTreeChanges,
  fileAt,
  type RepoCtx,
  type TreeChanges,
  treeDiff,
  treeOfCommit,
} from "./treeOps.js";
import { type BranchUpdate, updateBranch } from "./updateBranch.js";
import { checkRemoteUrl } from "./validate.js";

export interface RevertCommitOptions extends RepoOptions {
  /** An intent id (its newest non-revert commit) or a commit id, full or abbreviated. */
  target: string;
}

export interface RevertOutcome {
  status: "reverted";
  intentId: string | null;
  /** The reverted commit (full id) and its subject. */
  reverted: string;
  revertedSubject: string;
  /** The new revert commit. */
  commit: string;
  head: string;
  pushed: boolean;
  attempts: number;
  changes: { added: string[]; modified: string[]; removed: string[] };
}

/**
 * Reverts `target` on `branch` (and pushes when `remote` is set). Throws `ConflictError`
 * (`E_REVERT_CONFLICT`, with `.paths`) when later commits changed the same lines, `RevertRefusedError`
 * (`E_REVERT_EMPTY`, `E_REVERT_MERGE`) when there is nothing to revert or the commit is a merge, and
 * `NotFoundError` (`E_NOT_FOUND`) when the target is not on the branch, and `LocalChangesError`
 * (`E_LOCAL_CHANGES`, with `.paths`) when `dir` is a work tree with the branch checked out and local
 * changes in the way — then no commit is made, no ref moved and no file touched.
 *
 * @example
 * const out = await revertCommit({ dir: "/srv/delivery", target: "analytics-edge" }, deps);
 * // out.commit is `Revert "intent analytics-edge: deliver …"`, body `This reverts commit <sha>.`
 */
export async function revertCommit(options: RevertCommitOptions, deps: GitDeps): Promise<RevertOutcome> {
  const { dir, target, branch = "main", remote, maxAttempts = 6, backoffMs = 50 } = options;
  if (!target.trim()) throw new NotFoundError("nothing to revert: empty target");
  if (remote) checkRemoteUrl(remote);
  const repo = await openRepo({ fs: deps.fs, dir, branch, init: !!remote, cache: deps.cache ?? {} });
  const checkout = await findCheckout(repo, dir, branch);
  let resolved: RevertTarget | null = null;
  let summary = { added: [] as string[], modified: [] as string[], removed: [] as string[] };
  let update: BranchUpdate;
  try {
    update = await updateBranch(repo, deps, {
      branch,
      remote,
      maxAttempts,
      backoffMs,
      build: async ({ tip }) => {
        if (!tip) throw new NotFoundError(`branch ${branch} has no commits`, { subject: target });
        resolved = await resolveRevertTarget(repo, tip, target);
        if (checkout)
          await assertCleanCheckout(repo, checkout, await touchedPaths(repo, checkout, tip, resolved));
        const built = await buildRevert(repo, deps, tip, resolved);
        summary = built.summary;
        return built.commit;
      },
    });
  } catch (error) {
    // Fetching may have fast-forwarded the checked-out branch to the remote's head before the revert was
    // refused; put it back, or the user's files would look like an undo of the remote's commits.
    if (checkout && (await branchHead(repo, `refs/heads/${branch}`)) !== checkout.head) {
      await git.writeRef({
        fs: repo.fs,
        gitdir: repo.gitdir,
        ref: `refs/heads/${branch}`,
        value: checkout.head,
        force: true,
      });
    }
    throw error;
  }
  const done = resolved as RevertTarget | null;
  if (!done || !update.commit || !update.head) throw new Error("revert produced no commit");
  if (checkout) await syncCheckout(repo, checkout, branch, update.head);
  return {
    status: "reverted",
    intentId: done.intentId,
    reverted: done.oid,
    revertedSubject: done.subject,
    commit: update.commit,
    head: update.head,
    pushed: update.pushed,
    attempts: update.attempts,
    changes: summary,
  };
}

/**
 * Paths the update may write in the checkout: those the branch moved under it (a fetched remote head)
 * and those the reverted commit changed — a superset of what the merge changes, known before anything
 * is written.
 */
async function touchedPaths(repo: RepoCtx, checkout: Checkout, tip: string, target: RevertTarget) {
  const parentTree = target.parents[0] ? await treeOfCommit(repo, target.parents[0]) : null;
  const moved = await treeDiff(repo, await treeOfCommit(repo, checkout.head), await treeOfCommit(repo, tip));
  const reverted = await treeDiff(repo, parentTree, target.tree);
  return [...new Set([...moved.keys(), ...reverted.keys()])].sort();
}

async function buildRevert(repo: RepoCtx, deps: GitDeps, tip: string, target: RevertTarget) {
  const subject = target.intentId ?? target.oid;
  if (target.parents.length > 1) {
    throw new RevertRefusedError("E_REVERT_MERGE", `${target.oid} is a merge commit; choose a side by hand`, {
      subject,
    });
  }
  const parentTree = target.parents[0] ? await treeOfCommit(repo, target.parents[0]) : null;
  const oursTree = await treeOfCommit(repo, tip);
  const merge = await mergeTrees(repo, { base: target.tree, ours: oursTree, theirs: parentTree });
  if (merge.conflicts.length) {
    throw new ConflictError(
      "E_REVERT_CONFLICT",
      `cannot revert ${target.oid.slice(0, 12)} ("${target.subject}"): later commits changed the same lines`,
      merge.conflicts,
      { subject },
    );
  }
  const tree = await applyTreeChanges(repo, oursTree, merge.changes);
  if (tree === oursTree) {
    throw new RevertRefusedError(
      "E_REVERT_EMPTY",
      `reverting ${target.oid.slice(0, 12)} changes nothing: its changes are already undone`,
      { subject },
    );
  }
  const message = formatCommitMessage({
    subject: `Revert "${target.subject}"`,
    body: `This reverts commit ${target.oid}.`,
    trailers: target.intentId ? [{ key: "Intent-Id", value: target.intentId }] : [],
  });
  const signature = signatureAt(deps.author, deps.clock);
  const commit = await git.writeCommit({
    fs: repo.fs,
    gitdir: repo.gitdir,
    commit: {
      message,
      tree,
      parent: [tip],
      author: signature,
      committer: deps.committer ? signatureAt(deps.committer, deps.clock) : signature,
    },
  });
  return { commit, summary: await summarise(repo, oursTree, merge.changes) };
}

async function summarise(repo: RepoCtx, oursTree: string, changes: TreeChanges) {
  const added: string[] = [];
  const modified: string[] = [];
  const removed: string[] = [];
  for (const [path, entry] of [...changes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (entry === null) removed.push(path);
    else if (await fileAt(repo, oursTree, path)) modified.push(path);
    else added.push(path);
  }
  return { added, modified, removed };
}

/** The branch head, for callers that want to show what a refused revert left untouched. */
export async function headOf(options: { dir: string; branch?: string }, deps: Pick<GitDeps, "fs">) {
  const repo = await openRepo({ fs: deps.fs, dir: options.dir, init: false });
  return branchHead(repo, `refs/heads/${options.branch ?? "main"}`);
}
