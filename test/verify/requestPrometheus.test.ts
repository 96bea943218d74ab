/**
 * The HTTP failure modes of the Prometheus client, against small loopback servers that misbehave on
 * purpose (a real Prometheus cannot be made to answer HTML or hang): each becomes a PrometheusError with
 * its code, and verifySlo turns each into an inconclusive target.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { validateSloPolicy } from "../../functions/slo/validateSloPolicy.js";
import { queryInstant } from "../../pipeline/verify/queryInstant.js";
import { PrometheusError } from "../../pipeline/verify/verifyErrors.js";
import { verifySlo } from "../../pipeline/verify/verifySlo.js";
import { latencyPolicy } from "../slo/helpers.js";
import { realDeps } from "./helpers.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function failure(baseUrl: string, timeoutMs = 2000): Promise<PrometheusError> {
  const error = await queryInstant({ baseUrl, promql: "up", timeoutMs, fetch: realDeps.fetch }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PrometheusError);
  return error as PrometheusError;
}

describe("Prometheus HTTP API client failures", () => {
  it("GIVEN nothing listening THEN E_PROM_UNREACHABLE", async () => {
    const url = await serve(() => {});
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    expect((await failure(url)).code).toBe("E_PROM_UNREACHABLE");
  });

  it("GIVEN a server that never answers THEN E_PROM_TIMEOUT", async () => {
    const url = await serve(() => {});
    expect((await failure(url, 300)).code).toBe("E_PROM_TIMEOUT");
  });

  it("GIVEN an HTTP error with an HTML body THEN E_PROM_HTTP with the status", async () => {
    const url = await serve((_req, res) =>
      res.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad gateway</h1>"),
    );
    expect(await failure(url)).toMatchObject({ code: "E_PROM_HTTP", status: 502 });
  });

  it('GIVEN status: "error" THEN E_PROM_API with the errorType', async () => {
    const url = await serve((_req, res) =>
      res
        .writeHead(503, { "content-type": "application/json" })
        .end(JSON.stringify({ status: "error", errorType: "timeout", error: "query timed out" })),
    );
    expect(await failure(url)).toMatchObject({ code: "E_PROM_API", errorType: "timeout", status: 503 });
  });

  it("GIVEN a body that is not the documented JSON THEN E_PROM_BAD_RESPONSE", async () => {
    const notJson = await serve((_req, res) => res.writeHead(200).end("up 1"));
    expect((await failure(notJson)).code).toBe("E_PROM_BAD_RESPONSE");
    const stringResult = await serve((_req, res) =>
      res
        .writeHead(200)
        .end(JSON.stringify({ status: "success", data: { resultType: "string", result: [1, "x"] } })),
    );
    expect((await failure(stringResult)).code).toBe("E_PROM_BAD_RESPONSE");
  });

  it("GIVEN every query failing THEN verifySlo is inconclusive, with each error in the evidence", async () => {
    const url = await serve((_req, res) => res.writeHead(500).end("boom"));
    const policy = validateSloPolicy(latencyPolicy({ windowSeconds: 3 }));
    const { decision, evidence } = await verifySlo({
      policy,
      queries: [{ targetId: "slo/p95Latency", promql: "up" }],
      prometheusUrl: url,
      rangeEvidence: true,
      deps: realDeps,
    });
    expect(decision.overall).toMatchObject({ decision: "inconclusive", action: "rollback" });
    expect(evidence.targets[0]?.samples.map((s) => s.note?.split(":")[0])).toEqual(
      Array(4).fill("E_PROM_HTTP"),
    );
    expect(evidence.targets[0]?.range).toEqual({ error: expect.stringMatching(/^E_PROM_HTTP/) });
  });
});

describe("verifySlo with injected effects", () => {
  it("GIVEN NaN, +Inf and several series THEN none is a sample value; a fake clock drives the window", async () => {
    let now = Date.UTC(2025, 0, 2, 3, 4, 0);
    const answers = ["NaN", "+Inf", "many", "NaN"];
    let call = 0;
    const fetch = async (url: string): Promise<Response> => {
      if (url.endsWith("query_range")) {
        return new Response(
          JSON.stringify({ status: "success", data: { resultType: "matrix", result: [] } }),
        );
      }
      const answer = answers[call++ % answers.length]!;
      const series = (v: string) => ({ metric: {}, value: [now / 1000, v] });
      const result = answer === "many" ? [series("1"), series("2")] : [series(answer)];
      return new Response(JSON.stringify({ status: "success", data: { resultType: "vector", result } }));
    };
    const sleeps: number[] = [];
    const { decision, evidence } = await verifySlo({
      policy: validateSloPolicy(latencyPolicy({ windowSeconds: 3 })),
      queries: [{ targetId: "slo/p95Latency", promql: "x" }],
      prometheusUrl: "http://prometheus.invalid",
      deps: {
        fetch,
        clock: () => new Date(now),
        sleep: async (ms) => {
          sleeps.push(ms);
          now += ms;
        },
      },
    });
    expect(sleeps).toEqual([1000, 1000, 1000]);
    expect(decision.overall).toMatchObject({ decision: "inconclusive", action: "rollback" });
    expect(decision.targets[0]).toMatchObject({ samples: 0, evaluations: 4 });
    expect(evidence.targets[0]?.samples.map((s) => s.note)).toEqual([
      "value NaN",
      "value +Inf",
      "2 series where one was expected",
      "value NaN",
    ]);
    expect(evidence.targets[0]?.samples.map((s) => s.raw)).toEqual(["NaN", "+Inf", undefined, "NaN"]);
  });

  it("GIVEN a clock that never moves THEN verification still ends, inconclusive and not final", async () => {
    const fixed = new Date(Date.UTC(2025, 0, 2));
    const fetch = async () =>
      new Response(JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } }));
    const { decision, evidence } = await verifySlo({
      policy: validateSloPolicy(latencyPolicy({ windowSeconds: 3 })),
      queries: [{ targetId: "slo/p95Latency", promql: "x" }],
      prometheusUrl: "http://prometheus.invalid",
      rangeEvidence: false,
      deps: { fetch, clock: () => fixed, sleep: async () => {} },
    });
    // the 3 s window and the target's 3 s `for` (a breach pending at the window's end is watched that long)
    // at one evaluation a second, plus the slack of 3
    expect(evidence.evaluations).toBe(9);
    expect(decision.final).toBe(false);
    expect(decision.overall.decision).toBe("inconclusive");
  });

  it("GIVEN a target without a query or a bad URL THEN E_VERIFY_INVALID_OPTIONS", async () => {
    const policy = validateSloPolicy(latencyPolicy());
    const deps = { ...realDeps };
    await expect(verifySlo({ policy, queries: [], prometheusUrl: "http://x", deps })).rejects.toMatchObject({
      code: "E_VERIFY_INVALID_OPTIONS",
    });
    await expect(
      verifySlo({
        policy,
        queries: [{ targetId: "slo/p95Latency", promql: "x" }],
        prometheusUrl: "file:///etc",
        deps,
      }),
    ).rejects.toMatchObject({ code: "E_VERIFY_INVALID_OPTIONS" });
  });
});
