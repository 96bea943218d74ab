/**
 * Benchmark: one verification round — every SLO target's instant query of `edge-analytics` on edge1,
 * evaluated together as `verifySlo` does at each interval — on the sandbox (two sites, kube-state-metrics
 * stand-in, kwok's kubelet metrics, the simulator's pods discovered through the rendered ServiceMonitor),
 * next to Prometheus' own client `promtool query instant` running the same queries. Median over ROUNDS
 * (default 10); the load average is printed with it.
 *
 * Run:  npx tsc -p tsconfig.json && npx vitest bench --run test/bench/sloRound.bench.ts
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { afterAll, beforeAll, bench, describe } from "vitest";
import { parse } from "yaml";
import type { KrmObject } from "../../functions/runtime/types.js";
import { buildQueries } from "../../functions/slo/buildQueries.js";
import { deriveSloPolicy } from "../../functions/slo/deriveSloPolicy.js";
import { readSloIdentity } from "../../functions/slo/readSloIdentity.js";
import type { SloQuery } from "../../functions/slo/types.js";
import { reconcileSite } from "../../pipeline/reconcile/reconcileSite.js";
import { queryInstant } from "../../pipeline/verify/queryInstant.js";
import { type Loop, startLoop } from "../e2e/helpers.js";
import { compiledExample, ROOT } from "../slo/helpers.js";
import { waitForValue } from "../verify/helpers.js";

const ROUNDS = Number(process.env["ROUNDS"] ?? 10);
const run = promisify(execFile);
let loop: Loop;
let queries: SloQuery[];
const ours: number[] = [];
const promtool: number[] = [];
const errors: string[] = [];

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

beforeAll(async () => {
  loop = await startLoop("slo-round");
  const dir = join(ROOT, "rendered", "edge1", "edge-analytics");
  const { readdir } = await import("node:fs/promises");
  const objects: KrmObject[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(".yaml")).sort()) {
    objects.push(parse(await readFile(join(dir, file), "utf8")) as KrmObject);
  }
  const cluster = loop.sandbox.clusters.clusters[0]!;
  await reconcileSite(
    {
      site: {
        id: "edge1",
        kind: "kubernetes",
        kubernetes: { context: cluster.context, kubeconfig: cluster.kubeconfigPath },
      },
      packages: [{ intentId: "edge-analytics", objects }],
      healthTimeoutMs: 120_000,
    },
    {},
  );
  await loop.sandbox.syncServiceMonitors();
  const compiled = compiledExample("edge-analytics");
  queries = buildQueries(deriveSloPolicy(compiled, "edge1"), readSloIdentity(compiled, "edge1"));
  await Promise.all(queries.map((q) => waitForValue(loop.sandbox.prometheus.url, q.promql, 180_000)));
}, 900_000);

afterAll(async () => {
  await loop?.stop();
  console.log(
    `\none verification round: ${queries?.length ?? 0} instant queries together, ${ROUNDS} rounds (ms)`,
  );
  console.table({
    "intentops (verifySlo's round: queryInstant × targets)": {
      rounds: ours.length,
      median: median(ours),
      min: Math.min(...ours),
      max: Math.max(...ours),
    },
    "promtool query instant × targets": {
      rounds: promtool.length,
      median: median(promtool),
      min: Math.min(...promtool),
      max: Math.max(...promtool),
    },
  });
  for (const e of errors) console.log(`NOT MEASURED: ${e}`);
  console.log(
    `load average: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
}, 120_000);

describe("one SLO verification round on the sandbox", () => {
  bench(
    "rounds",
    async () => {
      // vitest may call a bench function more than once (warm-up); the table is exactly ROUNDS rounds.
      if (ours.length + promtool.length > 0) return;
      for (let i = 0; i < ROUNDS; i++) {
        const at = new Date();
        let t = performance.now();
        const values = await Promise.all(
          queries.map((q) =>
            queryInstant({
              baseUrl: loop.sandbox.prometheus.url,
              promql: q.promql,
              time: at,
              timeoutMs: 60_000,
              fetch,
            }),
          ),
        );
        const elapsed = performance.now() - t;
        const empty = queries.filter((_, j) => values[j]!.length !== 1).map((q) => q.targetId);
        // A round that did not measure every target is not a round: reported, not counted.
        if (empty.length) errors.push(`round ${i + 1}: no single series for ${empty.join(", ")}`);
        else ours.push(elapsed);
        t = performance.now();
        const answers = await Promise.allSettled(
          queries.map((q) =>
            run("promtool", [
              "query",
              "instant",
              `--time=${at.toISOString()}`,
              loop.sandbox.prometheus.url,
              q.promql,
            ]),
          ),
        );
        const failed = answers.flatMap((a) =>
          a.status === "rejected" ? [String(a.reason).slice(0, 300)] : [],
        );
        if (failed.length) errors.push(`round ${i + 1}: promtool: ${failed.join("; ")}`);
        else promtool.push(performance.now() - t);
      }
      if (errors.length) throw new Error(`rounds not measured:\n${errors.join("\n")}`);
    },
    { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 },
  );
});
