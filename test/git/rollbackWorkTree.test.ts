/**
 * `intentops rollback` in a work tree (a clone with `main` checked out): after the revert, index and files
 * equal the new HEAD, as after `git revert`; local changes the revert would overwrite refuse it with exit 1
 * and nothing is written. Every check is made with the real git CLI, and the refusals are compared with
 * what `git revert` itself does in a copy of the same work tree.
 */
import { cp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../pipeline/cli/io.js";
import { runCli } from "../../pipeline/cli/main.js";
import { deliverIntent } from "../../pipeline/git/deliverIntent.js";
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

const SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: app\n  namespace: default\n";

/**
 * A remote holding app v1 (deploy + service), app v2 (deploy only: the service left the package) and an
 * unrelated intent `other`, pushed by intentops from a bare repository; and a clean clone of it.
 */
async function setup(name: string) {
  const remote = await server.createRepo(name);
  const delivery = await tempDir();
  const deps = pinnedDeps();
  const deliver = async (intentId: string, files: Record<string, string>, version: number) =>
    (await deliverIntent(intentDelivery(delivery, intentId, ["edge1"], files, version, { remote }), deps))
      .commit!;
  await deliver("app", { "deploy.yaml": deployment("app", 1), "service.yaml": SERVICE }, 1);
  await deliver("other", { "deploy.yaml": deployment("other", 1) }, 1);
  const v2 = await deliver("app", { "deploy.yaml": deployment("app", 3) }, 2);
  const work = await tempDir("intentops-worktree-");
  await gitCli(["clone", "--quiet", remote, work], work);
  return { remote, work, v2, deliver, bare: server.repoPath(name) };
}

async function rollback(work: string, ...args: string[]) {
  const io = memoryIo(work, {});
  const code = await runCli(["rollback", ...args, "--repo", work, "--json"], io);
  return { code, out: io.out(), err: io.err() };
}

/** Everything a refused rollback must leave as it was: refs, objects, index, files' status. */
async function snapshot(work: string) {
  return {
    refs: await gitCli(["for-each-ref", "--format=%(refname) %(objectname)"], work),
    head: await gitCli(["symbolic-ref", "HEAD"], work),
    objects: await gitCli(["count-objects", "-v"], work),
    status: await gitCli(["status", "--porcelain=v1", "--untracked-files=all", "--ignored"], work),
    index: await gitCli(["ls-files", "--stage"], work),
  };
}

/** What `git revert` does in a copy of the work tree: its exit (refused or not). */
async function gitRevertRefuses(work: string, oid: string): Promise<boolean> {
  const copy = await tempDir("intentops-gitcopy-");
  await cp(work, copy, { recursive: true });
  return gitCli(["revert", "--no-edit", oid], copy).then(
    () => false,
    () => true,
  );
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe("intentops rollback in a work tree", () => {
  it("leaves index and files equal to the new HEAD, with the same tree as git revert", async () => {
    const { work, v2, bare } = await setup("wt-clean");
    const copy = await tempDir("intentops-gitcopy-");
    await cp(work, copy, { recursive: true });
    await gitCli(["revert", "--no-edit", v2], copy);
    const out = await rollback(work, "app");
    expect(out.code, out.err).toBe(0);
    expect(JSON.parse(out.out).rollback.reverted).toBe(v2);
    expect(await gitCli(["status", "--porcelain=v1", "--untracked-files=all"], work)).toBe("");
    expect(await gitCli(["rev-parse", "HEAD^{tree}"], work)).toBe(
      await gitCli(["rev-parse", "HEAD^{tree}"], copy),
    );
    // The service is back on disk and in the index, the deployment at its old replicas.
    expect(await readFile(join(work, "rendered/edge1/app/service.yaml"), "utf8")).toBe(SERVICE);
    expect(await readFile(join(work, "rendered/edge1/app/deploy.yaml"), "utf8")).toBe(deployment("app", 1));
    expect(await gitCli(["diff", "--cached", "--name-only", "HEAD"], work)).toBe("");
    // Local only (no --remote): the bare remote did not move.
    expect(await gitCli(["rev-parse", "main"], bare)).toBe(`${v2}\n`);
    await gitCli(["fsck", "--full", "--strict"], work);
  });

  it("removes the files of a reverted intent and the directories they leave empty", async () => {
    const { work, remote, bare, deliver } = await setup("wt-remove");
    const added = await deliver("fresh", { "deploy.yaml": deployment("fresh", 2) }, 1);
    await gitCli(["pull", "--quiet", "--ff-only"], work);
    expect(await exists(join(work, "rendered/edge1/fresh/deploy.yaml"))).toBe(true);
    const out = await rollback(work, "fresh", "--remote", remote);
    expect(out.code, out.err).toBe(0);
    expect(JSON.parse(out.out).rollback.reverted).toBe(added);
    expect(await gitCli(["status", "--porcelain=v1", "--untracked-files=all"], work)).toBe("");
    expect(await exists(join(work, "rendered/edge1/fresh"))).toBe(false);
    expect(await exists(join(work, "intents/fresh.json"))).toBe(false);
    expect(await gitCli(["rev-parse", "main"], bare)).toBe(await gitCli(["rev-parse", "HEAD"], work));
  });

  it("follows a remote that moved since the clone: files end at the pushed revert", async () => {
    const { work, remote, bare, deliver } = await setup("wt-behind");
    const before = (await gitCli(["rev-parse", "HEAD"], work)).trim();
    await deliver("later", { "deploy.yaml": deployment("later", 1) }, 1);
    const out = await rollback(work, "app", "--remote", remote);
    expect(out.code, out.err).toBe(0);
    const head = (await gitCli(["rev-parse", "HEAD"], work)).trim();
    expect(await gitCli(["rev-parse", "main"], bare)).toBe(`${head}\n`);
    expect((await gitCli(["rev-list", `${before}..${head}`], work)).trim().split("\n")).toHaveLength(2);
    expect(await gitCli(["status", "--porcelain=v1", "--untracked-files=all"], work)).toBe("");
    expect(await exists(join(work, "rendered/edge1/later/deploy.yaml"))).toBe(true);
  });

  it("keeps unstaged changes and untracked files on paths the revert does not touch", async () => {
    const { work } = await setup("wt-unrelated");
    await writeFile(join(work, "rendered/edge1/other/deploy.yaml"), deployment("other", 7));
    await writeFile(join(work, "notes.txt"), "mine\n");
    const out = await rollback(work, "app");
    expect(out.code, out.err).toBe(0);
    expect(await gitCli(["status", "--porcelain=v1", "--untracked-files=all"], work)).toBe(
      " M rendered/edge1/other/deploy.yaml\n?? notes.txt\n",
    );
    expect(await readFile(join(work, "rendered/edge1/other/deploy.yaml"), "utf8")).toBe(
      deployment("other", 7),
    );
  });

  it("is not stopped by an unstaged deletion of a touched file (git agrees): the file comes back", async () => {
    const { work, v2 } = await setup("wt-deleted");
    await rm(join(work, "intents/app.json"));
    expect(await gitRevertRefuses(work, v2)).toBe(false);
    const out = await rollback(work, "app");
    expect(out.code, out.err).toBe(0);
    expect(await gitCli(["status", "--porcelain=v1", "--untracked-files=all"], work)).toBe("");
    expect(JSON.parse(await readFile(join(work, "intents/app.json"), "utf8"))).toMatchObject({ version: 1 });
  });

  const dirty: [string, (work: string) => Promise<void>, string[]][] = [
    [
      "an unstaged change to a file the revert touches",
      (work) => writeFile(join(work, "rendered/edge1/app/deploy.yaml"), deployment("app", 9)),
      ["rendered/edge1/app/deploy.yaml"],
    ],
    [
      "an untracked file where the revert restores one",
      (work) => writeFile(join(work, "rendered/edge1/app/service.yaml"), "kind: Mine\n"),
      ["rendered/edge1/app/service.yaml"],
    ],
    [
      "a staged change anywhere, even to a file the revert does not touch",
      async (work) => {
        await writeFile(join(work, "rendered/edge1/other/deploy.yaml"), deployment("other", 4));
        await gitCli(["add", "rendered/edge1/other/deploy.yaml"], work);
      },
      ["rendered/edge1/other/deploy.yaml"],
    ],
  ];
  for (const [name, makeDirty, paths] of dirty) {
    it(`refuses with exit 1 over ${name}, and writes nothing (as git revert refuses)`, async () => {
      const { work, remote, v2, bare } = await setup(`wt-dirty-${paths[0]!.length}-${name.length}`);
      await makeDirty(work);
      expect(await gitRevertRefuses(work, v2)).toBe(true);
      const before = await snapshot(work);
      const files = await readFile(join(work, "rendered/edge1/app/deploy.yaml"), "utf8").catch(() => null);
      for (const extra of [[], ["--remote", remote]]) {
        const out = await rollback(work, "app", ...extra);
        expect(out.code).toBe(1);
        expect(out.err).toContain("E_LOCAL_CHANGES");
        expect(JSON.parse(out.out).error).toMatchObject({ code: "E_LOCAL_CHANGES", paths });
        const after = await snapshot(work);
        // A fetch from the remote may record where the remote's branch is; nothing else may change.
        after.refs = after.refs.replace(/^refs\/remotes\/intentops\/main .*\n/m, "");
        expect(after).toEqual(before);
      }
      expect(await readFile(join(work, "rendered/edge1/app/deploy.yaml"), "utf8").catch(() => null)).toBe(
        files,
      );
      expect(await gitCli(["rev-parse", "main"], bare)).toBe(`${v2}\n`);
      // No evidence branch was created, here or on the remote.
      expect(await gitCli(["branch", "--list", "--all"], work)).not.toContain("evidence");
      expect(await gitCli(["branch", "--list"], bare)).not.toContain("evidence");
    });
  }

  it("refuses over local changes on a path only the remote's newer commits touch, and puts main back", async () => {
    const { work, remote, deliver, bare } = await setup("wt-dirty-remote");
    const before = (await gitCli(["rev-parse", "main"], work)).trim();
    const later = await deliver("later", { "deploy.yaml": deployment("later", 1) }, 1);
    await writeFile(join(work, "intents/later.json"), "{}\n");
    const out = await rollback(work, "other", "--remote", remote);
    expect(out.code).toBe(1);
    expect(JSON.parse(out.out).error).toMatchObject({
      code: "E_LOCAL_CHANGES",
      paths: ["intents/later.json"],
    });
    expect(await gitCli(["rev-parse", "main"], work)).toBe(`${before}\n`);
    expect(await gitCli(["rev-parse", "main"], bare)).toBe(`${later}\n`);
    expect(await gitCli(["status", "--porcelain=v1"], work)).toBe("?? intents/later.json\n");
  });
});
