/**
 * `findCheckout`: whether a delivery repository is a work tree with `branch` checked out — then moving
 * the branch moves the user's HEAD, and the index and files must follow (see `syncCheckout`).
 */
import git from "isomorphic-git";
import type { OpenedRepo } from "./openRepo.js";
import { branchHead } from "./openRepo.js";

/** A work tree whose HEAD is the branch being updated, and the commit its index and files are at. */
export interface Checkout {
  /** The work tree's top directory (the parent of `gitdir`). */
  dir: string;
  gitdir: string;
  /** The checked-out commit before the update. */
  head: string;
}

/**
 * The checkout of `branch` in `dir`, or `null` for a bare repository, a detached HEAD, another branch
 * checked out (moving `branch` then changes no file anyone sees), or a branch without commits.
 */
export async function findCheckout(repo: OpenedRepo, dir: string, branch: string): Promise<Checkout | null> {
  const top = dir.replace(/\/+$/, "");
  if (repo.gitdir !== `${top}/.git`) return null;
  const current = await git.currentBranch({ fs: repo.fs, gitdir: repo.gitdir, fullname: true });
  if (current !== `refs/heads/${branch}`) return null;
  const head = await branchHead(repo, current);
  return head ? { dir: top, gitdir: repo.gitdir, head } : null;
}
