/**
 * The console's read models and rollback on the real service (startServe, a real Git smart-HTTP remote;
 * no cluster, so runs fail at Reconciling and are compensated): whoami, the intents list, a run's phase
 * timeline with durations, the evidence chain with its verification, and rollback (write scope only) as
 * a revert commit on the remote.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitCli } from "../support/gitHttpServer.js";
import { compilingIntent, type Harness, KEYS, startHarness, waitFor } from "./serveHarness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

async function call(path: string, key: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${h.base}${path}`, {
    method: init.method ?? "GET",
    headers: { "x-api-key": key, ...(init.body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

const TERMINAL = new Set([
  "Succeeded",
  "Failed",
  "RolledBack",
  "CompensationFailed",
  "RollbackFailed",
  "Held",
]);

describe("console API", () => {
  it("whoami names the key and its scopes", async () => {
    expect((await call("/api/whoami", KEYS.reader)).json).toMatchObject({
      keyId: "reader",
      scopes: ["read"],
    });
    expect((await call("/api/whoami", "nope")).status).toBe(401);
  });

  it("lists intents, and a run's phase timeline with durations and per-site state", async () => {
    const intent = { ...compilingIntent(), id: "console-one" };
    expect((await call("/api/intent", KEYS.writer, { method: "POST", body: intent })).status).toBe(202);
    const list = await waitFor("the run to be submitted", async () => {
      const all = (await call("/api/intents", KEYS.reader)).json as unknown as { runs: number }[];
      return all[0]?.runs === 1 ? all : undefined;
    });
    expect(list).toEqual([
      expect.objectContaining({
        intentId: "console-one",
        name: "Edge analytics on edge1 and edge2",
        revisions: 1,
      }),
    ]);
    const done = await waitFor(
      "the run to end",
      async () => {
        const view = await call("/api/intent/console-one/runs", KEYS.reader);
        return TERMINAL.has(view.json.runs?.[0]?.phase) ? view.json : undefined;
      },
      180_000,
    );
    const run = done.runs[0];
    const phases = run.timeline.map((s: { phase: string }) => s.phase);
    expect(phases.slice(0, 5)).toEqual(["Pending", "Compiling", "Rendering", "Delivering", "Reconciling"]);
    expect(phases.at(-1)).toBe(run.phase);
    for (const step of run.timeline.slice(0, -1)) expect(step.durationMs).toBeGreaterThanOrEqual(0);
    expect(run.timeline.at(-1).durationMs).toBeNull();
    expect(Object.keys(run.sites)).toEqual(["edge1", "edge2"]);
    expect(done.body.id).toBe("console-one");
    expect((await call("/api/intent/nope/runs", KEYS.reader)).status).toBe(404);
  });

  it("shows the evidence chain with its verification", async () => {
    const view = await call("/api/intent/console-one/evidence", KEYS.reader);
    expect(view.status).toBe(200);
    expect(view.json.verification.ok).toBe(true);
    expect(view.json.records.length).toBeGreaterThan(0);
    expect(view.json.records.map((r: { action: string }) => r.action)).toContain("compile");
  });

  it("rollback: refused to a read key; nothing to revert is a 409; a write key gets a revert commit pushed", async () => {
    const bare = h.bare;
    // console-one's delivery was already reverted by compensation (no cluster here): nothing to revert.
    const empty = await call("/api/intent/console-one/rollback", KEYS.writer, { method: "POST", body: {} });
    expect(empty.status).toBe(409);
    expect(empty.json.code).toBe("E_REVERT_EMPTY");
    // An intent that does not compile is still committed (intents/<id>.json) and never delivered.
    const rejected = JSON.parse(JSON.stringify({ ...compilingIntent(), id: "console-two" }));
    rejected.expression.expressionValue["icm:hasExpectation"][0]["icm:params"]["io:site"] = ["nowhere"];
    expect((await call("/api/intent", KEYS.writer, { method: "POST", body: rejected })).status).toBe(202);
    await waitFor(
      "the intent file on the remote",
      async () =>
        (await gitCli(["ls-tree", "-r", "--name-only", "main"], bare).catch(() => "")).includes(
          "intents/console-two.json",
        ) || undefined,
      120_000,
    );
    const before = (await gitCli(["rev-parse", "main"], bare)).trim();
    expect(
      (await call("/api/intent/console-two/rollback", KEYS.reader, { method: "POST", body: {} })).status,
    ).toBe(403);
    expect((await gitCli(["rev-parse", "main"], bare)).trim()).toBe(before);
    const r = await call("/api/intent/console-two/rollback", KEYS.writer, {
      method: "POST",
      body: { reason: "test" },
    });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.pushed).toBe(true);
    expect((await gitCli(["rev-parse", "main"], bare)).trim()).toBe(r.json.commit);
    expect((await gitCli(["log", "-1", "--format=%s", "main"], bare)).trim()).toMatch(/^Revert/);
    expect(await gitCli(["ls-tree", "-r", "--name-only", "main"], bare)).not.toContain(
      "intents/console-two.json",
    );
  });

  it("PUT /api/intent/:id: a new revision replaces the whole document (keys the draft lacks are gone)", async () => {
    const revision = { ...compilingIntent(), id: "console-one", name: "Second revision" };
    delete (revision as Record<string, unknown>)["description"];
    expect(
      (await call("/api/intent/console-one", KEYS.reader, { method: "PUT", body: revision })).status,
    ).toBe(403);
    const mismatch = await call("/api/intent/console-one", KEYS.writer, {
      method: "PUT",
      body: { ...revision, id: "other" },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.code).toBe("E_ID_MISMATCH");
    const invalid = await call("/api/intent/console-one", KEYS.writer, {
      method: "PUT",
      body: { name: "x" },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.code).toBe("E_VALIDATION");
    expect((await call("/api/intent/nope", KEYS.writer, { method: "PUT", body: revision })).status).toBe(404);
    const before = (await call("/api/intent/console-one/runs", KEYS.reader)).json.runs.length as number;
    const put = await call("/api/intent/console-one", KEYS.writer, { method: "PUT", body: revision });
    expect(put.status, JSON.stringify(put.json)).toBe(202);
    expect(put.json).toMatchObject({ intentId: "console-one", revisions: 2 });
    const view = (await call("/api/intent/console-one/runs", KEYS.reader)).json;
    expect(view.runs.length).toBe(before + 1);
    expect(view.runs.at(-1).runId).toBe(put.json.runId);
    expect(view.body.name).toBe("Second revision");
    expect(view.body).not.toHaveProperty("description");
    await waitFor(
      "the revision's run to end",
      async () => {
        const runs = (await call("/api/intent/console-one/runs", KEYS.reader)).json.runs;
        return TERMINAL.has(runs.at(-1)?.phase) || undefined;
      },
      180_000,
    );
  });
});
