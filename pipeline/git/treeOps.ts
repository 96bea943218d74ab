/**
 * Tree-level building blocks: diff two trees into file-level changes, and apply file-level changes to a
 * tree by rewriting only the trees on the changed paths (an 8,000-file repository with one changed
 * package rewrites a handful of trees, not a thousand).
 */
import git, { type FsClient, type TreeEntry } from "isomorphic-git";

/** A file in a tree: blob id and mode (`100644`, `100755`, `120000`, `160000`). */
export interface FileEntry {
  oid: string;
  mode: string;
}

/** Repository-relative path → new file, or `null` for a removal. */
export type TreeChanges = Map<string, FileEntry | null>;

/** What a tree function needs: the file system, the git directory, and an optional object cache. */
export interface RepoCtx {
  fs: FsClient;
  gitdir: string;
  cache?: object;
}

const TREE_MODE = "040000";

/** The entries of a tree, or none for `null`. */
export async function readTreeEntries(ctx: RepoCtx, oid: string | null): Promise<TreeEntry[]> {
  if (oid === null) return [];
  const { tree } = await git.readTree({ fs: ctx.fs, gitdir: ctx.gitdir, oid, cache: ctx.cache });
  return tree;
}

/** The tree of a commit. */
export async function treeOfCommit(ctx: RepoCtx, commitOid: string): Promise<string> {
  const { commit } = await git.readCommit({
    fs: ctx.fs,
    gitdir: ctx.gitdir,
    oid: commitOid,
    cache: ctx.cache,
  });
  return commit.tree;
}

/**
 * File-level changes that turn tree `a` into tree `b`. Subtrees with equal ids are skipped without being
 * read, so the cost follows the size of the change.
 */
export async function treeDiff(ctx: RepoCtx, a: string | null, b: string | null): Promise<TreeChanges> {
  const out: TreeChanges = new Map();
  await diffInto(ctx, a, b, "", out);
  return out;
}

async function diffInto(ctx: RepoCtx, a: string | null, b: string | null, prefix: string, out: TreeChanges) {
  if (a === b) return;
  const left = new Map((await readTreeEntries(ctx, a)).map((e) => [e.path, e]));
  const right = new Map((await readTreeEntries(ctx, b)).map((e) => [e.path, e]));
  const names = [...new Set([...left.keys(), ...right.keys()])].sort();
  for (const name of names) {
    const l = left.get(name);
    const r = right.get(name);
    if (l && r && l.oid === r.oid && l.mode === r.mode) continue;
    const path = prefix + name;
    const lTree = l?.type === "tree" ? l.oid : null;
    const rTree = r?.type === "tree" ? r.oid : null;
    if (lTree !== null || rTree !== null) await diffInto(ctx, lTree, rTree, `${path}/`, out);
    // A file on one side only (or replacing a directory) is a change of that path.
    if (r && r.type !== "tree") out.set(path, { oid: r.oid, mode: r.mode });
    else if (l && l.type !== "tree") out.set(path, null);
  }
}

/** Every file of a tree, by path. */
export async function listFiles(ctx: RepoCtx, tree: string | null): Promise<Map<string, FileEntry>> {
  const out = new Map<string, FileEntry>();
  for (const [path, entry] of await treeDiff(ctx, null, tree)) if (entry) out.set(path, entry);
  return out;
}

/** The file at `path` in `tree`, or `null` when absent (or a directory). */
export async function fileAt(ctx: RepoCtx, tree: string, path: string): Promise<FileEntry | null> {
  let current: string = tree;
  const parts = path.split("/");
  for (let i = 0; i < parts.length; i++) {
    const entry = (await readTreeEntries(ctx, current)).find((e) => e.path === parts[i]);
    if (!entry) return null;
    if (i === parts.length - 1) return entry.type === "tree" ? null : { oid: entry.oid, mode: entry.mode };
    if (entry.type !== "tree") return null;
    current = entry.oid;
  }
  return null;
}

/** Applies `changes` to `base` (or to an empty tree) and returns the new root tree id. */
export async function applyTreeChanges(
  ctx: RepoCtx,
  base: string | null,
  changes: TreeChanges,
): Promise<string> {
  const root = await applyLevel(ctx, base, changes);
  return root ?? (await git.writeTree({ fs: ctx.fs, gitdir: ctx.gitdir, tree: [] }));
}

/** Returns the new tree id, or `null` when the directory ends up empty (git has no empty directories). */
async function applyLevel(ctx: RepoCtx, base: string | null, changes: TreeChanges): Promise<string | null> {
  const entries = new Map((await readTreeEntries(ctx, base)).map((e) => [e.path, e]));
  const leaves = new Map<string, FileEntry | null>();
  const nested = new Map<string, TreeChanges>();
  for (const [path, change] of changes) {
    const slash = path.indexOf("/");
    if (slash < 0) {
      leaves.set(path, change);
      continue;
    }
    const name = path.slice(0, slash);
    const sub = nested.get(name) ?? new Map<string, FileEntry | null>();
    nested.set(name, sub);
    sub.set(path.slice(slash + 1), change);
  }
  let changed = false;
  // Directories first, so a file replacing a directory (or the reverse) sees the final state.
  for (const [name, subChanges] of nested) {
    const current = entries.get(name);
    const subBase = current?.type === "tree" ? current.oid : null;
    const next = await applyLevel(ctx, subBase, subChanges);
    if (next === subBase && current?.type === "tree") continue;
    changed = true;
    if (next === null) {
      if (current?.type === "tree") entries.delete(name);
    } else {
      entries.set(name, { mode: TREE_MODE, path: name, oid: next, type: "tree" });
    }
  }
  for (const [name, change] of leaves) {
    const current = entries.get(name);
    if (change === null) {
      if (current && current.type !== "tree") {
        entries.delete(name);
        changed = true;
      }
    } else if (!current || current.oid !== change.oid || current.mode !== change.mode) {
      const type = change.mode === "160000" ? "commit" : "blob";
      entries.set(name, { mode: change.mode, path: name, oid: change.oid, type });
      changed = true;
    }
  }
  if (!changed) return base;
  if (entries.size === 0) return null;
  return git.writeTree({ fs: ctx.fs, gitdir: ctx.gitdir, tree: [...entries.values()] });
}

/**
 * Writes blobs with bounded concurrency (file-system latency overlaps; unbounded would open thousands of
 * files at once) and returns their ids in input order.
 */
export async function writeBlobs(
  ctx: RepoCtx,
  blobs: readonly Uint8Array[],
  concurrency = 16,
): Promise<string[]> {
  const out: string[] = new Array(blobs.length);
  let next = 0;
  const worker = async () => {
    while (next < blobs.length) {
      const i = next++;
      out[i] = await git.writeBlob({ fs: ctx.fs, gitdir: ctx.gitdir, blob: blobs[i]! });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, blobs.length) }, worker));
  return out;
}
