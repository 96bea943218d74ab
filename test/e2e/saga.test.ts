/**
 * The saga and delete paths on real components (two Go-built sites, Prometheus, a `git http-backend` remote):
 *
 *   site 2's apply fails (another field manager owns a field the revision changes)
 *       → Compensating: the delivery commit reverted on the remote, edge2 then edge1 restored → Failed
 *   compensation cannot restore site 2 (the other manager holds a third value)
 *       → CompensationFailed, surfaced in the journal and evidence; the conflict resolved, `retry` finishes it
 *   `intentops delete` → one removal commit on the remote, both sites emptied, per-site evidence → Deleted
 *
 * The failure on edge2 is a real one: `kubectl apply --server-side --force-conflicts` by another field manager
 * takes ownership of the `intentops.io/intent-digest` annotation of the ConfigMap; our apply (no force) then
 * meets a field conflict, exactly as it would beside another controller.
 */
import { spawn } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestBytes } from "../../compiler/digest.js";
import type { SloPolicyOverrides } from "../../functions/slo/deriveSloPolicy.js";
import { listEvidence } from "../../pipeline/evidence/listEvidence.js";
import { verifyEvidence } from "../../pipeline/evidence/verifyEvidence.js";
import { openRepo } from "../../pipeline/git/openRepo.js";
import { readInventory } from "../../pipeline/reconcile/inventory.js";
import { createKubeClient } from "../../pipeline/reconcile/kubeClient.js";
import { packagesAt } from "../../pipeline/reconcile/syncFromGit.js";
import { openPipeline, type Pipeline } from "../../pipeline/run/openPipeline.js";
import type { Phase, RunState } from "../../pipeline/run/runTypes.js";
import { ensureControlPlaneBinary } from "../support/controlPlane.js";
import { gitCli } from "../support/gitHttpServer.js";
import {
  gitLog,
  INTENT,
  type Loop,
  listLabelled,
  liveDigestAnnotation,
  rogueApply,
  SITES,
  snapshotIntent,
  startLoop,
} from "./helpers.js";

const root = resolve(import.meta.dirname, "..", "..");
const main = join(root, "dist", "pipeline", "cli", "main.js");
const SLO: SloPolicyOverrides = {
  windowSeconds: 16,
  intervalSeconds: 2,
  rateWindowSeconds: 8,
  forSeconds: 4,
  minSamples: 3,
};
const FILE = join("intents", `${INTENT}.json`);

let loop: Loop;
let remote: string;
let bare: string;
let repoDir: string;
let kubectl: string;
let stateDirs = 0;

beforeAll(async () => {
  kubectl = (await ensureControlPlaneBinary()).kubectl;
  loop = await startLoop("saga");
  remote = await loop.gitServer.createRepo("delivery");
  bare = loop.gitServer.repoPath("delivery");
  repoDir = join(loop.work, "delivery.git");
}, 600_000);

afterAll(async () => {
  await loop?.stop();
}, 120_000);

/** A new revision of the good intent (its description names the case), written to the work tree. */
async function writeRevision(label: string): Promise<string> {
  const intent = JSON.parse(await readFile(join(root, FILE), "utf8")) as { description: string };
  intent.description = `${intent.description} (saga case: ${label})`;
  const text = `${JSON.stringify(intent, null, 2)}\n`;
  await writeFile(join(loop.work, FILE), text);
  return text;
}

async function open(): Promise<{ pipeline: Pipeline; phases: Phase[] }> {
  const phases: Phase[] = [];
  const pipeline = await openPipeline({
    cwd: loop.work,
    sites: loop.sandbox.sitesFile,
    stateDir: `state-${++stateDirs}`,
    repo: { dir: repoDir, remote },
    git: loop.git,
    healthTimeoutMs: 60_000,
    slo: SLO,
    onTransition: (_run, _from, to) => phases.push(to),
  });
  return { pipeline, phases };
}

async function runRevision(label: string) {
  const text = await writeRevision(label);
  const { pipeline, phases } = await open();
  const submitted = await pipeline.runner.submit({
    intentId: INTENT,
    source: { file: FILE, digest: digestBytes(text) },
  });
  const run = await pipeline.runner.wait(submitted.runId);
  return { run, phases, pipeline };
}

const snapshots = async () =>
  Object.fromEntries(
    await Promise.all(
      SITES.map(async (site) => [site, await snapshotIntent(loop.sandbox.kubeconfigPath, site)]),
    ),
  );

async function evidenceOf(run: RunState) {
  const records = await listEvidence({ dir: repoDir, intentId: INTENT, remote }, loop.git);
  return records.filter((r) => r.trigger.detail === `run ${run.runId}`);
}

