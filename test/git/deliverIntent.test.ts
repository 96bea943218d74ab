import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverIntent } from "../../pipeline/git/deliverIntent.js";
import { type GitHttpServer, gitCli, startGitHttpServer } from "../support/gitHttpServer.js";
import { bearer, cleanupTempDirs, deployment, intentDelivery, pinnedDeps, tempDir } from "./helpers.js";

let server: GitHttpServer;
beforeAll(async () => {
  server = await startGitHttpServer({ token: "t0ken-for-tests" });
});
afterAll(async () => {
  await server?.close();
  await cleanupTempDirs();
});

describe("deliverIntent (local)", () => {
  it("makes one commit per change, none when re-delivered, with a reproducible SHA", async () => {
    const dir = await tempDir();
    const opts = intentDelivery(dir, "analytics", ["edge1", "edge2"], { "deploy.yaml": deployment("a", 1) });
    const first = await deliverIntent(opts, pinnedDeps());
    expect(first.status).toBe("committed");
    expect(first.changes.added).toHaveLength(3);
    // Pinned clock, author and content → the commit id is fixed; any change to the format shows here.
    expect(first.commit).toBe("4d6be05494f14f302c4e8038fd627cd52795ccff");
    const again = await deliverIntent(opts, pinnedDeps());
    expect(again.status).toBe("unchanged");
    expect(again.commit).toBeNull();
    expect(again.head).toBe(first.commit);
    expect(await gitCli(["rev-list", "--count", "main"], dir)).toBe("1\n");
    await gitCli(["fsck", "--full", "--strict"], dir);
  });
});

describe("deliverIntent (remote)", () => {
  it("pushes over smart HTTP with a token", async () => {
    const url = await server.createRepo("deliver1");
    const dir = await tempDir();
    const opts = intentDelivery(dir, "analytics", ["edge1"], { "deploy.yaml": deployment("a", 1) }, 1, {
      remote: url,
    });
    const out = await deliverIntent(opts, pinnedDeps({ credentials: bearer("t0ken-for-tests") }));
    expect(out.pushed).toBe(true);
    const remoteHead = await gitCli(["rev-parse", "main"], server.repoPath("deliver1"));
    expect(remoteHead.trim()).toBe(out.commit);
    await gitCli(["fsck", "--full", "--strict"], server.repoPath("deliver1"));
  });
});
