/**
 * The closed loop end to end, on the demo's real components (two Go-built sites, Prometheus, the workload
 * simulator) and a real smart-HTTP Git remote (`git http-backend`):
 *
 *   good revision                         → Succeeded
 *   regressing revision (1.5.0)           → SLO breach → git revert on the remote → RolledBack, with the
 *                                           sites' objects exactly as before the revision
 *   Prometheus gone during Verifying      → inconclusive → the policy: `fail` → Failed; `rollback` → the revert
 *                                           is applied, but the restored revision cannot be verified either →
 *                                           RollbackFailed; never Succeeded, never a RolledBack that was not shown
 *   every run                             → an evidence chain that verifies, with what each decision was taken on
 *   the SLO data                          → from the kube-state-metrics stand-in, kwok's kubelet metrics and
 *                                           the simulator's pods found through the rendered ServiceMonitor;
 *                                           the simulator's own series carry no identity label
 *   a Deployment applied by hand (kubectl, standard labels only) → its data is found: good → pass, slow → breach
 *   a CPU breach with headroom (1.6.0)    → scale: a new revision with more replicas through Git, applied,
 *                                           kube-state-metrics shows the new count, the next verification passes
 *
 * Needs the build (`tsc -p tsconfig.json`: the simulator runs from dist/), the cached control plane and
 * Debian's prometheus and git.
 */
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestBytes } from "../../compiler/digest.js";
import type { SloPolicyOverrides } from "../../functions/slo/deriveSloPolicy.js";
import type { EvidenceRecord } from "../../pipeline/evidence/evidenceRecord.js";
import { listEvidence } from "../../pipeline/evidence/listEvidence.js";
import { verifyEvidence } from "../../pipeline/evidence/verifyEvidence.js";
import { openPipeline } from "../../pipeline/run/openPipeline.js";
import type { Phase, RunState } from "../../pipeline/run/runTypes.js";
import { queryInstant } from "../../pipeline/verify/queryInstant.js";
import { gitCli } from "../support/gitHttpServer.js";
import { expectRealExporters, verifyHandApplied } from "./exporters.js";
import { gitLog, INTENT, type Loop, SITES, snapshotIntent, startLoop } from "./helpers.js";

const root = resolve(import.meta.dirname, "..", "..");
const GOOD = join(root, "intents", "edge-analytics.json");
const SCALE = join(root, "intents", "revisions", "edge-analytics.v2-scale.json");
const BAD = join(root, "intents", "revisions", "edge-analytics.v3-regression.json");

/** Short, but long enough for the new revision's series to hold `minSamples` evaluations. */
const SLO: SloPolicyOverrides = {
  windowSeconds: 16,
  intervalSeconds: 2,
  rateWindowSeconds: 8,
  forSeconds: 4,
  minSamples: 3,
};

/** With Prometheus gone no window is long enough; a short one keeps the file fast. */
const DEAD_PROMETHEUS_SLO: SloPolicyOverrides = { windowSeconds: 6, forSeconds: 2, minSamples: 2 };

let loop: Loop;
let remote: string;
let bare: string;
let repoDir: string;
let runs = 0;

beforeAll(async () => {
  loop = await startLoop("e2e");
  remote = await loop.gitServer.createRepo("delivery");
  bare = loop.gitServer.repoPath("delivery");
  repoDir = join(loop.work, "delivery.git");
}, 600_000);

afterAll(async () => {
  await loop?.stop();
}, 120_000);

