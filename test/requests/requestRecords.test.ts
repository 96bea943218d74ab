/**
 * Request records over HTTP intake: `intentops serve` in-process with a real Git smart-HTTP remote. A POST
 * gets a record (who, when, what, the run it started) with its ordered log — received, accepted,
 * run-submitted, committed, run phases — readable through `GET /api/requests…` and `intentops requests`;
 * a refused create (the id exists) is recorded as refused with its code; an unknown id is 404 / exit 1.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Harness, KEYS, officialExample, startHarness, waitFor } from "../api/serveHarness.js";
import { runCliJson } from "./runCliJson.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const get = async (path: string, key: string = KEYS.reader) => {
  const res = await fetch(`${h.base}${path}`, { headers: { "x-api-key": key } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

interface RecordBody {
  requestId: string;
  channel: string;
  who: string;
  kind: string;
  intentId: string;
  outcome: string;
  runId?: string;
  log: Array<{ event: string; code?: string; phase?: string; commit?: string }>;
}

it("records every HTTP intake request with its ordered log, through the API and the CLI", async () => {
  const post = (id: string, requestId: string) =>
    fetch(`${h.base}/api/intent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": KEYS.writer, "x-request-id": requestId },
      body: JSON.stringify({ ...officialExample("Intent_create_example_01_request"), id }),
    });
  const first = await post("records-1", "req-first");
  expect(first.status).toBe(202);
  await first.arrayBuffer();
  const again = await post("records-1", "req-again");
  expect(again.status).toBe(409);
  await again.arrayBuffer();

  const record = await waitFor("the first request committed and its run terminal", async () => {
    const { body } = await get("/api/requests/req-first");
    const r = body as unknown as RecordBody;
    const events = r.log?.map((e) => e.event) ?? [];
    return events.includes("committed") && r.log.some((e) => e.phase === "Failed" || e.phase === "Succeeded")
      ? r
      : undefined;
  });
  expect(record).toMatchObject({
    requestId: "req-first",
    channel: "http",
    who: "writer",
    kind: "create",
    intentId: "records-1",
    outcome: "accepted",
  });
  const runs = h.serving.intake.runsOf("records-1");
  expect(record.runId).toBe(runs[0]!.runId);
  expect(record.log.slice(0, 2).map((e) => e.event)).toEqual(["received", "accepted"]);
  expect(record.log.find((e) => e.event === "committed")?.commit).toMatch(/^[0-9a-f]{40}$/);

  const refused = (await get("/api/requests/req-again")).body as unknown as RecordBody;
  expect(refused.outcome).toBe("refused");
  expect(refused.log.map((e) => [e.event, e.code ?? null])).toEqual([
    ["received", null],
    ["refused", "E_CONFLICT"],
  ]);

  const list = await get("/api/requests?intentId=records-1");
  expect((list.body as unknown as RecordBody[]).map((r) => r.requestId).sort()).toEqual([
    "req-again",
    "req-first",
  ]);
  expect((await get("/api/requests/nope")).status).toBe(404);
  expect((await get("/api/requests/req-first", "not-a-key-0123456789abcdef")).status).toBe(401);

  await h.serving.idle();
  const cli = await runCliJson(["requests", "req-first"], h.work);
  expect(cli.code).toBe(0);
  expect(cli.stdout).toContain("req-first  http  writer  create records-1  accepted");
  expect(cli.stdout).toMatch(/ {2}\S+ {2}committed {2}[0-9a-f]{40}\n/);
  const unknown = await runCliJson(["requests", "nope"], h.work);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain("no request nope");
});
