/**
 * packageStaging: the all-or-nothing half of a render. New package directories are written into one
 * staging tree inside the output root (same file system, so moves are renames); the output is touched
 * only by `commit`, after every package has rendered. `discard` removes the staging tree and leaves the
 * output as it was.
 *
 * Packages are streamed into the staging tree as they render, so memory does not grow with the number
 * of packages. Synchronous fs calls on purpose: the work is thousands of tiny writes, and one await per
 * write through the libuv thread pool costs more than the writes (measured: 3× the wall time).
 */
import { mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

export interface PackageStaging {
  /** Writes one package's files into the staging tree. */
  stage(subject: string, files: Readonly<Record<string, string>>): void;
  /**
   * Moves every staged package into the output (replacing what was there) and removes the `remove`
   * packages, then deletes the staging tree. Also writes `extraFiles` (path relative to the output root)
   * by rename, last, so they describe the packages that are in place.
   */
  commit(remove: readonly string[], extraFiles?: ReadonlyMap<string, string>): void;
  /** Deletes the staging tree; the output is untouched. */
  discard(): void;
}

/** Prefix of staging directories; the render ignores such entries in the output root. */
export const STAGING_PREFIX = ".intentops-staging-";

/**
 * Opens a staging tree `<outRoot>/.intentops-staging-<tag>`. An existing one with the same tag, and those of
 * renders whose process is gone (a crash or kill mid-render), are removed first.
 *
 * @example const staging = openStaging("rendered", String(process.pid)); staging.stage("edge1/a", files);
 */
export function openStaging(outRoot: string, tag: string): PackageStaging {
  const root = join(outRoot, `${STAGING_PREFIX}${tag}`);
  const fresh = join(root, "new");
  const old = join(root, "old");
  const staged: string[] = [];
  let created = false;

  const ensureRoot = () => {
    if (created) return;
    removeAbandoned(outRoot);
    rmSync(root, { recursive: true, force: true });
    mkdirSync(fresh, { recursive: true });
    created = true;
  };

  return {
    stage(subject, files) {
      ensureRoot();
      const dir = join(fresh, subject);
      mkdirSync(dir, { recursive: true });
      for (const [path, text] of Object.entries(files)) {
        const target = join(dir, path);
        const rel = relative(dir, target);
        if (rel.startsWith("..") || rel === "")
          throw new Error(`refusing to write outside the package: ${path}`);
        if (path.includes("/")) mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, text);
      }
      staged.push(subject);
    },

    commit(remove, extraFiles = new Map()) {
      ensureRoot();
      const madeParents = new Set<string>();
      const moveAside = (subject: string) => {
        const target = join(outRoot, subject);
        if (!statSync(target, { throwIfNoEntry: false })) return false;
        const aside = join(old, subject);
        mkdirSync(dirname(aside), { recursive: true });
        renameSync(target, aside);
        return true;
      };
      for (const subject of staged) {
        const target = join(outRoot, subject);
        const hadOld = moveAside(subject);
        try {
          const parent = dirname(target);
          if (!madeParents.has(parent)) {
            mkdirSync(parent, { recursive: true });
            madeParents.add(parent);
          }
          renameSync(join(fresh, subject), target);
        } catch (error) {
          // Put the old package back so a failed swap loses nothing; packages swapped before this one
          // stay new, and the cache index (written last) does not claim them, so the next render
          // re-renders them.
          if (hadOld) renameSync(join(old, subject), target);
          throw error;
        }
      }
      for (const subject of remove) {
        if (moveAside(subject)) removeIfEmpty(dirname(join(outRoot, subject)), outRoot);
      }
      for (const [path, text] of extraFiles) {
        const temp = join(root, `extra-${path.replace(/[/\\]/g, "_")}`);
        writeFileSync(temp, text);
        renameSync(temp, join(outRoot, path));
      }
      rmSync(root, { recursive: true, force: true });
      created = false;
    },

    discard() {
      removeAbandoned(outRoot);
      rmSync(root, { recursive: true, force: true });
      created = false;
    },
  };
}

/**
 * Removes staging trees of renders that are no longer running (killed mid-render): their tag is the
 * process id by default, and a tag that is not a number, or a process that is alive, is left alone.
 */
function removeAbandoned(outRoot: string): void {
  let names: string[];
  try {
    names = readdirSync(outRoot);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const pid = Number(name.slice(STAGING_PREFIX.length));
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    rmSync(join(outRoot, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes `dir` and then its parents up to (not including) `stop` while they are empty. */
function removeIfEmpty(dir: string, stop: string): void {
  let current = dir;
  while (relative(stop, current) !== "" && !relative(stop, current).startsWith("..")) {
    if (readdirSync(current).length > 0) return;
    rmdirSync(current);
    current = dirname(current);
  }
}
