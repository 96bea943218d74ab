import { readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEvidence } from "../../pipeline/evidence/listEvidence.js";
import { recordEvidence } from "../../pipeline/evidence/recordEvidence.js";
import { secretsFromEnv } from "../../pipeline/evidence/redactSecrets.js";
import { evidenceProblems } from "../../pipeline/evidence/validateEvidence.js";
import { verifyEvidence } from "../../pipeline/evidence/verifyEvidence.js";
import { type GitHttpServer, gitCli, startGitHttpServer } from "../support/gitHttpServer.js";
import { bearer, cleanupTempDirs, pinnedDeps, tempDir } from "./helpers.js";

const TOKEN = "ghp_SuperSecretTokenValue0123456789";
const SITE_PASSWORD = "os-admin-Pa55w0rd!";
let server: GitHttpServer;
beforeAll(async () => {
  server = await startGitHttpServer({ token: TOKEN });
});
afterAll(async () => {
  await server?.close();
  await cleanupTempDirs();
});

const actions = ["compile", "render", "deliver"] as const;

/** Three records for `intentId`, pushed to a fresh remote; returns the remote and a git CLI clone of it. */
async function chain(name: string, intentId = "analytics") {
  const remote = await server.createRepo(name);
  const dir = await tempDir();
  const deps = pinnedDeps({ credentials: bearer(TOKEN) });
  for (const action of actions) {
    await recordEvidence(
      { dir, remote, input: { intentId, action, trigger: { kind: "cli" }, result: "success" } },
      deps,
    );
  }
  const clone = await tempDir("intentops-clone-");
  const header = `http.extraHeader=Authorization: Bearer ${TOKEN}`;
  await gitCli(["-c", header, "clone", "--quiet", "-b", "intentops-evidence", remote, clone], clone);
  await gitCli(["config", "http.extraHeader", `Authorization: Bearer ${TOKEN}`], clone);
  return { remote, dir, deps, clone, bare: server.repoPath(name) };
}

async function tamper(clone: string, change: () => Promise<void>) {
  await change();
  await gitCli(["add", "-A"], clone);
  await gitCli(["commit", "--quiet", "-m", "tamper"], clone);
  await gitCli(["push", "--quiet", "origin", "intentops-evidence"], clone);
}

describe("evidence", () => {
  it("chains schema-valid records per intent and verifies them", async () => {
    const { remote, dir, deps, bare } = await chain("ev-ok");
    const records = await listEvidence({ dir, intentId: "analytics", remote }, deps);
    expect(records.map((r) => [r.seq, r.action])).toEqual([
      [1, "compile"],
      [2, "render"],
      [3, "deliver"],
    ]);
    expect(records[0]!.chain.prev).toBeNull();
    expect(records[1]!.chain.prev).toBe(records[0]!.chain.digest);
    expect(records[2]!.chain.prev).toBe(records[1]!.chain.digest);
    for (const r of records) expect(evidenceProblems(r)).toEqual([]);
    expect((await verifyEvidence({ dir, remote }, deps)).ok).toBe(true);
    // The delivery branch is untouched by evidence.
    await expect(gitCli(["rev-parse", "--verify", "main"], bare)).rejects.toThrow();
    await gitCli(["fsck", "--full", "--strict"], bare);
  });

  it("detects an edited record", async () => {
    const { remote, dir, deps, clone, bare } = await chain("ev-edit");
    const file = join(clone, "evidence/analytics/000002-render.json");
    await tamper(clone, async () =>
      writeFile(file, (await readFile(file, "utf8")).replace('"success"', '"failure"')),
    );
    const v = await verifyEvidence({ dir, intentId: "analytics", remote }, deps);
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => [p.kind, p.seq])).toEqual([["edited", 2]]);
    await gitCli(["fsck", "--full", "--strict"], bare);
  });

  it("detects a removed record, even the last one", async () => {
    const { remote, dir, deps, clone } = await chain("ev-remove");
    await tamper(clone, () => unlink(join(clone, "evidence/analytics/000003-deliver.json")));
    const v = await verifyEvidence({ dir, intentId: "analytics", remote }, deps);
    expect(v.problems.map((p) => [p.kind, p.seq])).toEqual([["removed", 3]]);
  });

  it("detects reordered and inserted records", async () => {
    const { remote, dir, deps, clone } = await chain("ev-reorder");
    const one = join(clone, "evidence/analytics/000001-compile.json");
    const two = join(clone, "evidence/analytics/000002-render.json");
    await tamper(clone, async () => {
      const [a, b] = [await readFile(one, "utf8"), await readFile(two, "utf8")];
      await writeFile(one, b);
      await writeFile(two, a);
      await writeFile(join(clone, "evidence/analytics/000004-verify.json"), a);
    });
    const v = await verifyEvidence({ dir, intentId: "analytics", remote }, deps);
    const kinds = v.problems.map((p) => `${p.kind}#${p.seq}`);
    expect(kinds).toContain("reordered#1");
    expect(kinds).toContain("reordered#2");
    expect(kinds).toContain("inserted#4");
  });

  it("never writes a secret from the environment or a site config into evidence", async () => {
    const remote = await server.createRepo("ev-secret");
    const dir = await tempDir();
    const deps = pinnedDeps({ credentials: bearer(TOKEN) });
    const env = { GIT_TOKEN: TOKEN, OS_PASSWORD: SITE_PASSWORD, HOME: "/home/x" };
    const siteConfig = {
      name: "edge1",
      auth: { url: `https://admin:${SITE_PASSWORD}@keystone.example/v3`, password: SITE_PASSWORD },
      note: `token is ${TOKEN}`,
    };
    await recordEvidence(
      {
        dir,
        remote,
        secrets: secretsFromEnv(env),
        input: {
          intentId: "analytics",
          action: "reconcile",
          sites: ["edge1"],
          trigger: { kind: "cli", detail: `GIT_TOKEN=${TOKEN}` },
          result: "failure",
          error: { code: "E_REMOTE", message: `401 for ${TOKEN}` },
          details: { site: siteConfig, env },
        },
      },
      deps,
    );
    const bare = server.repoPath("ev-secret");
    const blobs = await gitCli(["log", "-p", "--all", "--format=%B"], bare);
    expect(blobs).toContain("[REDACTED]");
    expect(blobs).not.toContain(TOKEN);
    expect(blobs).not.toContain(SITE_PASSWORD);
    const raw = await gitCli(["cat-file", "--batch-all-objects", "--batch"], bare);
    expect(raw.includes(TOKEN) || raw.includes(SITE_PASSWORD)).toBe(false);
    expect((await verifyEvidence({ dir, remote }, deps)).ok).toBe(true);
  });
});
