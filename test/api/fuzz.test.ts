/**
 * Bad input, generated from the OpenAPI: for every write route, each property of its request schema
 * (read from the official TMF921 document: Intent_FVO, Intent_MVO, Hub_FVO) gets every JSON value of the
 * wrong type, each required member is dropped, and the body is replaced by non-JSON, non-objects,
 * oversized and deeply nested documents, prototype keys and the wrong media type; every route gets bad ids,
 * bad paging parameters and bad keys. Every answer must be 4xx problem+json without a stack trace, and
 * nothing may reach Git, the intake log or the run journal.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { officialTmf921 } from "../../pipeline/api/openApiDocument.js";
import { gitCli } from "../support/gitHttpServer.js";
import { type Harness, KEYS, officialExample, startHarness } from "./serveHarness.js";

const BASE = "/tmf-api/intentManagement/v5";
const WRONG: Record<string, unknown[]> = {
  string: [12345, true, [], {}, null],
  boolean: ["yes", 1, [], {}, null],
  array: ["x", 1, true, { a: 1 }, null],
  object: ["x", 1, true, [1], null],
  integer: ["x", 1.5, true, [], null],
  number: ["x", true, [], {}, null],
};

type Schema = {
  $ref?: string;
  type?: string;
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
};
const schemas = (officialTmf921().components as { schemas: Record<string, Schema> }).schemas;
const resolve = (s: Schema): Schema => (s.$ref ? resolve(schemas[s.$ref.split("/").pop()!]!) : s);

/** Properties and required members of a schema, through allOf and $ref. */
function shape(s: Schema): { properties: Record<string, Schema>; required: string[] } {
  const r = resolve(s);
  const out = { properties: { ...(r.properties ?? {}) }, required: [...(r.required ?? [])] };
  for (const part of r.allOf ?? []) {
    const inner = shape(part);
    Object.assign(out.properties, inner.properties);
    out.required.push(...inner.required);
  }
  return out;
}

function typeOf(s: Schema): string {
  const r = resolve(s);
  if (r.type) return r.type;
  return r.allOf || r.properties ? "object" : "any";
}

interface Case {
  name: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  payload?: string | Buffer;
  headers?: Record<string, string>;
}

function bodyCases(
  method: Case["method"],
  url: string,
  valid: Record<string, unknown>,
  schema: string,
  contentType: string,
): Case[] {
  const cases: Case[] = [];
  const { properties, required } = shape({ $ref: `#/components/schemas/${schema}` });
  const json = (name: string, body: unknown, headers: Record<string, string> = {}): Case => ({
    name: `${method} ${url} ${name}`,
    method,
    url,
    payload: JSON.stringify(body),
    headers: { "content-type": contentType, ...headers },
  });
  for (const [prop, propSchema] of Object.entries(properties)) {
    for (const wrong of WRONG[typeOf(propSchema)] ?? []) {
      cases.push(json(`/${prop} = ${JSON.stringify(wrong)}`, { ...valid, [prop]: wrong }));
    }
  }
  for (const member of new Set([...required, "@type"])) {
    const { [member]: _dropped, ...rest } = valid;
    cases.push(json(`without /${member}`, rest));
  }
  const deep: Record<string, unknown> = {};
  let at = deep;
  for (let i = 0; i < 200; i++) {
    const next: Record<string, unknown> = {};
    at.x = next;
    at = next;
  }
  cases.push(json("nested 200 deep", { ...valid, deep }));
  cases.push(json("oversized", { ...valid, description: "x".repeat(300 * 1024) }));
  for (const [name, text] of [
    ["not JSON", "{not json"],
    ["empty", ""],
    ["truncated", JSON.stringify(valid).slice(0, 40)],
    ["array", "[1,2,3]"],
    ["null", "null"],
    ["number", "42"],
    ["string", '"intent"'],
    ["__proto__", `{"__proto__":{"polluted":true},"@type":"Intent","name":"x"}`],
    ["NUL", `{"@type":"Intent","name":"a\u0000b"}`],
  ] as const) {
    cases.push({
      name: `${method} ${url} ${name}`,
      method,
      url,
      payload: text,
      headers: { "content-type": contentType },
    });
  }
  cases.push({
    name: `${method} ${url} invalid UTF-8`,
    method,
    url,
    payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    headers: { "content-type": contentType },
  });
  cases.push({
    ...json("as text/plain", valid),
    name: `${method} ${url} text/plain`,
    headers: { "content-type": "text/plain" },
  });
  cases.push({
    ...json("as XML", valid),
    name: `${method} ${url} xml`,
    headers: { "content-type": "application/xml" },
  });
  return cases;
}

let h: Harness;
let existing: string;
beforeAll(async () => {
  h = await startHarness({ limits: { rateMax: 100_000 } });
  const created = await h.serving.app.inject({
    method: "POST",
    url: `${BASE}/intent`,
    headers: { "x-api-key": KEYS.writer },
    payload: officialExample("Intent_create_example_01_request"),
  });
  existing = created.json().id;
  await h.serving.idle();
}, 120_000);
afterAll(async () => h?.stop());

