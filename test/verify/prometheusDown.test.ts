/**
 * Prometheus stops in the middle of a verification window: the samples after that are errors, and the
 * decision is inconclusive → the policy's action (default rollback), never a pass, although every value
 * seen before was good. Its own Prometheus, since this test kills it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildQueries } from "../../functions/slo/buildQueries.js";
import { deriveSloPolicy } from "../../functions/slo/deriveSloPolicy.js";
import { type PrometheusServer, startPrometheus } from "../../pipeline/sandbox/startPrometheus.js";
import { verifySlo } from "../../pipeline/verify/verifySlo.js";
import { compiledExample } from "../slo/helpers.js";
import { type MetricsTarget, startMetricsTarget } from "../support/metricsTarget.js";
import { addWorkload, realDeps, waitForValue } from "./helpers.js";

let target: MetricsTarget;
let prometheus: PrometheusServer;

beforeAll(async () => {
  target = await startMetricsTarget();
  prometheus = await startPrometheus({ targets: [target.address] });
});

afterAll(async () => {
  await prometheus?.stop();
  await target?.close();
});

describe("verifySlo when Prometheus goes away", () => {
  it("GIVEN good metrics WHEN Prometheus is stopped mid-window THEN inconclusive → rollback, never pass", async () => {
    const compiled = compiledExample("edge-analytics");
    const id = { site: "edge1", namespace: "edge-analytics", workload: "analytics", revision: "1" };
    addWorkload(target, id);
    const policy = deriveSloPolicy(compiled, "edge1", {
      windowSeconds: 6,
      intervalSeconds: 1,
      rateWindowSeconds: 3,
      forSeconds: 2,
      minSamples: 3,
    });
    const queries = buildQueries(policy, id);
    await Promise.all(queries.map((q) => waitForValue(prometheus.url, q.promql)));

    // Prometheus is stopped once every target has its minSamples good samples (not after a fixed sleep,
    // which a loaded machine can outrun): the window then still has seconds to go, all without data.
    let stopping: Promise<void> | undefined;
    const { decision, evidence } = await verifySlo({
      policy,
      queries,
      prometheusUrl: prometheus.url,
      deps: realDeps,
      onEvaluation: (d) => {
        if (!stopping && d.targets.every((t) => t.samples >= policy.targets[0]!.minSamples)) {
          stopping = prometheus.stop();
        }
      },
    });
    await stopping;

    expect(prometheus.running()).toBe(false);
    expect(decision.final).toBe(true);
    expect(decision.overall).toMatchObject({ decision: "inconclusive", action: "rollback" });
    for (const t of decision.targets) {
      expect(t.status).toBe("inconclusive");
      // Enough good samples came first: it is the loss of data that keeps this from passing.
      expect(t.samples).toBeGreaterThanOrEqual(3);
      expect(t.reason).toMatch(/data lost .*E_PROM_UNREACHABLE/);
    }
    const latency = evidence.targets.find((t) => t.targetId === "analytics-slo/p95Latency")!;
    expect(latency.samples.at(-1)?.note).toMatch(/^E_PROM_UNREACHABLE: cannot reach .*ECONNREFUSED/);
    expect(latency.range).toMatchObject({ error: expect.stringMatching(/^E_PROM_UNREACHABLE/) });
  });
});
