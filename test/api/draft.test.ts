/**
 * POST /api/intent/draft on the real service (startServe, a real Git smart-HTTP remote): the embedded
 * parser's drafts with their 28.312 preview and rendered changes per site; JSON intents previewed; and the
 * OpenAI-compatible backend through its real client code path against a stand-in server scripted with
 * good answers, malformed JSON, schema violations, an invented site, 429s and a hang — problems fed back,
 * retries bounded, no site invented, the key never echoed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenAiStandIn, startOpenAiStandIn } from "../support/openAiStandIn.js";
import { compilingIntent, type Harness, KEYS, startHarness } from "./serveHarness.js";

const LLM_KEY = "sk-standin-0123456789";
let h: Harness;
let llm: OpenAiStandIn;

beforeAll(async () => {
  llm = await startOpenAiStandIn(LLM_KEY);
  h = await startHarness({
    llm: {
      baseUrl: llm.baseUrl,
      model: "stand-in-1",
      apiKey: LLM_KEY,
      maxAttempts: 3,
      timeoutMs: 1500,
      maxRetryAfterMs: 200,
    },
  });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await llm?.close();
});

async function draft(body: unknown, key: string = KEYS.writer) {
  const res = await fetch(`${h.base}/api/intent/draft`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", text, json: JSON.parse(text) };
}

const SENTENCE =
  "deploy the analytics app version 1.4.0 on edge1 and edge2 with image registry.example.com/analytics:1.4.0 and 3 replicas, p95 under 100 ms, error rate under 1 %";

/** A valid TMF921 intent as a model would answer, targeting `site`. */
function answer(site: string, id = "llm-analytics"): string {
  const intent = compilingIntent();
  intent.id = id;
  const value = (intent.expression as { expressionValue: Record<string, unknown> }).expressionValue;
  const expectations = value["icm:hasExpectation"] as { "icm:params": Record<string, unknown> }[];
  expectations[0]!["icm:params"]["io:site"] = [site];
  return JSON.stringify(intent);
}

