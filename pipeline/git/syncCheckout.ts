/**
 * `syncCheckout`: after a checked-out branch moved from `checkout.head` to `to`, brings the index and the
 * files of the work tree to `to` — what `git revert` leaves behind — so `git status` is clean and the
 * user's next commit does not silently undo the update. Only the paths that differ between the two
 * commits are written (isomorphic-git's checkout restricted to them); directories they leave empty are
 * removed, as git removes them. Run `assertCleanCheckout` first: this overwrites those paths.
 *
 * Racy git: git trusts an index entry whose size and whole-second mtime match the file, unless the entry
 * is as new as the index file itself. A file edited in the same second as the last index write therefore
 * looks clean to git once the index is rewritten later — isomorphic-git does not smudge such entries as
 * git does, so an unrelated local edit would vanish from `git status`. Those entries get zeroed stats
 * (their content id kept), which makes git hash the file again.
 */
import git, { STAGE } from "isomorphic-git";
import type { Checkout } from "./findCheckout.js";
import type { OpenedRepo } from "./openRepo.js";
import { treeDiff, treeOfCommit } from "./treeOps.js";

/** Updates the touched paths; returns them, sorted. */
export async function syncCheckout(
  repo: OpenedRepo,
  checkout: Checkout,
  branch: string,
  to: string,
): Promise<string[]> {
  const changes = await treeDiff(repo, await treeOfCommit(repo, checkout.head), await treeOfCommit(repo, to));
  const paths = [...changes.keys()].sort();
  if (!paths.length) return paths;
  const indexPath = `${checkout.gitdir}/index`;
  const indexSeconds = await repo.fs.promises.stat(indexPath).then(
    (st: { mtimeMs: number }) => Math.floor(st.mtimeMs / 1000),
    () => null,
  );
  await git.checkout({
    fs: repo.fs,
    dir: checkout.dir,
    gitdir: checkout.gitdir,
    ref: `refs/heads/${branch}`,
    filepaths: paths,
    noUpdateHead: true,
    cache: repo.cache,
  });
  const removed = paths.filter((path) => changes.get(path) === null);
  await removeEmptiedDirectories(repo, checkout.dir, removed);
  if (indexSeconds !== null) await smudgeRacyEntries(repo, checkout, indexSeconds, new Set(paths));
  return paths;
}

/** Zeroes the stats of entries (other than the freshly written `written`) as new as the old index. */
async function smudgeRacyEntries(
  repo: OpenedRepo,
  checkout: Checkout,
  indexSeconds: number,
  written: ReadonlySet<string>,
) {
  const racy: { filepath: string; oid: string; mode: number }[] = [];
  await git.walk({
    fs: repo.fs,
    dir: checkout.dir,
    gitdir: checkout.gitdir,
    cache: repo.cache,
    trees: [STAGE()],
    map: async (filepath, [entry]) => {
      if (!entry || filepath === "." || (await entry.type()) !== "blob" || written.has(filepath)) return true;
      const stat = await entry.stat();
      if (stat.mtimeSeconds >= indexSeconds)
        racy.push({ filepath, oid: await entry.oid(), mode: await entry.mode() });
      return true;
    },
  });
  for (const { filepath, oid, mode } of racy) {
    await git.updateIndex({
      fs: repo.fs,
      dir: checkout.dir,
      gitdir: checkout.gitdir,
      filepath,
      oid,
      mode,
      cache: repo.cache,
    });
  }
}

/** Removes the parents of removed files that are now empty, deepest first; stops at a non-empty one. */
async function removeEmptiedDirectories(repo: OpenedRepo, dir: string, removed: readonly string[]) {
  const parents = new Set<string>();
  for (const path of removed) {
    const parts = path.split("/");
    for (let i = parts.length - 1; i > 0; i--) parents.add(parts.slice(0, i).join("/"));
  }
  const deepestFirst = [...parents].sort(
    (a, b) => b.split("/").length - a.split("/").length || (a < b ? -1 : 1),
  );
  for (const parent of deepestFirst) {
    try {
      await repo.fs.promises.rmdir(`${dir}/${parent}`);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST" && code !== "ENOENT") throw error;
    }
  }
}
