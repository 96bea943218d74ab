/**
 * `POST /api/intent` for the LLM front end: 202 with the intent id and where to poll, as soon as the
 * change is in the intake log and the run journal; the Git commit follows. Idempotency-Key: the same key
 * and body → the same answer and no second intent; the same key and another body → 422. The older demo's
 * plain shape is accepted as the TMF921 Intent it converts to (shown in the answer); a ProbeIntent is refused.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CORPUS_DIR } from "../compiler/corpus.js";
import { compile } from "../compiler/helpers.js";
import { gitLog } from "../e2e/helpers.js";
import { gitCli } from "../support/gitHttpServer.js";
import { tmf921Validator } from "../support/officialSchemas.js";
import { checkResponse } from "./contractCheck.js";
import {
  compilingIntent,
  type Harness,
  KEYS,
  officialExample,
  startHarness,
  waitFor,
} from "./serveHarness.js";

const ADAPTER_RESPONSE = join(
  CORPUS_DIR,
  "nephio-demo",
  "docs_operations_TMF921_AUTOMATED_USAGE_GUIDE.md.response.json",
);

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

  it("accepts the older demo's plain shape as the TMF921 Intent it converts to, and shows that Intent", async () => {
    const published = JSON.parse(readFileSync(ADAPTER_RESPONSE, "utf8")).intent as Record<string, unknown>;
    const res = await post(published);
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body.intentId).toBe("intent-1758956507257");
    const converted = body.converted as Record<string, unknown>;
    expect(converted["@type"]).toBe("Intent");
    expect(converted.id).toBe(body.intentId);
    expect(tmf921Validator("Intent_FVO")(converted)).toBe(true);
    // What was accepted is that Intent: it compiles to what the plain shape compiles to.
    expect((await compile(converted)).spec.intent).toEqual((await compile(published)).spec.intent);
    await h.serving.idle();
    const committed = await gitCli(["show", `main:intents/${body.intentId}.json`], h.bare);
    expect(JSON.parse(committed)["@type"]).toBe("Intent");
    expect(JSON.parse(committed).expression).toEqual(converted.expression);
  }, 120_000);

  it("refuses a plain shape that cannot be converted with located problems; a ProbeIntent is never delivered", async () => {
    const before = await gitCli(["rev-parse", "main"], h.bare);
    const plain = await post({ intentId: "x", name: "x", qos: { jitter_ms: 10 } });
    expect(plain.statusCode).toBe(422);
    expect(plain.json().code).toBe("E_PLAIN_SHAPE");
    const pointers = plain.json().errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(["/targetSite", "/qos/jitter_ms"]));
    const probe = await post({ ...compilingIntent(), "@type": "ProbeIntent", id: "probe-only" });
    expect(probe.statusCode).toBe(422);
    expect(probe.json().code).toBe("E_PROBE_INTENT");
    expect(probe.json().detail ?? probe.json().message).toContain("intentops probe");
    await h.serving.idle();
    expect(await gitCli(["rev-parse", "main"], h.bare)).toBe(before);
    const intake = await readFile(join(h.work, ".intentops", "intake.jsonl"), "utf8");
    expect(intake).not.toContain("probe-only");
  });

  it("refuses a bad Idempotency-Key and a non-TMF921 body", async () => {
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