/** Runs one revision through a pipeline of its own (own journal), as `intentops run` would. */
async function runRevision(
  source: string,
  options: {
    slo?: SloPolicyOverrides;
    onTransition?: (to: Phase) => void;
    /** The intent's text instead of the file's (written to the work directory). */
    text?: string;
    /** Also wait for the runs this one starts (a scale action's next revision). */
    followUps?: (runs: RunState[]) => void;
  } = {},
): Promise<{ run: RunState; phases: Phase[] }> {
  const file = join("intents", `${INTENT}.json`);
  if (options.text !== undefined) await writeFile(join(loop.work, file), options.text);
  else await copyFile(source, join(loop.work, file));
  const text = await readFile(join(loop.work, file), "utf8");
  const phases: Phase[] = [];
  const pipeline = await openPipeline({
    cwd: loop.work,
    sites: loop.sandbox.sitesFile,
    stateDir: `state-${++runs}`,
    repo: { dir: repoDir, remote },
    git: loop.git,
    healthTimeoutMs: 60_000,
    slo: { ...SLO, ...options.slo },
    onTransition: (_run, _from, to) => {
      phases.push(to);
      options.onTransition?.(to);
    },
  });
  try {
    const submitted = await pipeline.runner.submit({
      intentId: INTENT,
      source: { file, digest: digestBytes(text) },
    });
    const run = await pipeline.runner.wait(submitted.runId);
    if (options.followUps) {
      await pipeline.runner.idle();
      options.followUps(pipeline.runner.runs().filter((r) => r.runId !== run.runId));
    }
    return { run, phases };
  } finally {
    await pipeline.runner.close();
  }
}

async function evidenceOf(run: RunState): Promise<EvidenceRecord[]> {
  const records = await listEvidence({ dir: repoDir, intentId: INTENT, remote }, loop.git);
  return records.filter((r) => r.trigger.detail === `run ${run.runId}`);
}

const snapshots = () =>
  Promise.all(SITES.map((site) => snapshotIntent(loop.sandbox.kubeconfigPath, site))).then((s) =>
    Object.fromEntries(SITES.map((site, i) => [site, s[i]])),
  );

interface TargetEvidence {
  targetId: string;
  promql: string;
  comparison: string;
  threshold: number | [number, number];
  samples: Array<{ at: string; raw?: string; note?: string }>;
}
type SiteEvidence = { decision: { decision: string; reasons: string[] }; targets: TargetEvidence[] };

/** The verify record holds the PromQL, samples, thresholds, decision and reasons of every site. */
function expectVerifyEvidence(record: EvidenceRecord, decision: string, withRawSamples: boolean) {
  const details = record.details as {
    verdict: { decision: string; reasons: string[] };
    slo: Record<string, SiteEvidence>;
  };
  expect(details.verdict.decision).toBe(decision);
  expect(details.verdict.reasons.length).toBeGreaterThan(0);
  expect(record.durations.totalMs).toBeGreaterThan(0);
  expect(Object.keys(details.slo).sort()).toEqual([...SITES]);
  for (const site of SITES) {
    const slo = details.slo[site]!;
    expect(slo.decision.decision).toBe(decision);
    expect(slo.targets.map((t) => t.targetId)).toContain("analytics-slo/p95Latency");
    for (const target of slo.targets) {
      expect(target.promql).toMatch(/\S/);
      expect(target.comparison).toMatch(/\S/);
      expect(target.threshold).toBeDefined();
      expect(target.samples.length).toBeGreaterThan(0);
    }
    const p95 = slo.targets.find((t) => t.targetId === "analytics-slo/p95Latency")!;
    if (withRawSamples) expect(p95.samples.some((s) => s.raw !== undefined)).toBe(true);
    else expect(p95.samples.every((s) => s.raw === undefined && s.note !== undefined)).toBe(true);
  }
}

/**
 * The breach was measured on the three real sources, narrowed to `revision`: the application's histogram
 * (ServiceMonitor targets), kwok's kubelet CPU counter and kube-state-metrics' readiness, each joined to the
 * revision's pods through kube_pod_labels — and each gave values (the simulator has no identity label, so
 * only the joins can have matched its series).
 */