/** The built CLI in the work directory, against the loop's repository, remote and sites; JSON output. */
async function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      main,
      ...args,
      "--repo",
      repoDir,
      "--remote",
      remote,
      "--sites",
      loop.sandbox.sitesFile,
      "--state",
      `state-cli-${++stateDirs}`,
      "--window",
      "16",
      "--json",
    ],
    {
      cwd: loop.work,
      env: { ...process.env, KUBECONFIG: loop.sandbox.kubeconfigPath },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const code = await new Promise<number | null>((r) => child.on("close", r));
  return { code, stdout, stderr };
}

describe("compensation across sites, and delete, on real sites and a real Git remote", () => {
  let good: RunState;
  let before: Record<string, unknown>;

  it("delivers the first revision: Succeeded", async () => {
    const { run, pipeline } = await runRevision("first");
    await pipeline.runner.close();
    expect(run.phase, JSON.stringify({ error: run.error, verdict: run.data.verdict })).toBe("Succeeded");
    good = run;
    before = await snapshots();
  }, 240_000);

  it("site 2's apply fails → the commit is reverted, edge2 then edge1 restored → Failed (compensated)", async () => {
    await rogueApply(loop, kubectl, await liveDigestAnnotation(loop, kubectl)); // the value the first revision set: a restore agrees with it
    const { run, phases, pipeline } = await runRevision("edge2 conflict");
    await pipeline.runner.close();
    expect(phases).toEqual(["Compiling", "Rendering", "Delivering", "Reconciling", "Compensating", "Failed"]);
    expect(run.error).toMatchObject({ code: "E_UNHEALTHY", failedIn: "Delivering" });
    expect(run.error!.message).toContain("edge2/edge-analytics");
    expect(run.data.compensation).toMatchObject({
      cause: { code: "E_UNHEALTHY", failedIn: "Reconciling" },
      result: "compensated",
    });
    // restored last-touched first
    expect(Object.keys(run.data.compensation!.restored!)).toEqual(["edge2", "edge1"]);

    // the remote: the delivery commit, then exactly one revert of it, whose tree is the first revision's
    const log = await gitLog(bare);
    expect(log[1]!.sha).toBe(run.data.deliveryCommit);
    expect(log[0]!.sha).toBe(run.data.compensation!.revertCommit);
    expect(log[0]!.body).toContain(`This reverts commit ${run.data.deliveryCommit}.`);
    expect(
      log.filter((c) => c.body.includes(`This reverts commit ${run.data.deliveryCommit}.`)),
    ).toHaveLength(1);
    expect(await gitCli(["rev-parse", `${log[0]!.sha}^{tree}`], bare)).toBe(
      await gitCli(["rev-parse", `${good.data.deliveryCommit}^{tree}`], bare),
    );
    await gitCli(["fsck", "--full", "--strict"], bare);

    // both sites hold the first revision again (edge1 had applied the new one)
    expect(await snapshots()).toEqual(before);
    const records = await evidenceOf(run);
    expect(records.map((r) => r.action)).toEqual(["compile", "render", "deliver", "reconcile", "compensate"]);
    expect(records.at(-1)!.result).toBe("success");
  }, 240_000);

  it("compensation that cannot restore edge2 ends CompensationFailed, surfaced; retry finishes it once the conflict is gone", async () => {
    await rogueApply(loop, kubectl, "sha256:someone-else"); // neither the old nor the new value: the restore conflicts too
    const { run, phases, pipeline } = await runRevision("compensation blocked");
    try {
      expect(phases.slice(-2)).toEqual(["Compensating", "CompensationFailed"]);
      expect(run.error).toMatchObject({ code: "E_COMPENSATION", failedIn: "Compensating" });
      expect(run.data.compensation?.result).toBe("failed");
      expect(run.data.compensation?.restored).toMatchObject({
        edge2: { healthy: false },
        edge1: { healthy: true },
      });
      const records = await evidenceOf(run);
      expect(records.at(-1)).toMatchObject({ action: "compensate", result: "failure" });
      expect(records.at(-1)!.error?.message).toContain("edge2/edge-analytics");

      // the other manager lets go; retry re-enters Compensating, restores edge2, and the run ends compensated
      await rogueApply(loop, kubectl, null);
      const retried = await pipeline.runner.retry(run.runId);
      expect(retried.phase).toBe("Failed");
      expect(retried.data.compensation?.result).toBe("compensated");
      expect(await snapshots()).toEqual(before);
      const log = await gitLog(bare);
      expect(
        log.filter((c) => c.body.includes(`This reverts commit ${run.data.deliveryCommit}.`)),
      ).toHaveLength(1);
    } finally {
      await pipeline.runner.close();
    }
  }, 300_000);

  it("intentops delete removes the intent from both sites through one commit: Deleted, exit 0", async () => {
    const { code, stdout, stderr } = await cli(["delete", INTENT]);
    expect(code, stderr).toBe(0);
    const [run] = (JSON.parse(stdout) as { runs: RunState[] }).runs;
    expect(run?.phase).toBe("Deleted");
    expect(run?.data.deleted).toEqual({
      edge1: { pruned: expect.any(Number), ok: true },
      edge2: { pruned: expect.any(Number), ok: true },
    });

    const log = await gitLog(bare);
    expect(log[0]!.subject).toBe(`intent ${INTENT}: delete from edge1, edge2`);
    expect(log[0]!.body).toContain("Intent-Action: delete");
    const files = (await gitCli(["ls-tree", "-r", "--name-only", "main"], bare)).split("\n");
    expect(files.filter((f) => f === FILE || f.split("/")[2] === INTENT)).toEqual([]);

    const repo = await openRepo({ fs: loop.git.fs, dir: repoDir, init: false });
    for (const site of SITES) {
      // every kind the intent had on the site, listed by its inventory label across all namespaces
      const [pkg] = (await packagesAt(repo, good.data.deliveryCommit!, site)).filter(
        (p) => p.intentId === INTENT,
      );
      expect(pkg!.objects.length).toBeGreaterThan(3);
      expect(await listLabelled(loop.sandbox.kubeconfigPath, site, pkg!.objects)).toEqual([]);
      const kube = await createKubeClient({ kubeconfig: loop.sandbox.kubeconfigPath, context: site });
      try {
        expect(await readInventory(kube, INTENT)).toBeNull();
      } finally {
        kube.close();
      }
    }
    const records = await evidenceOf(run!);
    expect(records.map((r) => [r.action, r.actions[0]?.sites, r.result])).toEqual([
      ["delete", ["edge1"], "success"],
      ["delete", ["edge2"], "success"],
    ]);
    const chain = await verifyEvidence({ dir: repoDir, intentId: INTENT, remote }, loop.git);
    expect(chain.problems).toEqual([]);
  }, 240_000);

  it("intentops run --prune deletes an intent whose file was removed from intents/", async () => {
    await writeRevision("first");
    const delivered = await cli(["run", FILE]);
    expect(delivered.code, delivered.stderr).toBe(0);
    await rm(join(loop.work, FILE));
    const pruned = await cli(["run", "--prune", "intents"]);
    expect(pruned.code, pruned.stderr).toBe(0);
    const [run] = (JSON.parse(pruned.stdout) as { runs: RunState[] }).runs;
    expect(run).toMatchObject({ intentId: INTENT, operation: "delete", phase: "Deleted" });
    expect((await gitLog(bare))[0]!.body).toContain("Intent-Action: delete");
  }, 240_000);

  it("a first revision that breaches is reverted to nothing: RolledBack, no object of it left on either site", async () => {
    // The intent is gone from both sites (the case above); its regressing revision is now its first one.
    const regression = JSON.parse(
      await readFile(join(root, "intents", "revisions", `${INTENT}.v3-regression.json`), "utf8"),
    ) as { description: string };
    regression.description = `${regression.description} (saga case: first revision breaches)`;
    const text = `${JSON.stringify(regression, null, 2)}\n`;
    await writeFile(join(loop.work, FILE), text);
    const { pipeline, phases } = await open();
    const submitted = await pipeline.runner.submit({
      intentId: INTENT,
      source: { file: FILE, digest: digestBytes(text) },
    });
    const run = await pipeline.runner.wait(submitted.runId);
    expect(run.error).toBeUndefined();
    expect(phases.slice(-3)).toEqual(["Verifying", "RollingBack", "RolledBack"]);
    expect(run.data.restoredVerdict?.reasons.join("\n")).toMatch(/first revision/);

    const log = await gitLog(bare);
    expect(log[0]!.sha).toBe(run.data.revertCommit);
    expect(log[0]!.body).toContain(`This reverts commit ${run.data.deliveryCommit}.`);
    const files = (await gitCli(["ls-tree", "-r", "--name-only", "main"], bare)).split("\n");
    expect(files.filter((f) => f.split("/")[0] === "rendered" && f.split("/")[2] === INTENT)).toEqual([]);

    const repo = await openRepo({ fs: loop.git.fs, dir: repoDir, init: false });
    for (const site of SITES) {
      const [pkg] = (await packagesAt(repo, run.data.deliveryCommit!, site)).filter(
        (p) => p.intentId === INTENT,
      );
      expect(pkg!.objects.length).toBeGreaterThan(3);
      expect(await listLabelled(loop.sandbox.kubeconfigPath, site, pkg!.objects)).toEqual([]);
    }
    await pipeline.runner.close();
  }, 300_000);
});
