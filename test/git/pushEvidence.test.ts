/**
 * A run's evidence recorded locally and pushed in one batch: a fast-forward push when nobody else wrote,
 * and re-chained on top of another writer's records when the branch moved meanwhile — every record kept,
 * one chain that verifies, checked on the real git http-backend.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEvidence } from "../../pipeline/evidence/listEvidence.js";
import { pushEvidence } from "../../pipeline/evidence/pushEvidence.js";
import { recordEvidence } from "../../pipeline/evidence/recordEvidence.js";
import { verifyEvidence } from "../../pipeline/evidence/verifyEvidence.js";
import { type GitHttpServer, gitCli, startGitHttpServer } from "../support/gitHttpServer.js";
import { cleanupTempDirs, pinnedDeps, tempDir } from "./helpers.js";

let server: GitHttpServer;
beforeAll(async () => {
  server = await startGitHttpServer();
});
afterAll(async () => {
  await server?.close();
  await cleanupTempDirs();
});

const input = (action: string, by: string) => ({
  intentId: "analytics",
  action,
  trigger: { kind: "pipeline", detail: by },
  result: "success" as const,
});

describe("pushEvidence", () => {
  it("GIVEN records made locally WHEN pushed THEN one push carries them all, in order", async () => {
    const remote = await server.createRepo("batch-ff");
    const dir = await tempDir();
    const deps = pinnedDeps();
    await recordEvidence({ dir, remote, input: input("compile", "a") }, deps); // creates the branch remotely
    for (const action of ["render", "deliver", "reconcile"])
      await recordEvidence({ dir, input: input(action, "a") }, deps);
    expect(await gitCli(["rev-list", "--count", "intentops-evidence"], server.repoPath("batch-ff"))).toBe(
      "1\n",
    );

    expect(await pushEvidence({ dir, remote }, deps)).toEqual({ pushed: true, rechained: 0 });
    expect(await gitCli(["rev-list", "--count", "intentops-evidence"], server.repoPath("batch-ff"))).toBe(
      "4\n",
    );
    expect(await pushEvidence({ dir, remote }, deps)).toEqual({ pushed: false, rechained: 0 });
    const records = await listEvidence({ dir: await tempDir(), intentId: "analytics", remote }, deps);
    expect(records.map((r) => [r.seq, r.action])).toEqual([
      [1, "compile"],
      [2, "render"],
      [3, "deliver"],
      [4, "reconcile"],
    ]);
  }, 120_000);

  it("GIVEN another writer pushed meanwhile THEN the local records are re-chained after theirs; the chain verifies", async () => {
    const remote = await server.createRepo("batch-diverged");
    const deps = pinnedDeps();
    const mine = await tempDir();
    const theirs = await tempDir();
    await recordEvidence({ dir: mine, remote, input: input("compile", "run") }, deps);
    await recordEvidence({ dir: mine, input: input("render", "run") }, deps);
    await recordEvidence({ dir: mine, input: input("deliver", "run") }, deps);
    // another process (an operator's rollback, say) appends to the same intent's chain on the remote
    await recordEvidence({ dir: theirs, remote, input: input("rollback", "operator") }, deps);

    expect(await pushEvidence({ dir: mine, remote }, deps)).toEqual({ pushed: true, rechained: 2 });
    const records = await listEvidence({ dir: await tempDir(), intentId: "analytics", remote }, deps);
    expect(records.map((r) => [r.seq, r.action, r.trigger.detail])).toEqual([
      [1, "compile", "run"],
      [2, "rollback", "operator"],
      [3, "render", "run"],
      [4, "deliver", "run"],
    ]);
    const chain = await verifyEvidence({ dir: mine, intentId: "analytics", remote }, deps);
    expect(chain.problems).toEqual([]);
    await gitCli(["fsck", "--full", "--strict"], server.repoPath("batch-diverged"));
  }, 120_000);
});
