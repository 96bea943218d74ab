/**
 * Operations: Debian's Prometheus scrapes `/metrics` of a running service, every query of the Grafana
 * dashboard in the repository is valid PromQL there and names only metrics the service exports; the
 * statistics follow the run journal; the lifecycle table covers every phase; hub deliveries are retried
 * with backoff until the listener takes them.
 */
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHubNotifier } from "../../pipeline/api/hubNotifier.js";
import { LIFECYCLE_STATUS } from "../../pipeline/api/lifecycleStatus.js";
import { PHASES } from "../../pipeline/run/runTypes.js";
import {
  type PrometheusServer,
  prometheusAvailable,
  startPrometheus,
} from "../../pipeline/sandbox/startPrometheus.js";
import { type Harness, KEYS, officialExample, startHarness, waitFor } from "./serveHarness.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
let h: Harness;
let prometheus: PrometheusServer | undefined;

beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await prometheus?.stop();
  await h?.stop();
});

async function promQuery(expr: string) {
  const res = await fetch(`${prometheus!.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (await res.json()) as {
    status: string;
    data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    error?: string;
  };
}

describe("metrics, dashboard and statistics", () => {
  it("is scraped by Prometheus; every dashboard query is valid and names exported metrics", async () => {
    expect(await prometheusAvailable()).toBe(true);
    for (let i = 0; i < 2; i++) {
      const res = await h.serving.app.inject({
        method: "POST",
        url: "/tmf-api/intentManagement/v5/intent",
        headers: { "x-api-key": KEYS.writer },
        payload: officialExample("Intent_create_example_01_request"),
      });
      expect(res.statusCode).toBe(201);
    }
    await h.serving.idle();
    const target = new URL(h.base).host;
    prometheus = await startPrometheus({ targets: [target] });
    const processed = await waitFor(
      "Prometheus to scrape intent_processed_total",
      async () => {
        const r = await promQuery('intent_processed_total{result="Failed"}');
        return r.data?.result.length ? r.data.result : undefined;
      },
      60_000,
    );
    expect(Number(processed[0]!.value[1])).toBe(2);
    const phase = await promQuery('intentops_phase_duration_seconds_count{phase="Compiling"}');
    expect(Number(phase.data!.result[0]!.value[1])).toBe(2);
    const http = await promQuery(
      'http_requests_total{route="/tmf-api/intentManagement/v5/intent",status="201"}',
    );
    expect(Number(http.data!.result[0]!.value[1])).toBe(2);
    // The intake log's group writes: both accepted intents were in one of them (and their commit marks).
    const entries = await promQuery("intentops_intake_log_write_entries_sum");
    expect(Number(entries.data!.result[0]!.value[1])).toBeGreaterThanOrEqual(2);
    const writes = await promQuery("intentops_intake_log_write_seconds_count");
    expect(Number(writes.data!.result[0]!.value[1])).toBeGreaterThanOrEqual(1);

    const exported = new Set(
      (await h.serving.app.inject({ method: "GET", url: "/metrics" })).body
        .split("\n")
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => l.split(/[{ ]/)[0]!),
    );
    for (const name of [
      "gitops_sync_lag_seconds_bucket",
      "slo_violations_total",
      "rollbacks_total",
      "http_request_duration_seconds_bucket",
    ]) {
      expect(exported, name).toContain(name);
    }
    const dashboard = JSON.parse(
      await readFile(join(ROOT, "pipeline", "api", "grafana", "intentops-serve.json"), "utf8"),
    ) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        const r = await promQuery(expr);
        expect(r.status, `${panel.title}: ${expr} ${r.error ?? ""}`).toBe("success");
        for (const name of expr.match(/[a-z_]+(?=[{[])/g) ?? []) {
          if (["rate", "increase", "sum", "by", "histogram_quantile"].includes(name)) continue;
          expect(exported, `${panel.title} names ${name}`).toContain(name);
        }
      }
    }
  }, 180_000);

  it("counts runs by state, the success rate and phase times from the journal", async () => {
    const res = await h.serving.app.inject({
      method: "GET",
      url: "/api/statistics",
      headers: { "x-api-key": KEYS.reader },
    });
    const stats = res.json();
    expect(stats.runs).toBe(2);
    expect(stats.byState).toEqual({ Failed: 2 });
    expect(stats.successRate).toBe(0);
    expect(stats.phases.Compiling.count).toBe(2);
    expect(stats.phases.Pending.count).toBe(2);
    expect(stats.phases.Compiling.p95Seconds).toBeGreaterThanOrEqual(stats.phases.Compiling.meanSeconds);
  });

  it("maps every run phase to a TMF921 lifecycle status", () => {
    for (const phase of PHASES) expect(LIFECYCLE_STATUS, phase).toHaveProperty([phase]);
  });
});

describe("hub delivery", () => {
  it("retries with backoff until the listener takes the event, and gives up after the attempts", async () => {
    const seen: number[] = [];
    let refuse = 2;
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        seen.push(Date.now());
        res.writeHead(refuse-- > 0 ? 503 : 204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/listener`;
    const hub = await createHubNotifier({
      file: join(h.work, "hub-retry.json"),
      clock: () => new Date(),
      backoffMs: 50,
      maxAttempts: 4,
    });
    const sub = await hub.subscribe({ callback: url, query: "eventType=IntentCreateEvent" });
    hub.publish("IntentStatusChangeEvent", { intent: {} }); // filtered out by the query
    hub.publish("IntentCreateEvent", { intent: { id: "x" } });
    await hub.drain();
    expect(seen).toHaveLength(3); // 503, 503, 204
    // the waits between attempts are at least the backoff, doubling (timers never fire early)
    expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(49);
    expect(seen[2]! - seen[1]!).toBeGreaterThanOrEqual(99);
    refuse = 100;
    hub.publish("IntentCreateEvent", { intent: { id: "y" } });
    await hub.drain();
    expect(seen).toHaveLength(7); // four attempts, then given up
    expect(await hub.unsubscribe(sub.id)).toBe(true);
    await new Promise((r) => server.close(r));
  });
});
