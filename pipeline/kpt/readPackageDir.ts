/**
 * Reads a package directory into the in-memory tree `renderPackage` takes (relative path → text).
 * `.git` is skipped; everything else is read, and `.krmignore` is honoured by the render itself
 * (ignored files pass through unchanged).
 */
import * as nodeFs from "node:fs/promises";
import { join } from "node:path";

/** The file-system calls the shell needs, injectable for tests. */
export type PackageFs = Pick<
  typeof nodeFs,
  "readdir" | "readFile" | "writeFile" | "rename" | "rm" | "mkdir" | "rmdir"
>;

const SKIPPED_DIRS = new Set([".git"]);

/**
 * Reads every file under `dir` (sorted by path).
 *
 * @example const files = await readPackageDir("packages/app");
 */
export async function readPackageDir(
  dir: string,
  deps: { fs?: PackageFs } = {},
): Promise<Record<string, string>> {
  const { fs = nodeFs } = deps;
  const files: Record<string, string> = {};
  async function walk(rel: string): Promise<void> {
    const entries = await fs.readdir(join(dir, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await walk(path);
      } else if (entry.isFile()) {
        files[path] = await fs.readFile(join(dir, path), "utf8");
      }
    }
  }
  await walk("");
  return files;
}
