/**
 * Writes a rendered tree back to its directory, touching only files whose text changed: changed and
 * new files are first written beside their target under a temporary name and then renamed over it,
 * and only after every temporary file exists; deleted files go last. Untouched files keep their bytes
 * (binary files included, since they are never rewritten).
 */
import * as nodeFs from "node:fs/promises";
import { dirname, join } from "node:path";
import type { PackageFs } from "./readPackageDir.js";

/** What the write did, as data. */
export interface PackageWrite {
  written: string[];
  deleted: string[];
}

/**
 * Applies `after` over `before` in `dir`.
 *
 * @example await writePackageDir("pkg", before, outcome.files)
 */
export async function writePackageDir(
  dir: string,
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
  deps: { fs?: PackageFs; tmpSuffix?: string } = {},
): Promise<PackageWrite> {
  const { fs = nodeFs, tmpSuffix = `.intentops-tmp-${process.pid}` } = deps;
  const written = Object.keys(after)
    .filter((p) => before[p] !== after[p])
    .sort();
  const deleted = Object.keys(before)
    .filter((p) => !(p in after))
    .sort();
  const staged: string[] = [];
  try {
    for (const path of written) {
      const target = join(dir, path);
      await fs.mkdir(dirname(target), { recursive: true });
      await fs.writeFile(`${target}${tmpSuffix}`, after[path] as string, "utf8");
      staged.push(target);
    }
  } catch (error) {
    // Nothing was renamed yet: remove what was staged and leave the package as it was.
    for (const target of staged) await fs.rm(`${target}${tmpSuffix}`, { force: true });
    throw error;
  }
  for (const target of staged) await fs.rename(`${target}${tmpSuffix}`, target);
  for (const path of deleted) {
    await fs.rm(join(dir, path), { force: true });
    // Remove directories the deletion emptied (never the package root).
    let parent = dirname(path);
    while (parent !== "." && parent !== "") {
      try {
        await fs.rmdir(join(dir, parent));
      } catch {
        break;
      }
      parent = dirname(parent);
    }
  }
  return { written, deleted };
}
