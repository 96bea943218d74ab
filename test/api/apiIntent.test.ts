/**
 * `POST /api/intent` for the LLM front end: 202 with the intent id and where to poll, as soon as the
 * change is in the intake log and the run journal; the Git commit follows. Idempotency-Key: the same key
 * and body → the same answer and no second intent; the same key and another body → 422.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitLog } from "../e2e/helpers.js";
import { gitCli } from "../support/gitHttpServer.js";
import { checkResponse } from "./contractCheck.js";
import {
  compilingIntent,
  type Harness,
  KEYS,
  officialExample,
  startHarness,
  waitFor,
} from "./serveHarness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => h?.stop());

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await h.serving.app.inject({
    method: "POST",
    url: "/api/intent",
    headers: { "x-api-key": KEYS.writer, ...headers },
    payload: body as Record<string, unknown>,
  });
  checkResponse({
    method: "POST",
    path: "/api/intent",
    status: res.statusCode,
    body: res.body,
    contentType: res.headers["content-type"] as string,
  });
  return res;
}

describe("POST /api/intent", () => {
  it("answers 202 with where to poll; the intent reaches Git and a terminal state", async () => {
    const intent = compilingIntent();
    const res = await post(intent);
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({
      intentId: "edge-analytics",
      statusUrl: "/api/intent/edge-analytics",
      replayed: false,
    });
    expect(res.headers.location).toBe("/api/intent/edge-analytics");
    await h.serving.idle();
    const poll = await h.serving.app.inject({
      method: "GET",
      url: body.statusUrl,
      headers: { "x-api-key": KEYS.reader },
    });
    checkResponse({
      method: "GET",
      path: body.statusUrl,
      status: poll.statusCode,
      body: poll.body,
      contentType: undefined,
    });
    // No cluster answers here: the compiled, rendered and delivered intent fails at Reconciling, and the
    // runner's compensation (revert, restore the sites) cannot restore unreachable sites either.
    expect(poll.json().runs).toHaveLength(1);
    expect(poll.json().runs[0].phase).toBe("CompensationFailed");
    expect(poll.json().lifecycleStatus).toBe("failed");
    expect(poll.json().runs[0].error.code).toMatch(/^E_/);
    const files = (await gitCli(["ls-tree", "-r", "--name-only", "main"], h.bare)).split("\n");
    expect(files).toContain("intents/edge-analytics.json");
    const touched = await gitCli(["log", "--format=", "--name-only", "main"], h.bare);
    expect(touched).toContain("rendered/edge1/edge-analytics/");
  }, 120_000);

  it("honours Idempotency-Key: same body → same answer and one intent; other body → 422", async () => {
    const intent = officialExample("Intent_create_example_01_request");
    const first = await post(intent, { "idempotency-key": "llm-request-1" });
    expect(first.statusCode).toBe(202);
    const again = await post(intent, { "idempotency-key": "llm-request-1" });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({
      intentId: first.json().intentId,
      replayed: true,
    });
    const other = await post(
      { ...intent, description: "another body" },
      { "idempotency-key": "llm-request-1" },
    );
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe("E_IDEMPOTENCY_MISMATCH");
    // the same key from another API key is another scope
    const otherKey = await post(intent, { "idempotency-key": "llm-request-1", "x-api-key": KEYS.admin });
    expect(otherKey.json().intentId).not.toBe(first.json().intentId);
    await h.serving.idle();
    const log = (await readFile(join(h.work, ".intentops", "intake.jsonl"), "utf8"))
      .split("\n")
      .filter((l) => l.includes('"type":"change"') && l.includes(first.json().intentId));
    expect(log).toHaveLength(1);
    const commits = (await gitLog(h.bare)).filter((c) =>
      c.body.includes(`Intent-Id: ${first.json().intentId}`),
    );
    expect(commits).toHaveLength(1);
  }, 120_000);

  it("refuses the plain shape (not converted yet), a bad Idempotency-Key and a non-TMF921 body", async () => {
    const plain = await post({ intentId: "x", name: "x", qos: { latency_ms: 10 }, targetSite: "edge1" });
    expect(plain.statusCode).toBe(422);
    expect(plain.json().code).toBe("E_PLAIN_SHAPE");
    const badKey = await post(officialExample("Intent_create_example_01_request"), {
      "idempotency-key": "a b",
    });
    expect(badKey.statusCode).toBe(400);
    const notTmf = await post({ name: "no type, no expression" });
    expect(notTmf.statusCode).toBe(400);
    expect(notTmf.json().errors.map((e: { pointer: string }) => e.pointer)).toContain("/@type");
    await waitFor("the statistics", async () => {
      const s = await h.serving.app.inject({
        method: "GET",
        url: "/api/statistics",
        headers: { "x-api-key": KEYS.reader },
      });
      return s.statusCode === 200 ? s : undefined;
    });
  });
});