it("answers hundreds of malformed requests with 4xx problem+json and writes nothing", async () => {
  const intent = officialExample("Intent_create_example_01_request");
  const cases: Case[] = [
    ...bodyCases("POST", `${BASE}/intent`, intent, "Intent_FVO", "application/json"),
    ...bodyCases("POST", "/api/intent", intent, "Intent_FVO", "application/json"),
    ...bodyCases(
      "PATCH",
      `${BASE}/intent/${existing}`,
      officialExample("Intent_Update_-_Patch_Merge_request"),
      "Intent_MVO",
      "application/merge-patch+json",
    ),
    ...bodyCases(
      "POST",
      `${BASE}/hub`,
      { "@type": "Hub", callback: "http://127.0.0.1:9/listener" },
      "Hub_FVO",
      "application/json",
    ),
  ];
  cases.push({
    name: "PATCH as JSON Patch (not supported)",
    method: "PATCH",
    url: `${BASE}/intent/${existing}`,
    payload: JSON.stringify(officialExample("Intent_Update_-_JSON_Patch_request")),
    headers: { "content-type": "application/json-patch+json" },
  });
  const badIds = ["UPPER", "a".repeat(300), "..", "%2e%2e%2fetc", "a%2Fb", "%00", "é", "-x-", "x".repeat(64)];
  for (const id of badIds) {
    for (const [method, url] of [
      ["GET", `${BASE}/intent/${id}`],
      ["DELETE", `${BASE}/intent/${id}`],
      ["GET", `${BASE}/intent/${id}/intentReport`],
      ["GET", `${BASE}/intent/${existing}/intentReport/${id}`],
      ["DELETE", `${BASE}/intent/${existing}/intentReport/${id}`],
      ["GET", `${BASE}/hub/${id}`],
      ["DELETE", `${BASE}/hub/${id}`],
      ["GET", `/api/intent/${id}`],
    ] as const) {
      cases.push({ name: `${method} ${url}`, method, url });
    }
  }
  for (const q of [
    "offset=-1",
    "offset=abc",
    "limit=-5",
    "limit=1e9",
    "limit=",
    `fields=${"a,".repeat(600)}`,
    "offset=1.5",
  ]) {
    cases.push({ name: `GET list ?${q}`, method: "GET", url: `${BASE}/intent?${q}` });
    cases.push({ name: `GET specifications ?${q}`, method: "GET", url: `${BASE}/intentSpecification?${q}` });
    cases.push({
      name: `GET reports ?${q}`,
      method: "GET",
      url: `${BASE}/intent/${existing}/intentReport?${q}`,
    });
  }
  for (const url of [
    "/nope",
    `${BASE}/intentSpecification/no-such-spec`,
    `${BASE}/listener/intentCreateEvent`,
    `${BASE}/intent/x/y/z`,
  ]) {
    cases.push({ name: `GET ${url}`, method: "GET", url });
  }
  cases.push({
    name: "PUT intent",
    method: "POST",
    url: `${BASE}/intent/${existing}`,
    payload: "{}",
    headers: { "content-type": "application/json" },
  });
  const keyCases: Array<Record<string, string>> = [
    {},
    { "x-api-key": "" },
    { "x-api-key": "wrong" },
    { "x-api-key": "k".repeat(10_000) },
    { authorization: "Bearer" },
    { authorization: `Basic ${Buffer.from(`x:${KEYS.writer}`).toString("base64")}` },
    { authorization: `Bearer ${KEYS.writer}x` },
  ];
  for (const headers of keyCases) {
    cases.push({
      name: `keys ${JSON.stringify(headers).slice(0, 40)}`,
      method: "POST",
      url: "/api/intent",
      payload: JSON.stringify(intent),
      headers: { "content-type": "application/json", ...headers, "x-fuzz-nokey": "1" },
    });
  }
  expect(cases.length).toBeGreaterThan(300);

  const before = await snapshot();
  const failures: string[] = [];
  for (const c of cases) {
    const headers = { ...(c.headers ?? {}) };
    const noKey = headers["x-fuzz-nokey"];
    delete headers["x-fuzz-nokey"];
    const res = await h.serving.app.inject({
      method: c.method,
      url: c.url,
      headers: noKey ? headers : { "x-api-key": KEYS.admin, ...headers },
      ...(c.payload !== undefined ? { payload: c.payload } : {}),
    });
    const problem =
      res.statusCode >= 400 &&
      res.statusCode < 500 &&
      String(res.headers["content-type"]).startsWith("application/problem+json");
    const body = res.body;
    if (!problem) failures.push(`${c.name} → ${res.statusCode} ${body.slice(0, 200)}`);
    else {
      const json = JSON.parse(body) as { code?: string; reason?: string };
      if (!json.code || !json.reason) failures.push(`${c.name}: problem without code/reason`);
      if (/\n\s+at |node_modules|\.ts:\d+/.test(body)) failures.push(`${c.name}: stack trace in the answer`);
      if (body.includes(KEYS.writer)) failures.push(`${c.name}: a key in the answer`);
    }
  }
  expect(failures).toEqual([]);
  expect(await snapshot()).toEqual(before);
}, 300_000);

async function snapshot() {
  const size = async (p: string) => (await stat(p).catch(() => ({ size: -1 }))).size;
  return {
    refs: await gitCli(["for-each-ref", "--format=%(refname) %(objectname)"], h.bare),
    intake: await size(join(h.work, ".intentops", "intake.jsonl")),
    journal: await size(join(h.work, ".intentops", "journal.jsonl")),
    hub: await readFile(join(h.work, ".intentops", "hub.json"), "utf8").catch(() => "none"),
  };
}
