import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type AlertEvent, emitAlert } from "../../pipeline/run/emitAlert.js";

const event: AlertEvent = {
  kind: "slo-alert",
  intentId: "edge-analytics",
  runId: "0123456789abcdef",
  action: "alert",
  reasons: ["edge1/edge-analytics: errorRate 3.1 % ≥ 1 %"],
  at: "2026-11-22T12:00:00.000Z",
};

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function webhook(status: number): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      bodies.push(JSON.parse(body));
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/hook`, bodies };
}

describe("alert events", () => {
  it("GIVEN a webhook WHEN an alert is emitted THEN it is logged in the subject format and POSTed as JSON", async () => {
    const hook = await webhook(204);
    const lines: string[] = [];
    const delivered = await emitAlert(event, { log: (l) => lines.push(l), webhookUrl: hook.url });
    expect(delivered).toBe(true);
    expect(hook.bodies).toEqual([event]);
    expect(lines).toEqual([
      "ALERT edge-analytics (run 01234567): edge1/edge-analytics: errorRate 3.1 % ≥ 1 %",
    ]);
  });

  it("GIVEN a webhook that fails THEN the failure is reported, not thrown", async () => {
    const hook = await webhook(500);
    const lines: string[] = [];
    expect(await emitAlert(event, { log: (l) => lines.push(l), webhookUrl: hook.url })).toBe(false);
    expect(lines.at(-1)).toBe("ALERT webhook answered 500");
  });

  it("GIVEN an unreachable webhook THEN false and a log line", async () => {
    const lines: string[] = [];
    expect(await emitAlert(event, { log: (l) => lines.push(l), webhookUrl: "http://127.0.0.1:9/hook" })).toBe(
      false,
    );
    expect(lines.at(-1)).toMatch(/^ALERT webhook unreachable: /);
  });
});

describe("alert metric", () => {
  it("GIVEN alerts WHEN recorded THEN a textfile-collector counter per (intent, action) counts them", async () => {
    const { mkdtemp, readFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const file = join(await mkdtemp(join(tmpdir(), "intentops-metrics-")), "metrics", "intentops.prom");
    await emitAlert(event, { log: () => undefined, metricsFile: file });
    await emitAlert(event, { log: () => undefined, metricsFile: file });
    await emitAlert({ ...event, intentId: "other" }, { log: () => undefined, metricsFile: file });
    const text = await readFile(file, "utf8");
    expect(text).toContain('intentops_slo_alerts_total{intent="edge-analytics",action="alert"} 2\n');
    expect(text).toContain('intentops_slo_alerts_total{intent="other",action="alert"} 1\n');
    expect(text).toContain("# TYPE intentops_slo_alerts_total counter\n");
  });
});
