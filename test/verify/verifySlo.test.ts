/**
 * verifySlo against a real Prometheus (Debian `prometheus`) scraping a loopback metrics target every
 * second. Each test has its own workload identity on the shared target, so they run concurrently; windows
 * are a few seconds long.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildQueries } from "../../functions/slo/buildQueries.js";
import { deriveSloPolicy, type SloPolicyOverrides } from "../../functions/slo/deriveSloPolicy.js";
import type { SloIdentity } from "../../functions/slo/types.js";
import { type PrometheusServer, startPrometheus } from "../../pipeline/sandbox/startPrometheus.js";
import { queryInstant } from "../../pipeline/verify/queryInstant.js";
import { queryRange } from "../../pipeline/verify/queryRange.js";
import { PrometheusError } from "../../pipeline/verify/verifyErrors.js";
import { verifySlo } from "../../pipeline/verify/verifySlo.js";
import { compiledExample } from "../slo/helpers.js";
import { type MetricsTarget, startMetricsTarget } from "../support/metricsTarget.js";
import { addWorkload, realDeps, waitForValue } from "./helpers.js";

const compiled = compiledExample("edge-analytics");
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

const FAST: SloPolicyOverrides = {
  windowSeconds: 5,
  intervalSeconds: 1,
  rateWindowSeconds: 3,
  forSeconds: 2,
  minSamples: 3,
};

function identity(workload: string): SloIdentity {
  return { site: "edge1", namespace: "edge-analytics", workload, revision: "1" };
}

async function verify(id: SloIdentity, overrides: SloPolicyOverrides = {}) {
  const policy = deriveSloPolicy(compiled, "edge1", { ...FAST, ...overrides });
  return verifySlo({
    policy,
    queries: buildQueries(policy, id),
    prometheusUrl: prometheus.url,
    deps: realDeps,
    // The default (one interval) turns a query slowed by a loaded machine into an error sample (the pod-set
    // joins cost more than a plain selector); here the tests decide on the data, so a query may take its time.
    queryTimeoutMs: 10_000,
  });
}

/** Waits until every query of the workload has a value, so the window starts with data. */
async function warmUp(id: SloIdentity): Promise<void> {
  const policy = deriveSloPolicy(compiled, "edge1", FAST);
  await Promise.all(buildQueries(policy, id).map((q) => waitForValue(prometheus.url, q.promql)));
}

/**
 * Where the CPU utilisation of the healthy workload must lie, derived from the sampling rather than hoped
 * for. Each of the 3 pods' simulated counters grows by exactly 0.2/3 core-seconds per second and carries its
 * own timestamps (helpers.ts), so the slope between any two samples is the pod's share of 0.2 cores, and
 * the workload's is 0.2 cores = 40 % of the 0.5-core limit (all pods are scraped together, so the bounds
 * read from one pod's samples hold for their sum),
 * however late a loaded machine runs the scrapes. rate() multiplies that slope by (the interval its samples
 * span + the extrapolation to the window's edges) / the window, and never extrapolates beyond the window:
 * the value is at most 40 %, and at least 40 % × the span of the samples it saw / the window. Those samples
 * are read back from Prometheus at the same evaluation time; the newest may have been stored after the
 * evaluation's query ran (one scrape can be in flight), so it is left out of the lower bound.
 */
async function cpuBounds(id: SloIdentity, cpu: { samples: { at: string }[] }) {
  const at = Date.parse(cpu.samples.at(-1)!.at) / 1000;
  const window = FAST.rateWindowSeconds!;
  const selector = `site="${id.site}",namespace="${id.namespace}",pod="${id.workload}-6c9f7d5b48-p0"`;
  const query = `container_cpu_usage_seconds_total{${selector}}[${window}s]`;
  const url = `${prometheus.url}/api/v1/query?${new URLSearchParams({ query, time: at.toFixed(3) })}`;
  const body = (await (await fetch(url)).json()) as { data: { result: { values: [number, string][] }[] } };
  const samples = body.data.result[0]!.values.map(([t, v]) => ({ t, v: Number(v) }));
  expect(samples.length).toBeGreaterThanOrEqual(2);
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1]!, samples[i]!];
    expect((b.v - a.v) / (b.t - a.t)).toBeCloseTo(0.2 / 3, 6);
  }
  const seen = samples.slice(0, -1);
  const span = seen.length >= 2 ? seen.at(-1)!.t - seen[0]!.t : 0;
  // 1e-9: the floating-point rounding of rate()'s arithmetic, nothing more.
  return { max: 40 + 1e-9, min: (40 * span) / window - 1e-9 };
}

