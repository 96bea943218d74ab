/**
 * Benchmark: the closed loop's two latencies on two real sites (the demo's sandbox: Go-built clusters,
 * Prometheus, the workload simulator) with a real smart-HTTP Git remote (`git http-backend`):
 *
 *   (a) submitted → healthy: from `runner.submit` to the end of Reconciling (Reconciling → Verifying),
 *       i.e. compiled, rendered, committed and pushed, applied to both sites and both healthy; the SLO
 *       window is not part of it. The run's evidence is recorded locally and pushed in one batch (before
 *       delivery and at the end), not record by record.                                   target ≤ 1.5 s
 *   (b) breach → restored: from the Verifying → RollingBack transition to both sites restored and healthy
 *       (the rollback evidence's `durations.restoreMs`: revert pushed, applied, health).     target ≤ 1 s
 *
 * Each iteration submits a new revision of the regressing intent (1.5.0; its description names the
 * iteration, so it is a new revision and not the quarantined one): a real rollout on both sites, a breach,
 * a revert and a rollout back to 1.4.0. Per-phase timings and the load average are printed with the
 * median/min/max.
 *
 * Run:  npx tsc -p tsconfig.json && npx vitest bench --run test/bench/closedLoop.bench.ts
 *       (ITERATIONS=5 to change the number of iterations; default 4)
 */
import { readFile, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, bench, describe } from "vitest";
import { digestBytes } from "../../compiler/digest.js";
import { listEvidence } from "../../pipeline/evidence/listEvidence.js";
import { openPipeline } from "../../pipeline/run/openPipeline.js";
import type { Phase } from "../../pipeline/run/runTypes.js";
import { INTENT, type Loop, startLoop } from "../e2e/helpers.js";

const root = resolve(import.meta.dirname, "..", "..");
const ITERATIONS = Number(process.env["ITERATIONS"] ?? 4);

let loop: Loop;
let remote: string;
const rows: Array<Record<string, number>> = [];
const loads: number[][] = [];

beforeAll(async () => {
  loop = await startLoop("bench");
  remote = await loop.gitServer.createRepo("delivery");
}, 600_000);

afterAll(async () => {
  await loop?.stop();
  const stats = (key: string) => {
    const values = rows.map((r) => r[key]).filter((v): v is number => v !== undefined);
    const sorted = [...values].sort((a, b) => a - b);
    const median =
      sorted.length % 2
        ? sorted[(sorted.length - 1) / 2]!
        : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    return { median, min: sorted[0]!, max: sorted.at(-1)! };
  };
  const table: Record<string, { median: number; min: number; max: number }> = {};
  for (const key of Object.keys(rows[0] ?? {})) table[key] = stats(key);
  console.log(`\nclosed loop on two sites, ${rows.length} iterations (ms; targets: (a) ≤ 1500, (b) ≤ 1000)`);
  console.table(table);
  console.log("per iteration:");
  console.table(rows);
  console.log(
    `load average during the iterations (1/5/15 min): ${loads.map((l) => l.map((x) => x.toFixed(2)).join("/")).join(", ")} on ${
      (await import("node:os")).cpus().length
    } cores`,
  );
}, 120_000);

async function iteration(i: number, first: boolean): Promise<void> {
  const source = first
    ? join(root, "intents", `${INTENT}.json`)
    : join(root, "intents", "revisions", `${INTENT}.v3-regression.json`);
  const intent = JSON.parse(await readFile(source, "utf8")) as { description: string };
  if (!first) intent.description = `${intent.description} (benchmark iteration ${i})`;
  const file = join("intents", `${INTENT}.json`);
  const text = `${JSON.stringify(intent, null, 2)}\n`;
  await writeFile(join(loop.work, file), text);

  const at: Partial<Record<string, number>> = {};
  const pipeline = await openPipeline({
    cwd: loop.work,
    sites: loop.sandbox.sitesFile,
    stateDir: `state-${i}`,
    repo: { dir: join(loop.work, "delivery.git"), remote },
    git: loop.git,
    healthTimeoutMs: 60_000,
    slo: { windowSeconds: 16, intervalSeconds: 2, rateWindowSeconds: 8, forSeconds: 4, minSamples: 3 },
    onTransition: (_run, from: Phase, to: Phase) => {
      at[`${from}→${to}`] = performance.now();
    },
  });
  try {
    const t0 = performance.now();
    const submitted = await pipeline.runner.submit({
      intentId: INTENT,
      source: { file, digest: digestBytes(text) },
    });
    const run = await pipeline.runner.wait(submitted.runId);
    const expected = first ? "Succeeded" : "RolledBack";
    if (run.phase !== expected) {
      throw new Error(`iteration ${i}: ${run.phase}, expected ${expected}: ${JSON.stringify(run.error)}`);
    }
    const ms = (a: number | undefined, b: number | undefined) =>
      a !== undefined && b !== undefined ? Math.round(b - a) : Number.NaN;
    const records = (
      await listEvidence({ dir: join(loop.work, "delivery.git"), intentId: INTENT }, loop.git)
    ).filter((r) => r.trigger.detail === `run ${run.runId}`);
    const evidence = (action: string) => records.filter((r) => r.action === action).at(-1);
    const row: Record<string, number> = {
      "(a) submit→healthy": ms(t0, at["Reconciling→Verifying"]),
      compile: ms(at["Pending→Compiling"], at["Compiling→Rendering"]),
      render: ms(at["Compiling→Rendering"], at["Rendering→Delivering"]),
      "deliver+push": ms(at["Rendering→Delivering"], at["Delivering→Reconciling"]),
      "reconcile 2 sites": ms(at["Delivering→Reconciling"], at["Reconciling→Verifying"]),
      "reconcile (evidence)": evidence("reconcile")?.durations.totalMs ?? Number.NaN,
    };
    if (!first) {
      const rollback = records.find((r) => r.action === "rollback" && r.durations["restoreMs"] !== undefined);
      row["(b) breach→restored"] = rollback?.durations["restoreMs"] ?? Number.NaN;
      row.revert = rollback?.durations["revertMs"] ?? Number.NaN;
      row["verify after"] = rollback?.durations["verifyAfterMs"] ?? Number.NaN;
      row["verify (to breach)"] = ms(at["Reconciling→Verifying"], at["Verifying→RollingBack"]);
      row["rollback phase"] = ms(at["Verifying→RollingBack"], at["RollingBack→RolledBack"]);
      rows.push(row);
    } else {
      console.log(`first delivery (creates every object): ${JSON.stringify(row)}`);
    }
    loads.push(loadavg());
  } finally {
    await pipeline.runner.close();
  }
}

describe("closed loop latencies on two sites", () => {
  bench(
    "submit → healthy, breach → restored",
    async () => {
      await iteration(0, true);
      for (let i = 1; i <= ITERATIONS; i++) await iteration(i, false);
    },
    { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 },
  );
});
