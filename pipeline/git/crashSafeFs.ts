/**
 * crashSafeFs: the file system isomorphic-git writes through, made safe against a kill -9. isomorphic-git
 * writes a file in place (open with O_TRUNC, then write): a process killed between the two leaves an empty
 * or partial file. For a loose object that is poison — objects are named by their content, so isomorphic-git
 * never writes an existing one again, and every later commit that needs the same object (the same intent
 * text accepted again after a restart) fails on reading it. For a ref it is a branch that resolves to
 * nothing. Git itself writes to a temporary file and renames it into place; so does this wrapper, for every
 * file written: a rename within a directory either happened or did not, so a reader sees the old file, the
 * whole new one, or none.
 *
 * The temporary file goes next to the target (`.intentops-tmp-<pid>-<n>`, which no object lookup by name
 * matches), except under `refs/`: there a leftover would be listed as a branch, so it goes to the directory
 * that holds `refs/` (the git directory). A kill leaves at most that temporary file behind, never a torn one.
 * Only process death is covered: nothing is fsync'd (as git by default), so a power cut can still lose
 * recent writes.
 */
import { basename, dirname, join } from "node:path";
import type { PromiseFsClient } from "isomorphic-git";

/** Takes a promise file system that has `rename`; `node:fs` and `syncBackedFs()` do. */
export function crashSafeFs(base: PromiseFsClient): PromiseFsClient {
  const p = base.promises as PromiseFsClient["promises"] & {
    rename: (from: string, to: string) => Promise<void>;
  };
  const writeFile = async (path: string, data: unknown, options?: unknown) => {
    const temp = tempPathFor(path);
    try {
      await p.writeFile(temp, data, options);
      await p.rename(temp, path);
    } catch (error) {
      await p.unlink(temp).catch(() => undefined);
      throw error;
    }
  };
  return { promises: { ...p, writeFile } };
}

let written = 0;

/** A fresh temporary file for writing `path`: beside it, or in the directory above `refs/` for a ref. */
export function tempPathFor(path: string): string {
  const name = `.intentops-tmp-${process.pid}-${++written}`;
  const refs = path.lastIndexOf("/refs/");
  return refs >= 0 ? join(path.slice(0, refs), `${name}-${basename(path)}`) : join(dirname(path), name);
}
