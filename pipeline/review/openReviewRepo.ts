/**
 * openReviewRepo: the git directory to read a review's commits from — a work tree's `.git/`, a bare
 * repository, or a linked work tree (`git worktree`), whose `.git` file points at a per-worktree directory
 * that shares its objects and refs with the main repository (`commondir`). For a linked work tree, `HEAD`
 * is that work tree's own HEAD, so it is resolved here before isomorphic-git (which knows no worktrees)
 * reads the common directory.
 */

import * as fs from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import git from "isomorphic-git";
import { NotFoundError } from "../git/gitErrors.js";

export interface ReviewRepo {
  gitdir: string;
  /** Resolves `HEAD` of a linked work tree to a commit id; other revisions pass through. */
  resolve(rev: string): Promise<string>;
}

/** @throws NotFoundError when `dir` holds no repository */
export async function openReviewRepo(dir: string): Promise<ReviewRepo> {
  const dotGit = join(dir, ".git");
  const info = await stat(dotGit).catch(() => undefined);
  if (info?.isDirectory()) return { gitdir: dotGit, resolve: async (rev) => rev };
  if (info?.isFile()) {
    const pointer = /^gitdir:\s*(.+)$/m.exec(await readFile(dotGit, "utf8"))?.[1]?.trim();
    if (pointer) {
      const own = resolve(dir, pointer);
      const common = await readFile(join(own, "commondir"), "utf8").then(
        (text) => resolve(own, text.trim()),
        () => own,
      );
      return {
        gitdir: common,
        resolve: async (rev) =>
          rev === "HEAD" ? git.resolveRef({ fs, gitdir: common, ref: await ownHead(own) }) : rev,
      };
    }
  }
  if (await stat(join(dir, "config")).catch(() => undefined)) {
    return { gitdir: dir, resolve: async (rev) => rev };
  }
  throw new NotFoundError(`no git repository at ${dir}`, { subject: dir });
}

/** The ref (or commit id) a linked work tree's HEAD names. */
async function ownHead(own: string): Promise<string> {
  const text = (await readFile(join(own, "HEAD"), "utf8")).trim();
  return text.startsWith("ref: ") ? text.slice(5) : text;
}
