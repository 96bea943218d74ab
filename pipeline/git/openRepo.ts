/**
 * Finds the git directory of a delivery repository, creating a bare one when there is none (the embedded,
 * local-only default). A work tree's `.git/` is used as is; its checked-out files are never written.
 */
import git, { type PromiseFsClient } from "isomorphic-git";
import { NotFoundError } from "./gitErrors.js";
import type { RepoCtx } from "./treeOps.js";

export interface OpenedRepo extends RepoCtx {
  fs: PromiseFsClient;
  /** True when this call created the repository. */
  created: boolean;
}

async function exists(fs: PromiseFsClient, path: string): Promise<boolean> {
  try {
    await fs.promises.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Opens (or with `init`, creates) the repository at `dir`. Default branch of a new repository: `branch`. */
export async function openRepo({
  fs,
  dir,
  branch = "main",
  init = true,
  cache = {},
}: {
  fs: PromiseFsClient;
  dir: string;
  branch?: string;
  init?: boolean;
  cache?: object;
}): Promise<OpenedRepo> {
  const dotGit = `${dir.replace(/\/+$/, "")}/.git`;
  if (await exists(fs, `${dotGit}/config`)) return { fs, gitdir: dotGit, cache, created: false };
  if (await exists(fs, `${dir}/config`)) return { fs, gitdir: dir, cache, created: false };
  if (!init) throw new NotFoundError(`no git repository at ${dir}`, { subject: dir });
  await git.init({ fs, dir, bare: true, defaultBranch: branch });
  return { fs, gitdir: dir, cache, created: true };
}

/** The commit a branch points at, or `null` when the branch does not exist yet. */
export async function branchHead(repo: RepoCtx, ref: string): Promise<string | null> {
  try {
    return await git.resolveRef({ fs: repo.fs, gitdir: repo.gitdir, ref });
  } catch (error) {
    if ((error as { code?: string }).code === "NotFoundError") return null;
    throw error;
  }
}
