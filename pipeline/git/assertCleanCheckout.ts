/**
 * `assertCleanCheckout`: refuses to move a checked-out branch over local work, with the rule `git revert`
 * applies. What counts as a local change:
 * - any staged change (the index differs from the checked-out commit anywhere), as git refuses a revert
 *   on a dirty index;
 * - on a path the update touches: an unstaged modification, an untracked file (ignored ones included:
 *   the update would overwrite them), or an untracked file where the update needs a directory.
 * Not in the way, as for git: an unstaged deletion of a touched file (nothing is lost; the file comes back
 * at the new content), and unstaged changes or untracked files on paths the update does not touch (kept).
 */
import git, { STAGE, TREE } from "isomorphic-git";
import type { Checkout } from "./findCheckout.js";
import { LocalChangesError } from "./gitErrors.js";
import type { OpenedRepo } from "./openRepo.js";

/** Throws `LocalChangesError` (`E_LOCAL_CHANGES`, with `.paths`) when `touched` paths carry local work. */
export async function assertCleanCheckout(
  repo: OpenedRepo,
  checkout: Checkout,
  touched: readonly string[],
  action = "the revert",
): Promise<void> {
  const staged = await stagedPaths(repo, checkout);
  if (staged.length) {
    throw new LocalChangesError(
      `the index has staged changes; commit or unstage them before ${action}`,
      staged,
      { subject: checkout.dir },
    );
  }
  if (!touched.length) return;
  const rows = await git.statusMatrix({
    fs: repo.fs,
    dir: checkout.dir,
    gitdir: checkout.gitdir,
    ref: checkout.head,
    filepaths: [...touched],
    ignored: true,
    // A refused revert writes nothing, not even refreshed stats in the index.
    refresh: false,
    cache: repo.cache,
  });
  // [path, HEAD, WORKDIR, STAGE]: 1,1,1 is a file as committed and 1,0,1 one deleted but not staged;
  // anything else on a touched path is work the update would overwrite (statusMatrix also reports an
  // untracked file standing where the update needs a directory). Staged states were refused above.
  const dirty = rows.filter(([, head, work, stage]) => !(head === 1 && stage === 1 && work !== 2));
  if (dirty.length) {
    throw new LocalChangesError(
      `local changes would be overwritten by ${action}; commit or stash them first`,
      dirty.map(([path]) => path).sort(),
      { subject: checkout.dir },
    );
  }
}

/** Paths whose index entry differs from the checked-out commit (added, removed, changed or re-moded). */
async function stagedPaths(repo: OpenedRepo, checkout: Checkout): Promise<string[]> {
  const out: string[] = [];
  await git.walk({
    fs: repo.fs,
    dir: checkout.dir,
    gitdir: checkout.gitdir,
    cache: repo.cache,
    trees: [TREE({ ref: checkout.head }), STAGE()],
    map: async (path, [head, stage]) => {
      if (path === ".") return true;
      const [headType, stageType] = [await head?.type(), await stage?.type()];
      if (headType === "tree" || stageType === "tree") {
        if (headType !== stageType && headType && stageType) out.push(path);
        return true;
      }
      if (
        !head ||
        !stage ||
        (await head.oid()) !== (await stage.oid()) ||
        (await head.mode()) !== (await stage.mode())
      ) {
        out.push(path);
      }
      return true;
    },
  });
  return out.sort();
}