describe.concurrent("verifySlo against a real Prometheus", () => {
  it("GIVEN healthy metrics WHEN verified THEN pass after the window, every target with enough samples", async () => {
    const id = identity("healthy");
    addWorkload(target, id);
    await warmUp(id);
    const started = Date.now();
    const { decision, evidence } = await verify(id);
    expect(decision.overall, decision.overall.reasons.join("\n")).toEqual(
      expect.objectContaining({ decision: "pass" }),
    );
    expect(decision.final).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
    const values = Object.fromEntries(decision.targets.map((t) => [t.name, t.value]));
    // Every request takes 20 ms: all observations fall in the (10 ms, 25 ms] bucket, and
    // histogram_quantile interpolates linearly inside it — 10 + 0.95 × 15 = 24.25 ms, at any timing.
    expect(values.p95Latency).toBeCloseTo(24.25, 9);
    expect(values.errorRate).toBe(0);
    const cpu = await cpuBounds(id, evidence.targets.find((t) => t.targetId.endsWith("/cpuUtilization"))!);
    expect(values.cpuUtilization).toBeLessThanOrEqual(cpu.max);
    expect(values.cpuUtilization).toBeGreaterThanOrEqual(cpu.min);
    expect(values.cpuUtilization).toBeGreaterThan(0);
    // Gauges: 200 MB of a 512 MB limit, exactly.
    expect(values.memoryUtilization).toBeCloseTo(39.0625, 9);
    expect(values.podsReady).toBe(100);
    for (const t of decision.targets) expect(t.samples).toBeGreaterThanOrEqual(3);
    // Evidence: exact PromQL, raw samples, range series, no early stop.
    expect(evidence.stoppedEarly).toBe(false);
    // One evaluation per interval, due at 0, 1, …, 5 s; an evaluation that runs late (a loaded machine)
    // is not repeated, so there are at most window/interval + 1 of them — and a pass needs minSamples.
    expect(evidence.evaluations).toBeLessThanOrEqual(FAST.windowSeconds! / FAST.intervalSeconds! + 1);
    expect(evidence.evaluations).toBeGreaterThanOrEqual(FAST.minSamples!);
    const latency = evidence.targets.find((t) => t.targetId === "analytics-slo/p95Latency")!;
    expect(latency.promql).toContain('owner_name="healthy"');
    expect(latency.samples).toHaveLength(evidence.evaluations);
    expect(latency.samples.every((s) => typeof s.raw === "string" && s.queryMs >= 0)).toBe(true);
    expect(
      latency.range && "series" in latency.range && latency.range.series[0]?.values.length,
    ).toBeGreaterThan(3);
    expect(() => JSON.stringify(evidence)).not.toThrow();
  });

  it("GIVEN latency above the threshold persisting past `for` THEN breach with action rollback, stopped early", async () => {
    const id = identity("slow");
    addWorkload(target, id, { latencyMs: 300 });
    await warmUp(id);
    const { decision, evidence } = await verify(id, { windowSeconds: 12 });
    expect(decision.overall).toMatchObject({ decision: "breach", action: "rollback" });
    const latency = decision.targets.find((t) => t.name === "p95Latency")!;
    expect(latency.status).toBe("breach");
    expect(latency.value).toBeGreaterThan(100);
    expect(latency.breachSeconds).toBeGreaterThanOrEqual(2);
    expect(evidence.stoppedEarly).toBe(true);
    expect(evidence.durationMs).toBeLessThan(12_000);
  });

  it("GIVEN a latency spike shorter than `for` THEN no breach", async () => {
    const id = identity("spiky");
    const workload = addWorkload(target, id);
    await warmUp(id);
    // Two scrapes at 500 ms: the spike then stays in the 3 s rate window for about 3 s (from the first
    // spike scrape until the second leaves the window), so the evaluations, due every second, see it even
    // when they run late; and it cannot last the 5 s `for`, since it leaves the window after 3 s.
    workload.spike(500, 2);
    const { decision } = await verify(id, { windowSeconds: 8, forSeconds: 5 });
    const latency = decision.targets.find((t) => t.name === "p95Latency")!;
    // The spike was seen (breaching samples) but did not last `for`.
    expect(latency.reason).toMatch(/[1-9]\d* breaching sample\(s\), none persisting for 5s/);
    expect(latency.breachSeconds).toBeLessThan(5);
    expect(latency.status).toBe("pass");
    expect(decision.overall.decision).toBe("pass");
  });

  it("GIVEN label values with quotes and backslashes THEN the selector still matches exactly that workload", async () => {
    const id = identity('we"ird\\svc');
    addWorkload(target, id);
    await warmUp(id);
    const { decision } = await verify(id, { windowSeconds: 3 });
    expect(decision.overall.decision, decision.overall.reasons.join("\n")).toBe("pass");
  });

  it("GIVEN no series at all THEN inconclusive with the policy's action (default rollback), never pass", async () => {
    const { decision, evidence } = await verify(identity("nobody-home"), { windowSeconds: 3 });
    expect(decision.overall).toMatchObject({ decision: "inconclusive", action: "rollback" });
    for (const t of decision.targets) {
      expect(t).toMatchObject({ status: "inconclusive", samples: 0, value: null });
      expect(t.reason).toMatch(/no data/);
    }
    expect(evidence.targets[0]?.samples.map((s) => s.raw ?? s.note)).toEqual(
      evidence.targets[0]?.samples.map(() => "no data: the query returned no series"),
    );
  });

  it("GIVEN too few samples in the window THEN inconclusive", async () => {
    const id = identity("late");
    addWorkload(target, id);
    // No warm-up: rate() has nothing for the first evaluations; 5 of 5 possible samples are required.
    const { decision } = await verify(id, { windowSeconds: 4, minSamples: 5 });
    expect(decision.overall).toMatchObject({ decision: "inconclusive", action: "rollback" });
    const latency = decision.targets.find((t) => t.name === "p95Latency")!;
    expect(latency.reason).toMatch(/usable sample\(s\), 5 required/);
  });

  it("GIVEN `hold` for inconclusive THEN the missing data holds instead of rolling back", async () => {
    const { decision } = await verify(identity("nobody-either"), {
      windowSeconds: 2,
      onInconclusive: "hold",
    });
    expect(decision.overall).toMatchObject({ decision: "inconclusive", action: "hold" });
  });
});

describe("Prometheus HTTP API client against a real Prometheus", () => {
  it("evaluates instant and range queries", async () => {
    const [one] = await queryInstant({ baseUrl: prometheus.url, promql: "1 + 1", fetch: realDeps.fetch });
    expect(one).toEqual({ metric: {}, value: [expect.any(Number), "2"] });
    const end = new Date();
    const series = await queryRange({
      baseUrl: prometheus.url,
      promql: "vector(3)",
      start: new Date(end.getTime() - 3000),
      end,
      stepSeconds: 1,
      fetch: realDeps.fetch,
    });
    expect(series[0]?.values.map(([, v]) => v)).toEqual(["3", "3", "3", "3"]);
  });

  it("GIVEN invalid PromQL THEN E_PROM_API with Prometheus' errorType", async () => {
    const error = await queryInstant({
      baseUrl: prometheus.url,
      promql: "sum(",
      fetch: realDeps.fetch,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(PrometheusError);
    expect(error).toMatchObject({ code: "E_PROM_API", errorType: "bad_data", status: 400 });
  });
});
