import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../pipeline/cli/io.js";
import { runCli } from "../../pipeline/cli/main.js";
import { type GitHttpServer, gitCli, startGitHttpServer } from "../support/gitHttpServer.js";
import { cleanupTempDirs, deployment, tempDir } from "./helpers.js";

const TOKEN = "cli-secret-token-9f8e7d";
let server: GitHttpServer;
beforeAll(async () => {
  server = await startGitHttpServer({ token: TOKEN });
});
afterAll(async () => {
  await server?.close();
  await cleanupTempDirs();
});

async function work(replicas: number) {
  const dir = await tempDir("intentops-work-");
  await mkdir(join(dir, "intents"), { recursive: true });
  await writeFile(join(dir, "intents/app.json"), JSON.stringify({ id: "app", replicas }));
  for (const site of ["edge1", "edge2"]) {
    await mkdir(join(dir, "rendered", site, "app"), { recursive: true });
    await writeFile(join(dir, "rendered", site, "app", "deploy.yaml"), deployment("app", replicas));
  }
  return dir;
}

describe("CLI deliver / rollback / evidence", () => {
  it("delivers, is idempotent, rolls back, conflicts with exit 1, and verifies evidence", async () => {
    const remote = await server.createRepo("cli");
    const repo = await tempDir();
    const env = { GIT_TOKEN: TOKEN };
    const run = async (...args: string[]) => {
      const io = memoryIo(repo, env);
      const code = await runCli(
        [...args, "--repo", repo, "--remote", remote, "--token-env", "GIT_TOKEN"],
        io,
      );
      return { code, out: io.out(), err: io.err() };
    };
    const w1 = await work(1);
    const first = await run("deliver", "app", "--work", w1, "--json");
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out).delivery.status).toBe("committed");
    expect((await run("deliver", "app", "--work", w1, "--json")).out).toContain('"status": "unchanged"');
    await run("deliver", "app", "--work", await work(3));
    await run("deliver", "app", "--work", await work(5));
    // Reverting the middle delivery conflicts with the last: nothing changes, exit 1.
    const bare = server.repoPath("cli");
    const before = await gitCli(["rev-parse", "main"], bare);
    const log = (await gitCli(["log", "--format=%H", "main"], bare)).trim().split("\n");
    const conflict = await run("rollback", log[1]!);
    expect(conflict.code).toBe(1);
    expect(conflict.err).toContain("E_REVERT_CONFLICT");
    expect(await gitCli(["rev-parse", "main"], bare)).toBe(before);
    const ok = await run("rollback", "app", "--json");
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).rollback.reverted).toBe(log[0]);
    const list = await run("evidence", "app");
    expect(list.out.trim().split("\n")).toHaveLength(6);
    expect((await run("evidence", "verify")).code).toBe(0);
    // From another directory, `--repo` must reach the verify subcommand (not only its parent command).
    const elsewhere = memoryIo(await tempDir(), env);
    const flags = ["--repo", repo, "--remote", remote, "--token-env", "GIT_TOKEN"];
    expect(await runCli(["evidence", "verify", "app", ...flags], elsewhere)).toBe(0);
    expect(elsewhere.out()).toContain("app: 6 record(s) ok");
    // An intent without evidence is not "0 records ok".
    const none = memoryIo(await tempDir(), env);
    expect(await runCli(["evidence", "verify", "nothing-here", ...flags], none)).toBe(1);
    expect(none.out()).toContain("nothing-here: no evidence");
    const all = await gitCli(["log", "-p", "--all"], bare);
    expect(all).not.toContain(TOKEN);
    expect((await run("rollback", "--help")).code).toBe(0);
    expect((await run("rollback")).code).toBe(2);
    await gitCli(["fsck", "--full", "--strict"], bare);
  });
});