describe("embedded backend", () => {
  it("drafts a sentence: TMF921 intent, 28.312 intent, objects added per site, what was read", async () => {
    const r = await draft({ text: SENTENCE });
    expect(r.status).toBe(200);
    expect(r.json.backend).toBe("embedded");
    expect(r.json.intent.id).toBe("analytics");
    expect(r.json.intent28312.intentExpectations.length).toBeGreaterThanOrEqual(2);
    expect(r.json.compiled.spec.sites).toEqual(["edge1", "edge2"]);
    expect(r.json.sites.map((s: { site: string }) => s.site)).toEqual(["edge1", "edge2"]);
    const kinds = r.json.sites[0].changes.map(
      (c: { subject: string; action: string }) => `${c.action} ${c.subject}`,
    );
    expect(kinds).toContain("added Deployment/analytics/analytics");
    expect(r.json.understood.map((u: { meaning: string }) => u.meaning)).toContain("io:replicas = 3");
    expect(r.json.notUnderstood).toEqual([]);
    expect(r.json.exists).toBe(false);
  });

  it("an unknown site is a 422 problem naming it, with what was and was not understood", async () => {
    const r = await draft({
      text: "deploy analytics on edge7 with image registry.example.com/a:1, and make it sparkle",
    });
    expect(r.status).toBe(422);
    expect(r.type).toContain("application/problem+json");
    expect(r.json.code).toBe("E_DRAFT");
    expect(r.json.errors.map((e: { code: string }) => e.code)).toEqual(["E_NL_UNKNOWN_SITE"]);
    expect(r.json.errors[0].detail).toContain('"edge7"');
    expect(r.json.notUnderstood).toEqual(["make it sparkle"]);
  });

  it("previews a JSON intent; after it is submitted, the same draft shows no change", async () => {
    const intent = { ...compilingIntent(), id: "preview-me" };
    const before = await draft({ intent });
    expect(before.status).toBe(200);
    expect(before.json.backend).toBe("json");
    expect(before.json.sites[0].changes.length).toBeGreaterThan(0);
    const posted = await fetch(`${h.base}/api/intent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": KEYS.writer },
      body: JSON.stringify(intent),
    });
    expect(posted.status).toBe(202);
    const after = await draft({ intent });
    expect(after.json.exists).toBe(true);
    expect(after.json.sites.map((s: { changes: unknown[] }) => s.changes.length)).toEqual([0, 0]);
  });

  it("a JSON intent that does not compile is a 422 with JSON pointers", async () => {
    const intent = JSON.parse(answer("nowhere"));
    const r = await draft({ intent });
    expect(r.status).toBe(422);
    expect(r.json.code).toBe("E_DRAFT_INVALID");
    expect(r.json.errors[0]).toMatchObject({ code: "E_UNKNOWN_SITE" });
    expect(r.json.errors[0].pointer).toContain("io:site");
  });

  it("needs the write scope and a well-formed body", async () => {
    expect((await draft({ text: SENTENCE }, KEYS.reader)).status).toBe(403);
    expect((await draft({ text: SENTENCE, extra: 1 })).status).toBe(400);
    expect((await draft({})).status).toBe(400);
  });
});

describe("OpenAI-compatible backend (stand-in server)", () => {
  it("a good first answer: one request with the key, our schema (sites from the registry) and the sentence", async () => {
    const seen = llm.requests.length;
    llm.script({ content: answer("edge1") });
    const r = await draft({ text: "analytics on edge1 please", backend: "llm" });
    expect(r.status).toBe(200);
    expect(r.json.backend).toBe("llm");
    expect(r.json.compiled.spec.sites).toEqual(["edge1"]);
    expect(r.json.attempts).toEqual([{ attempt: 1, outcome: "ok" }]);
    const req = llm.requests[seen]!;
    expect(req.authorization).toBe(`Bearer ${LLM_KEY}`);
    expect(req.body.model).toBe("stand-in-1");
    expect(req.body.messages.at(-1)).toEqual({ role: "user", content: "analytics on edge1 please" });
    expect(req.body.response_format?.type).toBe("json_schema");
    expect(JSON.stringify(req.body.response_format?.json_schema?.schema)).toContain(
      '"enum":["edge1","edge2","openstack1"]',
    );
    expect(r.text).not.toContain(LLM_KEY);
  });

  it("malformed JSON, then a schema violation, then a good answer: the problems are fed back each time", async () => {
    const seen = llm.requests.length;
    const noExpression = JSON.parse(answer("edge2"));
    delete noExpression.expression;
    llm.script(
      { content: '{"@type": "Intent", "name": ' },
      { content: JSON.stringify(noExpression) },
      { content: answer("edge2") },
    );
    const r = await draft({ text: "analytics on edge2", backend: "llm" });
    expect(r.status).toBe(200);
    expect(r.json.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(["invalid", "invalid", "ok"]);
    const second = llm.requests[seen + 1]!.body.messages;
    expect(second.at(-2)).toEqual({ role: "assistant", content: '{"@type": "Intent", "name": ' });
    expect(second.at(-1)!.content).toMatch(/not a valid intent[\s\S]*\[E_SYNTAX\]/);
    const third = llm.requests[seen + 2]!.body.messages;
    expect(third.at(-1)!.content).toContain("expression");
    expect(third.at(-1)!.content).toContain("/expression: is required but missing [E_REQUIRED]");
  });

  it("an invented site in every answer: refused after the bounded attempts, nothing drafted", async () => {
    const seen = llm.requests.length;
    llm.script({ content: answer("edge9") }, { content: answer("edge9") }, { content: answer("edge9") });
    const r = await draft({ text: "analytics on edge9", backend: "llm" });
    expect(r.status).toBe(422);
    expect(r.json.code).toBe("E_LLM_INVALID");
    expect(r.json.errors.map((e: { code: string }) => e.code)).toContain("E_UNKNOWN_SITE");
    expect(r.json.intent).toBeUndefined();
    expect(llm.requests.length - seen).toBe(3);
    expect(llm.requests.at(-1)!.body.messages.at(-1)!.content).toContain("edge9");
  });

  it("429 with Retry-After, then a good answer", async () => {
    llm.script({ status: 429, retryAfter: "0" }, { content: answer("edge1") });
    const r = await draft({ text: "analytics on edge1", backend: "llm" });
    expect(r.status).toBe(200);
    expect(r.json.attempts).toEqual([
      { attempt: 1, outcome: "rate-limited", status: 429 },
      { attempt: 2, outcome: "ok" },
    ]);
  });

  it("429 every time: 502 E_LLM_RATE_LIMITED after three attempts", async () => {
    llm.script(
      { status: 429, retryAfter: "1" },
      { status: 429, retryAfter: "1" },
      { status: 429, retryAfter: "1" },
    );
    const r = await draft({ text: "analytics on edge1", backend: "llm" });
    expect(r.status).toBe(502);
    expect(r.json.code).toBe("E_LLM_RATE_LIMITED");
    expect(r.json.attempts).toHaveLength(3);
  });

  it("an endpoint that never answers: 504 E_LLM_TIMEOUT after three timed-out attempts", async () => {
    llm.script({ hang: true }, { hang: true }, { hang: true });
    const r = await draft({ text: "analytics on edge1", backend: "llm" });
    expect(r.status).toBe(504);
    expect(r.json.code).toBe("E_LLM_TIMEOUT");
    expect(r.json.attempts.map((a: { outcome: string }) => a.outcome)).toEqual([
      "timeout",
      "timeout",
      "timeout",
    ]);
  }, 30_000);

  it("a 500 then a good answer", async () => {
    llm.script({ status: 500, body: "{}" }, { content: answer("edge2") });
    expect((await draft({ text: "analytics on edge2", backend: "llm" })).status).toBe(200);
  });
});
