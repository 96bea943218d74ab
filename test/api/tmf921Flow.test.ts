/**
 * The TMF921 conformance-kit flow over a real socket, every response checked against the served OpenAPI
 * (the official TMF921 v5 document for its paths): a hub listener is registered, TMF921's own example
 * intent is POSTed (201, even though its expression is not in our profile: the compile failure shows as
 * `rejected` and in its IntentReport), read with `?fields=`, listed with paging headers, PATCHed (a new
 * revision, a new run and report), its reports read and one deleted, then the intent deleted (204) and
 * gone (404). The listener receives the create, status, report, attribute-change and delete events, and
 * the Git remote holds each accepted change in a commit by the key's identity with the request id.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitLog } from "../e2e/helpers.js";
import { gitCli } from "../support/gitHttpServer.js";
import { callChecked, checkSchema } from "./contractCheck.js";
import { type Harness, KEYS, officialExample, startHarness, waitFor } from "./serveHarness.js";

const BASE = "/tmf-api/intentManagement/v5";
let h: Harness;
let listener: Server;
let listenerUrl: string;
const events: Array<Record<string, unknown>> = [];
const checked = new Set<string>();

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const r = await callChecked(h.base, KEYS.writer, method, path, body, headers);
  checked.add(r.operation);
  return r;
}

beforeAll(async () => {
  h = await startHarness();
  listener = createServer((req, res) => {
    let data = "";
    req.on("data", (c) => {
      data += c;
    });
    req.on("end", () => {
      events.push(JSON.parse(data) as Record<string, unknown>);
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
  listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/listener`;
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await new Promise((r) => listener?.close(r));
});

describe("TMF921 v5 flow", () => {
  it("creates, reads, patches, reports and deletes an intent as the conformance kit does", async () => {
    const hub = await call("POST", `${BASE}/hub`, { "@type": "Hub", callback: listenerUrl });
    expect(hub.status).toBe(201);
    expect((await call("GET", `${BASE}/hub/${hub.json.id}`)).json.callback).toBe(listenerUrl);

    // GIVEN TMF921's own create example WHEN it is POSTed THEN 201 and an Intent with an id and href
    const created = await call("POST", `${BASE}/intent`, officialExample("Intent_create_example_01_request"));
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(created.json.href).toBe(`${BASE}/intent/${id}`);
    expect(created.headers.get("location")).toBe(`${BASE}/intent/${id}`);

    // Git holds it, committed by the key's identity with the request id as a trailer
    const files = await gitCli(["ls-tree", "-r", "--name-only", "main"], h.bare);
    expect(files.split("\n")).toContain(`intents/${id}.json`);
    const author = await gitCli(
      ["log", "-1", "--format=%an <%ae>%n%B", "main", "--", `intents/${id}.json`],
      h.bare,
    );
    expect(author).toContain("Writer Bot <writer@example.test>");
    expect(author).toMatch(/Request-Id: \S+/);

    // the compile failure shows in lifecycleStatus and in the report
    const rejected = await waitFor("the run to end", async () => {
      const r = await call("GET", `${BASE}/intent/${id}`);
      return r.json.lifecycleStatus === "rejected" ? r : undefined;
    });
    expect(rejected.json.name).toBe(created.json.name);

    const fields = await call("GET", `${BASE}/intent/${id}?fields=name,lifecycleStatus`);
    expect(Object.keys(fields.json).sort()).toEqual(["@type", "href", "id", "lifecycleStatus", "name"]);

    const list = await call("GET", `${BASE}/intent?fields=name&offset=0&limit=10`);
    expect(list.status).toBe(200);
    expect(list.headers.get("x-total-count")).toBe("1");
    expect(list.headers.get("x-result-count")).toBe("1");
    expect(list.json.map((i: { id: string }) => i.id)).toEqual([id]);

    const reports = await call("GET", `${BASE}/intent/${id}/intentReport`);
    expect(reports.json).toHaveLength(1);
    const report = await call("GET", `${BASE}/intent/${id}/intentReport/${reports.json[0].id}`);
    expect(report.json.expression.expressionValue["io:lifecycleStatus"]).toBe("rejected");
    expect(report.json.expression.expressionValue["io:error"]["io:code"]).toMatch(/^E_/);

    // PATCH: a new revision, a new run, a second report
    const patch = officialExample("Intent_Update_-_Patch_Merge_request");
    const patched = await call("PATCH", `${BASE}/intent/${id}`, patch, {
      "content-type": "application/merge-patch+json",
    });
    expect(patched.status).toBe(200);
    expect(patched.json.description).toBe(patch.description);
    expect(patched.json.validFor).toEqual(patch.validFor);
    await waitFor("the second run to end", async () => {
      const r = await call("GET", `${BASE}/intent/${id}/intentReport`);
      return r.json.length === 2 &&
        r.json.every((x: any) => x.expression.expressionValue["io:phase"] === "Failed")
        ? r
        : undefined;
    });
    const second = await call("GET", `${BASE}/intent/${id}/intentReport`);
    expect((await call("DELETE", `${BASE}/intent/${id}/intentReport/${second.json[0].id}`)).status).toBe(204);
    expect((await call("GET", `${BASE}/intent/${id}/intentReport`)).json).toHaveLength(1);

    expect((await call("DELETE", `${BASE}/intent/${id}`)).status).toBe(204);
    expect((await call("GET", `${BASE}/intent/${id}`)).status).toBe(404);
    const after = await gitCli(["ls-tree", "-r", "--name-only", "main"], h.bare);
    expect(after.split("\n")).not.toContain(`intents/${id}.json`);
    const log = await gitLog(h.bare);
    expect(log.filter((c) => c.body.includes(`Intent-Id: ${id}`)).length).toBe(3); // create, patch, delete

    await h.serving.idle();
    const types = events.map((e) => e.eventType);
    for (const t of [
      "IntentCreateEvent",
      "IntentReportCreateEvent",
      "IntentStatusChangeEvent",
      "IntentAttributeValueChangeEvent",
      "IntentReportDeleteEvent",
      "IntentDeleteEvent",
    ]) {
      expect(types, t).toContain(t);
    }
    for (const e of events) checkEvent(e);

    expect((await call("DELETE", `${BASE}/hub/${hub.json.id}`)).status).toBe(204);
    expect((await call("GET", `${BASE}/hub/${hub.json.id}`)).status).toBe(404);
  }, 180_000);

  it("answers every route's refusals with problem+json the OpenAPI lists", async () => {
    const r = [
      await call("GET", `${BASE}/intent/does-not-exist`),
      await call("PATCH", `${BASE}/intent/does-not-exist`, { "@type": "Intent", description: "x" }),
      await call("DELETE", `${BASE}/intent/does-not-exist`),
      await call("GET", `${BASE}/intent/does-not-exist/intentReport`),
      await call("GET", `${BASE}/intent/does-not-exist/intentReport/x`),
      await call("POST", `${BASE}/intent`, { name: 5 }),
      await call("POST", `${BASE}/intent`, "{not json"),
      await call("GET", `${BASE}/intent`, undefined, { "x-api-key": "wrong-key-wrong-key" }),
      await call("POST", `${BASE}/intent`, officialExample("Intent_create_example_01_request"), {
        "x-api-key": KEYS.reader,
      }),
      await call("POST", `${BASE}/hub`, { "@type": "Hub", callback: "ftp://x" }),
      await call("GET", `${BASE}/hub/nope`),
      await call("GET", "/api/intent/nope"),
    ];
    expect(r.map((x) => x.status)).toEqual([404, 404, 404, 404, 404, 400, 400, 401, 403, 400, 404, 404]);
    const ours = [
      await call("GET", "/health"),
      await call("GET", "/health/ready"),
      await call("GET", "/api/statistics"),
      await call("GET", "/openapi.json"),
    ];
    expect(ours.map((x) => x.status)).toEqual([200, 200, 200, 200]);
    expect(ours[1]!.json.checks).toMatchObject({
      git: { ok: true },
      journal: { ok: true },
      sites: { ok: true },
    });
    expect(ours[3]!.json.paths).toHaveProperty([`${BASE}/intent/{id}`]);
  }, 120_000);

  it("serves the intent specification intents are accepted against, read-only", async () => {
    const list = await call("GET", `${BASE}/intentSpecification`, undefined, { "x-api-key": KEYS.reader });
    expect(list.status).toBe(200);
    expect(list.headers.get("x-total-count")).toBe("1");
    expect(list.json).toHaveLength(1);
    const id = String(list.json[0].id);
    expect(list.json[0].expressionSpecification.expressionLanguage).toBe("JSON-LD");
    const some = await call("GET", `${BASE}/intentSpecification?fields=name&limit=1`);
    expect(Object.keys(some.json[0]).sort()).toEqual(["@type", "href", "id", "name"]);
    const one = await call("GET", `${BASE}/intentSpecification/${id}`);
    expect(one.status).toBe(200);
    expect(one.json).toEqual(list.json[0]);
    const none = await call("GET", `${BASE}/intentSpecification/no-such-spec`);
    expect(none.status).toBe(404);
    expect(none.headers.get("content-type")).toContain("application/problem+json");
    const anonymous = await fetch(`${h.base}${BASE}/intentSpecification`);
    expect(anonymous.status).toBe(401);
    await anonymous.arrayBuffer();
  });

  it("covered every TMF921 intent, report and hub operation", () => {
    const ops = new Set([...checked].map((c) => c.split(" ").slice(0, 2).join(" ")));
    for (const op of [
      `GET ${BASE}/intent`,
      `POST ${BASE}/intent`,
      `GET ${BASE}/intent/{id}`,
      `PATCH ${BASE}/intent/{id}`,
      `DELETE ${BASE}/intent/{id}`,
      `GET ${BASE}/intent/{intentId}/intentReport`,
      `GET ${BASE}/intent/{intentId}/intentReport/{id}`,
      `DELETE ${BASE}/intent/{intentId}/intentReport/{id}`,
      `POST ${BASE}/hub`,
      `GET ${BASE}/hub/{id}`,
      `DELETE ${BASE}/hub/{id}`,
      `GET ${BASE}/intentSpecification`,
      `GET ${BASE}/intentSpecification/{id}`,
    ]) {
      expect(ops, op).toContain(op);
    }
  });
});

/** A hub event must match its event schema in the official document (what its listener path takes). */
function checkEvent(event: Record<string, unknown>) {
  const type = String(event.eventType);
  checkSchema(type, event);
  expect(event["@type"]).toBe(type);
  expect(typeof event.eventId).toBe("string");
  expect(Number.isNaN(Date.parse(String(event.eventTime)))).toBe(false);
}
