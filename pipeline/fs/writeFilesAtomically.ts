/**
 * Writes a set of files so that either all of them land or none does: each is written to a temporary
 * sibling first, and only when every write succeeded are they renamed into place.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * @param root directory the relative paths are under
 * @param files relative path → content
 * @example await writeFilesAtomically("out", new Map([["a.json", "{}\n"]]))
 */
export async function writeFilesAtomically(
  root: string,
  files: ReadonlyMap<string, string | Uint8Array>,
): Promise<void> {
  const staged: Array<{ temp: string; final: string }> = [];
  try {
    for (const [path, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const final = join(root, path);
      const temp = `${final}.intentops-${process.pid}.tmp`;
      await mkdir(dirname(final), { recursive: true });
      await writeFile(temp, content);
      staged.push({ temp, final });
    }
  } catch (error) {
    await Promise.all(staged.map(({ temp }) => rm(temp, { force: true })));
    throw error;
  }
  for (const { temp, final } of staged) await rename(temp, final);
}
