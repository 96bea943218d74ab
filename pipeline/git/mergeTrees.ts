/**
 * Three-way merge of trees at file level, with a line-level merge for text files both sides changed.
 * Returns the changes to apply to `ours` and the conflicting paths; it writes merged blobs but never a
 * tree or a ref, so a conflicting merge leaves the repository as it was (bar unreferenced blobs).
 */
import git, { type TreeEntry } from "isomorphic-git";
import { mergeText } from "./mergeText.js";
import {
  type FileEntry,
  fileAt,
  type RepoCtx,
  readTreeEntries,
  type TreeChanges,
  treeDiff,
} from "./treeOps.js";

export interface TreeMerge {
  /** Changes that turn `ours` into the merge result. */
  changes: TreeChanges;
  /** Paths both sides changed incompatibly, sorted. Empty when the merge is clean. */
  conflicts: string[];
}

/** Merges the change `base → theirs` into `ours`. */
export async function mergeTrees(
  repo: RepoCtx,
  trees: { base: string | null; ours: string; theirs: string | null },
): Promise<TreeMerge> {
  const wanted = await treeDiff(repo, trees.base, trees.theirs);
  const changes: TreeChanges = new Map();
  const conflicts: string[] = [];
  for (const [path, t] of wanted) {
    const b = trees.base ? await fileAt(repo, trees.base, path) : null;
    const o = await fileAt(repo, trees.ours, path);
    if (same(o, t)) continue;
    if (same(o, b)) {
      // Ours left the path alone; but a directory of ours where theirs wants a file (or a file of ours
      // where theirs wants a directory) would be silently replaced, so that is a conflict too.
      if (t !== null && (await blocked(repo, trees.ours, path))) conflicts.push(path);
      else changes.set(path, t);
      continue;
    }
    const merged = b && o && t ? await mergeFile(repo, b, o, t) : null;
    if (merged) changes.set(path, merged);
    else conflicts.push(path);
  }
  return { changes, conflicts: conflicts.sort() };
}

function same(a: FileEntry | null, b: FileEntry | null): boolean {
  return a === b || (a !== null && b !== null && a.oid === b.oid && a.mode === b.mode);
}

/** True when `path` is a directory in `tree`, or one of its parents is a file. */
async function blocked(repo: RepoCtx, tree: string, path: string): Promise<boolean> {
  let current: string | null = tree;
  const parts = path.split("/");
  for (let i = 0; i < parts.length && current; i++) {
    const entries: TreeEntry[] = await readTreeEntries(repo, current);
    const entry = entries.find((e) => e.path === parts[i]);
    if (!entry) return false;
    const last = i === parts.length - 1;
    if (last) return entry.type === "tree";
    if (entry.type !== "tree") return true;
    current = entry.oid;
  }
  return false;
}

/** Line-merges one regular file both sides changed; `null` when that is not possible cleanly. */
async function mergeFile(repo: RepoCtx, b: FileEntry, o: FileEntry, t: FileEntry): Promise<FileEntry | null> {
  const regular = (m: string) => m === "100644" || m === "100755";
  if (!regular(b.mode) || !regular(o.mode) || !regular(t.mode)) return null;
  const mode = o.mode === b.mode ? t.mode : t.mode === b.mode || t.mode === o.mode ? o.mode : null;
  if (mode === null) return null;
  const [base, ours, theirs] = await Promise.all([b, o, t].map((e) => readText(repo, e.oid)));
  if (base == null || ours == null || theirs == null) return null;
  const merged = mergeText(base, ours, theirs);
  if (!merged.clean) return null;
  const oid = await git.writeBlob({
    fs: repo.fs,
    gitdir: repo.gitdir,
    blob: Buffer.from(merged.text, "utf8"),
  });
  return { oid, mode };
}

/** UTF-8 text of a blob, or `null` for binary content (a NUL byte, as git's own heuristic). */
async function readText(repo: RepoCtx, oid: string): Promise<string | null> {
  const { blob } = await git.readBlob({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
  if (blob.subarray(0, 8000).includes(0)) return null;
  const text = Buffer.from(blob).toString("utf8");
  return Buffer.from(text, "utf8").equals(Buffer.from(blob)) ? text : null;
}