function expectSourcesInEvidence(record: EvidenceRecord, revision: string) {
  const slo = (record.details as { slo: Record<string, SiteEvidence> }).slo;
  for (const site of SITES) {
    const sources: Record<string, string> = {
      "analytics-slo/p95Latency": "http_request_duration_seconds_bucket{",
      "analytics-slo/cpuUtilization": "container_cpu_usage_seconds_total{",
      "analytics-slo/podsReady": "kube_pod_status_ready{",
    };
    for (const [targetId, metric] of Object.entries(sources)) {
      const target = slo[site]!.targets.find((t) => t.targetId === targetId);
      expect(target, `${site} ${targetId}`).toBeDefined();
      expect(target!.promql).toContain(metric);
      expect(target!.promql).toContain(`label_intentops_io_revision="${revision}"`);
      expect(target!.promql).not.toMatch(/[{,]revision=/);
      expect(target!.samples.some((s) => s.raw !== undefined && Number.isFinite(Number(s.raw)))).toBe(true);
    }
  }
}

function expectRollbackEvidence(record: EvidenceRecord, run: RunState, result = "rolled-back") {
  const revert = run.data.revertCommit!;
  expect(record.commit).toBe(revert);
  expect(record.restored_version).toBe(revert);
  expect(record.result).toBe(result);
  expect(record.details?.["restored"]).toEqual(Object.fromEntries(SITES.map((s) => [s, revert])));
  for (const key of ["totalMs", "revertMs", "restoreMs", "verifyAfterMs"]) {
    expect(record.durations[key], key).toBeGreaterThanOrEqual(0);
  }
  expect(record.durations.restoreMs!).toBeGreaterThanOrEqual(record.durations.revertMs!);
  expect(record.details?.["verifyAfter"]).toBeDefined();
}

describe("the closed loop on two real sites, Prometheus and a real Git remote", () => {
  let beforeRevision: Record<string, unknown>;
  let goodRun: RunState;

  it("delivers a good revision to both sites and verifies it: Succeeded", async () => {
    const { run, phases } = await runRevision(GOOD);
    goodRun = run;
    expect(run.error).toBeUndefined();
    expect(phases).toEqual(["Compiling", "Rendering", "Delivering", "Reconciling", "Verifying", "Succeeded"]);
    expect(run.data.verdict?.decision).toBe("pass");
    expect(run.data.reconciled).toEqual(
      Object.fromEntries(SITES.map((s) => [s, { commit: run.data.deliveryHead, healthy: true, pruned: 0 }])),
    );
    // The delivery commit is on the remote's main (read with the real git CLI).
    expect((await gitCli(["rev-parse", "main"], bare)).trim()).toBe(run.data.deliveryCommit);
    const records = await evidenceOf(run);
    expect(records.map((r) => r.action)).toEqual(["compile", "render", "deliver", "reconcile", "verify"]);
    expectVerifyEvidence(records.at(-1)!, "pass", true);
    expectSourcesInEvidence(records.at(-1)!, "1");
    beforeRevision = await snapshots();
    for (const site of SITES) expect(Object.keys(beforeRevision[site] as object).length).toBeGreaterThan(3);
    // What the decision was taken on came from the real exporters' shapes, not from labels of our own.
    await expectRealExporters(loop.sandbox, "1");
  }, 180_000);

  it("rolls a regressing revision back with a revert commit on the remote, restoring the sites exactly", async () => {
    expect(goodRun?.phase).toBe("Succeeded");
    const { run, phases } = await runRevision(BAD);
    expect(run.error).toBeUndefined();
    expect(phases.slice(-2)).toEqual(["RollingBack", "RolledBack"]);
    expect(run.data.verdict).toMatchObject({ decision: "breach", action: "rollback" });
    expect(run.data.verdict!.reasons.join("\n")).toMatch(/p95Latency/);

    // (a) the intent's objects on both sites are what they were before the revision
    expect(await snapshots()).toEqual(beforeRevision);

    // (b) the revert commit is the remote's main, with git's own revert message, and the remote is sound
    const log = await gitLog(bare);
    const revert = run.data.revertCommit!;
    expect(log[0]!.sha).toBe(revert);
    expect(log[0]!.subject).toMatch(/^Revert "/);
    expect(log[0]!.body).toContain(`This reverts commit ${run.data.deliveryCommit}.`);
    expect(log[1]!.sha).toBe(run.data.deliveryCommit);
    expect(log.filter((c) => c.sha === revert)).toHaveLength(1);
    await gitCli(["fsck", "--full", "--strict"], bare);
    // The revert restores the good revision's tree.
    expect(await gitCli(["rev-parse", `${revert}^{tree}`], bare)).toBe(
      await gitCli(["rev-parse", `${goodRun.data.deliveryCommit}^{tree}`], bare),
    );

    // evidence: the breach (PromQL, raw samples, thresholds, decision, reasons) and the rollback
    // Two rollback records: the revert's own (what was reverted and why) and the step's (restore, verify after).
    const records = await evidenceOf(run);
    expect(records.map((r) => r.action)).toEqual([
      "compile",
      "render",
      "deliver",
      "reconcile",
      "verify",
      "rollback",
      "rollback",
    ]);
    expectVerifyEvidence(records[4]!, "breach", true);
    expectSourcesInEvidence(records[4]!, "3");
    expect(records[5]!.commit).toBe(run.data.revertCommit);
    expect(JSON.stringify(records[5]!.details)).toContain("p95Latency");
    expectRollbackEvidence(records[6]!, run);
    expect(records[6]!.details?.["verifyAfter"]).toMatchObject({ decision: "pass" });
  }, 240_000);

  it("verifies a Deployment applied by hand with kubectl (standard labels only): good → pass, slow → breach", async () => {
    const { good, slow } = await verifyHandApplied(loop.sandbox, SLO);
    expect(good.decision.overall.decision).toBe("pass");
    expect(good.decision.targets.every((t) => t.status === "pass" && t.samples >= 3)).toBe(true);
    expect(slow.decision.overall).toMatchObject({ decision: "breach", action: "rollback" });
    expect(slow.decision.targets.find((t) => t.name === "p95Latency")?.status).toBe("breach");
  }, 240_000);

  it("scales out on a CPU breach with headroom: a new revision through Git, more replicas, then a pass", async () => {
    // Revision 4: version 1.6.0 needs 0.027 CPU s per request — 3 pods at their 500m limit run at ~108 %.
    const text = (await readFile(GOOD, "utf8"))
      .replace('"version": "1"', '"version": "4"')
      .replace('"io:appVersion": "1.4.0"', '"io:appVersion": "1.6.0"')
      .replace("analytics:1.4.0", "analytics:1.6.0");
    let followUps: RunState[] = [];
    const { run } = await runRevision(GOOD, { text, followUps: (runs) => (followUps = runs) });
    expect(run.error).toBeUndefined();
    // The breaching run ends Scaled (applied; its replica target raised in a new revision, run next).
    expect(run.phase).toBe("Scaled");
    expect(run.data.verdict).toMatchObject({ decision: "breach", action: "scale" });
    expect(run.data.verdict!.reasons.join("\n")).toMatch(/cpuUtilization/);
    expect(run.data.scaledSource).toMatchObject({ from: 3, to: 5 });
    // The scaled revision ran as the next run: delivered through Git, applied, verified — and passed.
    expect(followUps).toHaveLength(1);
    const scaled = followUps[0]!;
    expect(scaled.phase).toBe("Succeeded");
    expect(scaled.data.verdict?.decision).toBe("pass");
    expect((await gitCli(["rev-parse", "main"], bare)).trim()).toBe(scaled.data.deliveryCommit);
    // kube-state-metrics (the stand-in, through Prometheus) shows the new replica count on both sites.
    for (const site of SITES) {
      const series = await queryInstant({
        baseUrl: loop.sandbox.prometheus.url,
        promql: `kube_deployment_spec_replicas{site="${site}",namespace="edge-analytics",deployment="analytics"}`,
        fetch,
      });
      expect(series.map((s) => s.value[1])).toEqual(["5"]);
    }
  }, 360_000);

  // Prometheus is killed (SIGKILL: it does not answer one more query) the moment a run enters Verifying;
  // it stays down for the rest of the file, so these cases come last.
  const killPrometheusAtVerifying = (to: Phase) => {
    if (to !== "Verifying") return;
    const { prometheus } = loop.sandbox;
    if (prometheus.running()) process.kill(prometheus.pid, "SIGKILL");
  };

  it("fails (never succeeds) when Prometheus is gone during Verifying and the policy says fail", async () => {
    const { run, phases } = await runRevision(SCALE, {
      slo: { ...DEAD_PROMETHEUS_SLO, onInconclusive: "fail" },
      onTransition: killPrometheusAtVerifying,
    });
    expect(phases).not.toContain("Succeeded");
    expect(run.phase).toBe("Failed");
    expect(run.error).toMatchObject({ code: "E_SLO", failedIn: "Verifying" });
    expect(run.data.verdict).toMatchObject({ decision: "inconclusive", action: "fail" });
    const records = await evidenceOf(run);
    expect(records.at(-1)!.action).toBe("verify");
    expect(records.at(-1)!.result).toBe("inconclusive");
    expectVerifyEvidence(records.at(-1)!, "inconclusive", false);
  }, 180_000);

  it("reverts but ends RollbackFailed (never succeeds) when Prometheus is gone under the default policy", async () => {
    const before = await snapshots(); // the scale revision the previous case left in place
    const { run, phases } = await runRevision(GOOD, {
      slo: DEAD_PROMETHEUS_SLO,
      onTransition: killPrometheusAtVerifying,
    });
    expect(phases).not.toContain("Succeeded");
    expect(phases.slice(-2)).toEqual(["RollingBack", "RollbackFailed"]);
    expect(run.error).toMatchObject({ code: "E_ROLLBACK_SLO", failedIn: "RollingBack" });
    expect(run.data.verdict).toMatchObject({ decision: "inconclusive", action: "rollback" });
    expect(run.data.restoredVerdict?.decision).toBe("inconclusive");
    // the sites were restored all the same: only the verification of the restored revision is missing
    expect(await snapshots()).toEqual(before);
    const log = await gitLog(bare);
    expect(log[0]!.sha).toBe(run.data.revertCommit);
    expect(log[0]!.body).toContain(`This reverts commit ${run.data.deliveryCommit}.`);
    await gitCli(["fsck", "--full", "--strict"], bare);
    const records = await evidenceOf(run);
    expect(records.map((r) => r.action).slice(-3)).toEqual(["verify", "rollback", "rollback"]);
    expectVerifyEvidence(records.at(-3)!, "inconclusive", false);
    expectRollbackEvidence(records.at(-1)!, run, "failure");
    expect(records.at(-1)!.error?.code).toBe("E_ROLLBACK_SLO");
  }, 180_000);

  it("leaves an evidence chain that verifies, locally and as fetched from the remote", async () => {
    const local = await verifyEvidence({ dir: repoDir, intentId: INTENT }, loop.git);
    expect(local.problems).toEqual([]);
    expect(local.ok).toBe(true);
    const fetched = await verifyEvidence({ dir: repoDir, intentId: INTENT, remote }, loop.git);
    expect(fetched.ok).toBe(true);
    // good, regression (+ its two rollback records), CPU breach → scale, the scaled revision, then the two
    // runs without Prometheus
    expect(fetched.intents[0]!.records).toBe(5 + 7 + 5 + 5 + 5 + 7);
    await gitCli(["fsck", "--full", "--strict"], bare);
  }, 60_000);
});
