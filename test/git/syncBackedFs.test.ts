/**
 * syncBackedFs (serve's pipeline thread's repository I/O): isomorphic-git through it makes byte-identical
 * repositories to isomorphic-git through node:fs; each operation is done on the calling thread before its
 * promise settles (no thread-pool trip); failures reject with the system error's code.
 */
import nodeFs, { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import git, { type PromiseFsClient } from "isomorphic-git";
import { afterAll, expect, it } from "vitest";
import { syncBackedFs } from "../../pipeline/git/syncBackedFs.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), "intentops-syncfs-"));
  dirs.push(d);
  return d;
};
const author = { name: "Intent Bot", email: "bot@example.org", timestamp: 1_700_000_000, timezoneOffset: 0 };

/** Two commits (one adds a nested file, one removes a file) and what isomorphic-git reads back. */
async function history(fs: PromiseFsClient, dir: string) {
  await git.init({ fs, dir, defaultBranch: "main" });
  mkdirSync(join(dir, "intents", "deep"), { recursive: true });
  writeFileSync(join(dir, "intents", "a.json"), '{"id":"a"}\n');
  writeFileSync(join(dir, "intents", "deep", "b.json"), '{"id":"b"}\n');
  await git.add({ fs, dir, filepath: "intents" });
  const first = await git.commit({ fs, dir, message: "intake a, b\n", author });
  await git.remove({ fs, dir, filepath: "intents/a.json" });
  nodeFs.rmSync(join(dir, "intents", "a.json"));
  const second = await git.commit({ fs, dir, message: "withdraw a\n", author });
  const log = await git.log({ fs, dir });
  const files = await git.listFiles({ fs, dir, ref: "main" });
  const { blob } = await git.readBlob({ fs, dir, oid: second, filepath: "intents/deep/b.json" });
  const status = await git.statusMatrix({ fs, dir });
  return { first, second, log: log.map((c) => c.oid), files, blob: Buffer.from(blob).toString(), status };
}

it("isomorphic-git makes the same commits and reads the same through it as through node:fs", async () => {
  const viaSync = await history(syncBackedFs(), await tempDir());
  const viaNode = await history(nodeFs, await tempDir());
  expect(viaSync).toEqual(viaNode);
  expect(viaSync.files).toEqual(["intents/deep/b.json"]);
  expect(viaSync.blob).toBe('{"id":"b"}\n');
});

it("does each operation before its promise settles, on the calling thread", async () => {
  const dir = await tempDir();
  const fs = syncBackedFs().promises;
  const file = join(dir, "x", "y.txt");
  const made = fs.mkdir(join(dir, "x"), { recursive: true });
  expect(existsSync(join(dir, "x"))).toBe(true);
  await made;
  const written = fs.writeFile(file, "hello");
  expect(existsSync(file)).toBe(true);
  await written;
  expect((await fs.readFile(file, "utf8")) as string).toBe("hello");
  expect(((await fs.stat(file)) as nodeFs.Stats).size).toBe(5);
});

it("rejects with the system error's code, as node:fs/promises does", async () => {
  const dir = await tempDir();
  const fs = syncBackedFs().promises;
  await expect(fs.readFile(join(dir, "missing"))).rejects.toMatchObject({ code: "ENOENT" });
  await expect(fs.readdir(join(dir, "missing"))).rejects.toMatchObject({ code: "ENOENT" });
  writeFileSync(join(dir, "file"), "");
  await expect(fs.mkdir(join(dir, "file"))).rejects.toMatchObject({ code: "EEXIST" });
  await expect(git.resolveRef({ fs: syncBackedFs(), dir, ref: "refs/heads/none" })).rejects.toMatchObject({
    code: "NotFoundError",
  });
});
