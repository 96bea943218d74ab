import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverIntent } from "../../pipeline/git/deliverIntent.js";
import { revertCommit } from "../../pipeline/git/revertCommit.js";
import { type GitHttpServer, gitCli, startGitHttpServer } from "../support/gitHttpServer.js";
import { cleanupTempDirs, deployment, intentDelivery, pinnedDeps, tempDir } from "./helpers.js";

let server: GitHttpServer;
beforeAll(async () => {
  server = await startGitHttpServer();
});
afterAll(async () => {
  await server?.close();
  await cleanupTempDirs();
});

/** A fresh remote plus a local delivery repository that pushes to it. */
async function setup(name: string) {
  const remote = await server.createRepo(name);
  const dir = await tempDir();
  const deps = pinnedDeps();
  const deliver = async (intentId: string, files: Record<string, string>, version = 1) =>
    (await deliverIntent(intentDelivery(dir, intentId, ["edge1"], files, version, { remote }), deps)).commit!;
  return { remote, dir, deps, deliver, bare: server.repoPath(name) };
}

/** What the real `git revert` makes of the same commit, in a clone: its tree id. */
async function gitRevertTree(remote: string, oid: string): Promise<string> {
  const clone = await tempDir("intentops-clone-");
  await gitCli(["clone", "--quiet", remote, clone], clone);
  await gitCli(["revert", "--no-edit", oid], clone);
  return (await gitCli(["rev-parse", "HEAD^{tree}"], clone)).trim();
}

describe("revertCommit", () => {
  it("reverts HEAD back to the previous tree, as git revert does", async () => {
    const { remote, dir, deps, deliver, bare } = await setup("revert-head");
    const a = await deliver("analytics", { "deploy.yaml": deployment("analytics", 1) }, 1);
    const b = await deliver("analytics", { "deploy.yaml": deployment("analytics", 3) }, 2);
    const out = await revertCommit({ dir, target: "analytics", remote }, deps);
    expect(out.reverted).toBe(b);
    expect(out.pushed).toBe(true);
    expect(out.changes.modified).toEqual(["intents/analytics.json", "rendered/edge1/analytics/deploy.yaml"]);
    expect(await gitCli(["rev-parse", `${out.commit}^{tree}`], bare)).toBe(
      await gitCli(["rev-parse", `${a}^{tree}`], bare),
    );
    expect(await gitCli(["log", "-1", "--format=%B", "main"], bare)).toBe(
      `Revert "intent analytics: deliver ${(await gitCli(["log", "-1", "--format=%s", b], bare)).trim().split(" ")[3]} to edge1"\n\nThis reverts commit ${b}.\n\nIntent-Id: analytics\n\n`,
    );
    expect(await gitCli(["diff", "--stat", a, "main"], bare)).toBe("");
    await gitCli(["fsck", "--full", "--strict"], bare);
  });

  it("reverts an older commit and keeps later unrelated commits (same tree as git revert)", async () => {
    const { remote, dir, deps, deliver, bare } = await setup("revert-older");
    const x = await deliver("x", { "deploy.yaml": deployment("x", 1) });
    await deliver("y", { "deploy.yaml": deployment("y", 1) });
    await deliver("z", { "deploy.yaml": deployment("z", 2) });
    const expected = await gitRevertTree(remote, x);
    const out = await revertCommit({ dir, target: x.slice(0, 10), remote }, deps);
    expect(out.reverted).toBe(x);
    expect(out.changes.removed).toEqual(["intents/x.json", "rendered/edge1/x/deploy.yaml"]);
    expect((await gitCli(["rev-parse", "main^{tree}"], bare)).trim()).toBe(expected);
    const files = await gitCli(["ls-tree", "-r", "--name-only", "main"], bare);
    expect(files.split("\n").filter(Boolean)).toEqual([
      "intents/y.json",
      "intents/z.json",
      "rendered/edge1/y/deploy.yaml",
      "rendered/edge1/z/deploy.yaml",
    ]);
    await gitCli(["fsck", "--full", "--strict"], bare);
  });

  it("merges line by line when a later commit changed other lines of the same file", async () => {
    const { remote, dir, deps, deliver, bare } = await setup("revert-lines");
    await deliver("app", { "deploy.yaml": deployment("app", 1) }, 1);
    const b = await deliver("app", { "deploy.yaml": deployment("app", 3) }, 2);
    // Another writer changes a different line of the same file with the git CLI.
    const clone = await tempDir("intentops-clone-");
    await gitCli(["clone", "--quiet", remote, clone], clone);
    const file = join(clone, "rendered/edge1/app/deploy.yaml");
    const { readFile, writeFile } = await import("node:fs/promises");
    await writeFile(file, (await readFile(file, "utf8")).replace("analytics:1.0", "analytics:1.1"));
    await gitCli(["commit", "--quiet", "-am", "bump image"], clone);
    await gitCli(["push", "--quiet", "origin", "main"], clone);
    const expected = await gitRevertTree(remote, b);
    const out = await revertCommit({ dir, target: b, remote }, deps);
    expect((await gitCli(["rev-parse", `${out.commit}^{tree}`], bare)).trim()).toBe(expected);
    const merged = await gitCli(["show", "main:rendered/edge1/app/deploy.yaml"], bare);
    expect(merged).toContain("replicas: 1");
    expect(merged).toContain("analytics:1.1");
    await gitCli(["fsck", "--full", "--strict"], bare);
  });

  it("refuses a conflicting revert cleanly: no commit, no ref moved, paths named", async () => {
    const { remote, dir, deps, deliver, bare } = await setup("revert-conflict");
    await deliver("app", { "deploy.yaml": deployment("app", 1) }, 1);
    const b = await deliver("app", { "deploy.yaml": deployment("app", 3) }, 2);
    const c = await deliver("app", { "deploy.yaml": deployment("app", 5) }, 3);
    const objectsBefore = await gitCli(["count-objects", "-v"], bare);
    const error = await revertCommit({ dir, target: b, remote }, deps).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "E_REVERT_CONFLICT",
      paths: ["intents/app.json", "rendered/edge1/app/deploy.yaml"],
    });
    expect((await gitCli(["rev-parse", "main"], bare)).trim()).toBe(c);
    expect((await gitCli(["rev-parse", "main"], dir)).trim()).toBe(c);
    expect(await gitCli(["count-objects", "-v"], bare)).toBe(objectsBefore);
    // The real git agrees that this revert conflicts.
    const clone = await tempDir("intentops-clone-");
    await gitCli(["clone", "--quiet", remote, clone], clone);
    await expect(gitCli(["revert", "--no-edit", b], clone)).rejects.toThrow(/conflict/i);
    await gitCli(["fsck", "--full", "--strict"], bare);
    await gitCli(["fsck", "--full"], dir);
  });

  it("refuses unknown targets and empty reverts with stable codes", async () => {
    const { remote, dir, deps, deliver } = await setup("revert-refuse");
    await deliver("app", { "deploy.yaml": deployment("app", 1) });
    await expect(revertCommit({ dir, target: "nope", remote }, deps)).rejects.toMatchObject({
      code: "E_NOT_FOUND",
    });
    const out = await revertCommit({ dir, target: "app", remote }, deps);
    await expect(revertCommit({ dir, target: out.reverted, remote }, deps)).rejects.toMatchObject({
      code: "E_REVERT_EMPTY",
    });
  });
});
