/**
 * A process killed while isomorphic-git writes a file: with the file written in place (node:fs as
 * isomorphic-git uses it), an empty object or ref is left behind, and the restarted process cannot write
 * that object again (isomorphic-git skips objects that exist) or resolve that branch. Through crashSafeFs and
 * syncBackedFs (temporary file, then rename), the restart writes and reads it, and the real `git fsck` finds
 * the repository sound. The kill is simulated at the file system: the write creates its file empty, then
 * every call of that "process" fails without doing anything (so no cleanup runs, as after a kill -9).
 */
import nodeFs from "node:fs";
import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import git, { type PromiseFsClient } from "isomorphic-git";
import { afterAll, describe, expect, it } from "vitest";
import { crashSafeFs } from "../../pipeline/git/crashSafeFs.js";
import { syncBackedFs } from "../../pipeline/git/syncBackedFs.js";
import { gitCli } from "../support/gitHttpServer.js";
import { cleanupTempDirs, tempDir } from "./helpers.js";

afterAll(cleanupTempDirs);

class Killed extends Error {}

/** `target` with its functions dying at the `nth` file `write` opens (the file made empty first), then all. */
function dyingAt<T extends object>(target: T, write: keyof T, nth = 1): T {
  let calls = 0;
  let dead = false;
  return new Proxy(target, {
    get(t, key) {
      const value = Reflect.get(t, key) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (dead) throw new Killed("the process is gone");
        // A write into a missing directory fails before it opens anything (isomorphic-git then makes the
        // directory and writes again): only a write that opens its file counts.
        if (key === write && nodeFs.existsSync(dirname(args[0] as string)) && ++calls === nth) {
          dead = true;
          nodeFs.writeFileSync(args[0] as string, ""); // open(O_TRUNC) happened, the data never came
          throw new Killed("killed mid-write");
        }
        return (value as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}

interface Flavour {
  name: string;
  /** What the process that gets killed writes through. */
  dying: (nth?: number) => PromiseFsClient;
  /** What the restarted process writes through. */
  healthy: () => PromiseFsClient;
}

const plain: Flavour = {
  name: "node:fs written in place",
  dying: (nth) => ({ promises: dyingAt(nodeFs.promises, "writeFile", nth) }),
  healthy: () => nodeFs,
};
const safe: Flavour[] = [
  {
    name: "crashSafeFs(node:fs)",
    dying: (nth) => crashSafeFs({ promises: dyingAt(nodeFs.promises, "writeFile", nth) }),
    healthy: () => crashSafeFs(nodeFs),
  },
  {
    name: "syncBackedFs",
    dying: (nth) => syncBackedFs(dyingAt(nodeFs, "writeFileSync", nth)),
    healthy: () => syncBackedFs(),
  },
];

const author = { name: "Intent Bot", email: "bot@example.org", timestamp: 1_700_000_000, timezoneOffset: 0 };
const intentText = Buffer.from('{\n  "id": "burst-202"\n}\n');

async function bareRepo(): Promise<string> {
  const gitdir = await tempDir("intentops-crashfs-");
  await git.init({ fs: nodeFs, gitdir, bare: true, defaultBranch: "main" });
  return gitdir;
}

/** A commit on main holding `text` as intents/<n>.json, through `fs`. */
async function commitFile(
  fs: PromiseFsClient,
  gitdir: string,
  name: string,
  parent: string[],
): Promise<string> {
  const blob = await git.writeBlob({ fs, gitdir, blob: Buffer.from(`{"id":"${name}"}\n`) });
  const inner = await git.writeTree({
    fs,
    gitdir,
    tree: [{ mode: "100644", path: `${name}.json`, oid: blob, type: "blob" }],
  });
  const tree = await git.writeTree({
    fs,
    gitdir,
    tree: [{ mode: "040000", path: "intents", oid: inner, type: "tree" }],
  });
  return git.writeCommit({
    fs,
    gitdir,
    commit: { message: `intake ${name}\n`, tree, parent, author, committer: author },
  });
}

describe.each(safe)("$name, killed mid-write", (flavour) => {
  it("leaves no torn object: the restart writes the same object again and reads it; git fsck agrees", async () => {
    const gitdir = await bareRepo();
    await expect(git.writeBlob({ fs: flavour.dying(), gitdir, blob: intentText })).rejects.toThrow(Killed);

    const oid = await git.writeBlob({ fs: flavour.healthy(), gitdir, blob: intentText });
    const { blob } = await git.readBlob({ fs: flavour.healthy(), gitdir, oid });
    expect(Buffer.from(blob).toString()).toBe(intentText.toString());
    await gitCli(["fsck", "--full", "--strict"], gitdir); // rejects on a corrupt object
    // what the kill left: at most a temporary file beside the object, never the object itself
    const left = await readdir(join(gitdir, "objects", oid.slice(0, 2)));
    expect(left.filter((f) => !f.startsWith(".intentops-tmp-"))).toEqual([oid.slice(2)]);
  });

  it("leaves the branch where it was, and lists no leftover as a branch", async () => {
    const gitdir = await bareRepo();
    const first = await commitFile(flavour.healthy(), gitdir, "a", []);
    await git.writeRef({ fs: flavour.healthy(), gitdir, ref: "refs/heads/main", value: first });
    const second = await commitFile(flavour.healthy(), gitdir, "b", [first]);
    await expect(
      git.writeRef({ fs: flavour.dying(), gitdir, ref: "refs/heads/main", value: second, force: true }),
    ).rejects.toThrow(Killed);

    expect(await git.resolveRef({ fs: flavour.healthy(), gitdir, ref: "main" })).toBe(first);
    expect(await git.listBranches({ fs: flavour.healthy(), gitdir })).toEqual(["main"]);
    expect((await gitCli(["for-each-ref", "--format=%(refname) %(objectname)"], gitdir)).trim()).toBe(
      `refs/heads/main ${first}`,
    );
    await git.writeRef({ fs: flavour.healthy(), gitdir, ref: "refs/heads/main", value: second, force: true });
    expect(await git.resolveRef({ fs: flavour.healthy(), gitdir, ref: "main" })).toBe(second);
    await gitCli(["fsck", "--full", "--strict"], gitdir);
  });
});

describe(`${plain.name} (what the wrappers prevent)`, () => {
  it("leaves an empty object the restart cannot replace: reading it fails", async () => {
    const gitdir = await bareRepo();
    await expect(git.writeBlob({ fs: plain.dying(), gitdir, blob: intentText })).rejects.toThrow(Killed);
    const oid = await git.writeBlob({ fs: plain.healthy(), gitdir, blob: intentText });
    await expect(git.readBlob({ fs: plain.healthy(), gitdir, oid })).rejects.toThrow();
    await expect(gitCli(["fsck", "--full"], gitdir)).rejects.toThrow(/empty|corrupt/);
  });

  it("leaves an empty ref: the branch resolves to nothing", async () => {
    const gitdir = await bareRepo();
    const first = await commitFile(plain.healthy(), gitdir, "a", []);
    await git.writeRef({ fs: plain.healthy(), gitdir, ref: "refs/heads/main", value: first });
    await expect(
      git.writeRef({ fs: plain.dying(), gitdir, ref: "refs/heads/main", value: first, force: true }),
    ).rejects.toThrow(Killed);
    await expect(git.resolveRef({ fs: plain.healthy(), gitdir, ref: "main" })).rejects.toThrow();
  });
});
