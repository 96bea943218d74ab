import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEvidence } from "../../pipeline/evidence/listEvidence.js";
import { verifyEvidence } from "../../pipeline/evidence/verifyEvidence.js";
import { deliverIntent } from "../../pipeline/git/deliverIntent.js";
import { isQuarantined, listQuarantined } from "../../pipeline/git/quarantine.js";
import { rollbackIntent } from "../../pipeline/git/rollbackIntent.js";
import { type GitHttpServer, gitCli, startGitHttpServer } from "../support/gitHttpServer.js";
import {
  cleanupTempDirs,
  deployment,
  intentDelivery,
  pinnedDeps,
  steppingClock,
  tempDir,
} from "./helpers.js";

let server: GitHttpServer;
beforeAll(async () => {
  server = await startGitHttpServer();
});
afterAll(async () => {
  await server?.close();
  await cleanupTempDirs();
});

describe("two writers at once", () => {
  it("both commits survive: the loser fetches, rebuilds on the winner's commit and pushes", async () => {
    const remote = await server.createRepo("two-writers");
    const seed = await tempDir();
    await deliverIntent(
      intentDelivery(seed, "base", ["edge1"], { "a.yaml": deployment("base", 1) }, 1, { remote }),
      pinnedDeps(),
    );
    const [dirA, dirB] = [await tempDir(), await tempDir()];
    const [a, b] = await Promise.all([
      deliverIntent(
        intentDelivery(dirA, "alpha", ["edge1"], { "a.yaml": deployment("alpha", 1) }, 1, { remote }),
        pinnedDeps(),
      ),
      deliverIntent(
        intentDelivery(dirB, "beta", ["edge2"], { "b.yaml": deployment("beta", 2) }, 1, { remote }),
        pinnedDeps({ clock: steppingClock(Date.UTC(2025, 5, 1)) }),
      ),
    ]);
    expect(a.pushed && b.pushed).toBe(true);
    const bare = server.repoPath("two-writers");
    const log = await gitCli(["log", "--format=%H %s", "main"], bare);
    expect(log).toContain(a.commit!);
    expect(log).toContain(b.commit!);
    expect(log.trim().split("\n")).toHaveLength(3);
    // Linear history: one of them was rebuilt on top of the other, no merge, no force.
    expect(await gitCli(["rev-list", "--merges", "main"], bare)).toBe("");
    const files = await gitCli(["ls-tree", "-r", "--name-only", "main"], bare);
    for (const f of [
      "rendered/edge1/alpha/a.yaml",
      "rendered/edge2/beta/b.yaml",
      "rendered/edge1/base/a.yaml",
    ]) {
      expect(files).toContain(f);
    }
    await gitCli(["fsck", "--full", "--strict"], bare);
  });

  it("writers at once in one local repository (serve's case) all push, none diverges", async () => {
    const remote = await server.createRepo("one-repo-writers");
    const dir = await tempDir();
    await deliverIntent(
      intentDelivery(dir, "base", ["edge1"], { "a.yaml": deployment("base", 1) }, 1, { remote }),
      pinnedDeps(),
    );
    const names = ["w0", "w1", "w2", "w3", "w4", "w5"];
    const results = await Promise.allSettled(
      names.map((n) =>
        deliverIntent(
          intentDelivery(dir, n, ["edge1"], { "a.yaml": deployment(n, 1) }, 1, { remote }),
          pinnedDeps(),
        ),
      ),
    );
    // With one pending ref per branch, 4 of the 6 ended E_DIVERGED (3 runs of 3).
    expect(results.filter((r) => r.status === "rejected").map((r) => String(r.reason))).toEqual([]);
    // They take turns: nobody's push was refused by another of ours (racing, 64 at once were refused
    // six times over).
    const attempts = results.map((r) => (r.status === "fulfilled" ? r.value.attempts : -1));
    expect(attempts).toEqual(names.map(() => 1));
    const bare = server.repoPath("one-repo-writers");
    const files = await gitCli(["ls-tree", "-r", "--name-only", "main"], bare);
    for (const n of names) expect(files).toContain(`rendered/edge1/${n}/a.yaml`);
    expect(await gitCli(["rev-list", "--count", "main"], bare)).toBe("7\n");
    expect(await gitCli(["rev-list", "--merges", "main"], bare)).toBe("");
  });

  it("a writer that holds the remote's head fetches no pack; one that lacks it does", async () => {
    const remote = await server.createRepo("no-needless-fetch");
    const [dir, other] = [await tempDir(), await tempDir()];
    const deliver = (into: string, name: string) =>
      deliverIntent(
        intentDelivery(into, name, ["edge1"], { "a.yaml": deployment(name, 1) }, 1, { remote }),
        pinnedDeps(),
      );
    await deliver(dir, "first");
    const before = server.stats.uploadPacks;
    // The remote's head is this writer's own last push: the ref advertisement says so, no pack is built.
    expect((await deliver(dir, "second")).pushed).toBe(true);
    expect(server.stats.uploadPacks).toBe(before);
    // Another repository has never seen it: it fetches, and builds on it.
    expect((await deliver(other, "third")).pushed).toBe(true);
    expect(server.stats.uploadPacks).toBe(before + 1);
    const bare = server.repoPath("no-needless-fetch");
    expect(await gitCli(["rev-list", "--count", "main"], bare)).toBe("3\n");
  });

  it("a writer whose push loses the race retries on top of the winner's commit (never force)", async () => {
    const remote = await server.createRepo("forced-race");
    const [dirA, dirB] = [await tempDir(), await tempDir()];
    await deliverIntent(
      intentDelivery(dirA, "one", ["edge1"], { "d.yaml": deployment("one", 1) }, 1, { remote }),
      pinnedDeps(),
    );
    const deps = pinnedDeps();
    let winner: string | null = null;
    const racingHttp = {
      async request(req: Parameters<NonNullable<typeof deps.http>["request"]>[0]) {
        if (!winner && req.method === "POST" && req.url.endsWith("git-receive-pack")) {
          const w = intentDelivery(dirA, "two", ["edge1"], { "d.yaml": deployment("two", 1) }, 1, { remote });
          winner = (await deliverIntent(w, pinnedDeps())).commit;
        }
        return deps.http!.request(req);
      },
    };
    const out = await deliverIntent(
      intentDelivery(dirB, "three", ["edge2"], { "d.yaml": deployment("three", 1) }, 1, { remote }),
      { ...deps, http: racingHttp },
    );
    expect(out.attempts).toBe(2);
    const bare = server.repoPath("forced-race");
    expect((await gitCli(["rev-parse", "main^"], bare)).trim()).toBe(winner);
    expect((await gitCli(["rev-parse", "main"], bare)).trim()).toBe(out.commit);
    await gitCli(["fsck", "--full", "--strict"], bare);
  });

  it("a writer that loses a race is rebuilt; the same paths changed by the other writer is a conflict", async () => {
    const remote = await server.createRepo("race-conflict");
    const [dirA, dirB] = [await tempDir(), await tempDir()];
    await deliverIntent(
      intentDelivery(dirA, "app", ["edge1"], { "d.yaml": deployment("app", 1) }, 1, { remote }),
      pinnedDeps(),
    );
    // B builds on the same head as A, but A pushes first: B's rebuild finds A changed the same files.
    const deps = pinnedDeps();
    let raced = false;
    const racingHttp = {
      async request(req: Parameters<NonNullable<typeof deps.http>["request"]>[0]) {
        if (!raced && req.method === "POST" && req.url.endsWith("git-receive-pack")) {
          raced = true;
          await deliverIntent(
            intentDelivery(dirA, "app", ["edge1"], { "d.yaml": deployment("app", 7) }, 2, { remote }),
            pinnedDeps(),
          );
        }
        return deps.http!.request(req);
      },
    };
    const error = await deliverIntent(
      intentDelivery(dirB, "app", ["edge1"], { "d.yaml": deployment("app", 3) }, 3, { remote }),
      { ...deps, http: racingHttp },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_DELIVERY_CONFLICT" });
    const bare = server.repoPath("race-conflict");
    expect(await gitCli(["show", "main:rendered/edge1/app/d.yaml"], bare)).toContain("replicas: 7");
    await gitCli(["fsck", "--full", "--strict"], bare);
  });
});

describe("rollbackIntent", () => {
  it("reverts, quarantines the reverted commit and records chained evidence, also for a refused revert", async () => {
    const remote = await server.createRepo("rollback");
    const dir = await tempDir();
    const deps = pinnedDeps();
    const d = (v: number) =>
      deliverIntent(
        intentDelivery(dir, "app", ["edge1"], { "d.yaml": deployment("app", v) }, v, { remote }),
        deps,
      );
    await d(1);
    const bad = (await d(2)).commit!;
    const { outcome, evidence } = await rollbackIntent(
      { dir, target: "app", remote, reason: "p95 latency 180 ms" },
      deps,
    );
    expect(outcome.reverted).toBe(bad);
    expect(evidence.record.result).toBe("rolled-back");
    expect(evidence.record.commit).toBe(outcome.commit);
    expect(await isQuarantined({ dir, sha: bad, remote }, deps)).toBe(true);
    expect((await listQuarantined({ dir, remote }, deps)).map((q) => q.commit)).toEqual([bad]);
    // Revert of the same commit again: nothing to revert → refused, evidence of the attempt recorded.
    await expect(rollbackIntent({ dir, target: bad, remote }, deps)).rejects.toMatchObject({
      code: "E_REVERT_EMPTY",
    });
    const records = await listEvidence({ dir, intentId: "app", remote }, deps);
    expect(records.map((r) => r.result)).toEqual(["rolled-back", "failure"]);
    expect((await verifyEvidence({ dir, remote }, deps)).ok).toBe(true);
    const bare = server.repoPath("rollback");
    expect(await gitCli(["show", "intentops-evidence:quarantine/" + bad + ".json"], bare)).toContain(
      "p95 latency",
    );
    await gitCli(["fsck", "--full", "--strict"], bare);
  });
});
