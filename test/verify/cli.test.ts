/**
 * `intentops verify` and `intentops report`, in-process (`runCli` with `memoryIo`) on a copy of intents/,
 * against a real Prometheus scraping the simulated edge-analytics workload of edge1.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../pipeline/cli/io.js";
import { runCli } from "../../pipeline/cli/main.js";
import { type PrometheusServer, startPrometheus } from "../../pipeline/sandbox/startPrometheus.js";
import { ROOT } from "../slo/helpers.js";
import { type MetricsTarget, startMetricsTarget } from "../support/metricsTarget.js";
import { addWorkload, type Workload, waitForValue } from "./helpers.js";

let dir: string;
let target: MetricsTarget;
let prometheus: PrometheusServer;
let workload: Workload;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "intentops-verify-cli-"));
  cpSync(join(ROOT, "intents"), join(dir, "intents"), { recursive: true });
  target = await startMetricsTarget();
  workload = addWorkload(target, {
    site: "edge1",
    namespace: "edge-analytics",
    workload: "analytics",
    revision: "1",
  });
  prometheus = await startPrometheus({ targets: [target.address] });
  await waitForValue(prometheus.url, 'sum(rate(container_cpu_usage_seconds_total{pod=~"analytics-.*"}[3s]))');
});

afterAll(async () => {
  await prometheus?.stop();
  await target?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const io = memoryIo(dir);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const FAST = ["--window", "3s", "--interval", "1s", "--rate-window", "3s"];

describe("intentops verify / report", () => {
  it("GIVEN no verification yet WHEN report THEN exit 1 and E_REPORT_NOT_FOUND", async () => {
    const { code, err } = await run("report", "edge-analytics");
    expect(code).toBe(1);
    expect(err).toContain("E_REPORT_NOT_FOUND");
  });

  it("GIVEN a healthy workload WHEN verify THEN exit 0, PASS per target, and a FULFILLED report stored", async () => {
    const { code, out, err } = await run(
      "verify",
      "edge-analytics",
      "--site",
      "edge1",
      "--prometheus",
      prometheus.url,
      ...FAST,
    );
    expect(code, `${out}\n${err}`).toBe(0);
    expect(out).toMatch(/^edge1\/edge-analytics: PASS/);
    expect(out).toMatch(/pass\s+analytics-slo\/p95Latency/);
    expect(err).toMatch(/t\+\d/); // progress lines
    const file = join(dir, ".intentops", "reports", "edge-analytics", "edge1.json");
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, "utf8")).intentFulfilmentReport.intentFulfilmentInfo).toEqual({
      fulfilmentStatus: "FULFILLED",
    });
    const report = await run("report", "edge-analytics", "--json");
    expect(report.code).toBe(0);
    const parsed = JSON.parse(report.out) as { reports: { id: string }[] };
    expect(parsed.reports.map((r) => r.id)).toEqual(["edge1/edge-analytics"]);
  });

  it("GIVEN high latency WHEN verify --json THEN exit 1, breach → rollback, and the report says FULFILMENTFAILED", async () => {
    workload.state.latencyMs = 400;
    await waitForValue(
      prometheus.url,
      'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{pod=~"analytics-.*"}[3s]))) * 1000 > 100',
    );
    const { code, out } = await run(
      "verify",
      "edge-analytics",
      "--site",
      "edge1",
      "--prometheus",
      prometheus.url,
      ...FAST,
      "--json",
    );
    expect(code).toBe(1);
    const result = JSON.parse(out);
    expect(result.decision.overall).toMatchObject({ decision: "breach", action: "rollback" });
    expect(
      result.evidence.targets.find((t: { targetId: string }) => t.targetId === "analytics-slo/p95Latency")
        .promql,
    ).toContain('owner_name="analytics"');
    const report = await run("report", "edge-analytics", "--site", "edge1");
    expect(report.code).toBe(1);
    expect(report.out).toContain("NOT_FULFILLED (FULFILMENTFAILED)");
    expect(report.out).toMatch(/p95Latency: NOT_FULFILLED \(DEGRADED\)\s+achieved \d+/);
  });

  it("GIVEN Prometheus unreachable WHEN verify THEN exit 1, inconclusive → rollback (never a pass)", async () => {
    const { code, out } = await run(
      "verify",
      "edge-analytics",
      "--site",
      "edge1",
      "--prometheus",
      "http://127.0.0.1:9",
      "--window",
      "2s",
      "--interval",
      "1s",
    );
    expect(code).toBe(1);
    expect(out).toMatch(/INCONCLUSIVE → rollback/);
    expect(out).toContain("E_PROM_UNREACHABLE");
  });

  it("GIVEN usage mistakes THEN exit 2 with a code", async () => {
    const unknown = await run("verify", "nope", "--site", "edge1", "--prometheus", prometheus.url);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("E_USAGE_UNKNOWN_INTENT");
    const badWindow = await run(
      "verify",
      "edge-analytics",
      "--site",
      "edge1",
      "--prometheus",
      prometheus.url,
      "--window",
      "soon",
    );
    expect(badWindow.code).toBe(2);
    expect(badWindow.err).toContain("E_USAGE_INVALID_OPTION");
    const otherSite = await run(
      "verify",
      "urllc-service-edge2",
      "--site",
      "edge1",
      "--prometheus",
      prometheus.url,
    );
    expect(otherSite.code).toBe(2);
    const badId = await run("report", "../etc");
    expect(badId.code).toBe(2);
  });
});
