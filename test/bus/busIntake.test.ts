/**
 * Bus intake on the real broker (Debian's nats-server with JetStream) into the real `intentops serve`
 * process (the built CLI) with a real Git smart-HTTP remote: 1,000 messages — 850 distinct valid TMF921
 * intents, 100 redeliveries of earlier ones (10 %), 50 poison messages of seven kinds (5 %). The service is
 * SIGKILLed after ~300 answers and started again. Afterwards exactly the 850 distinct intents are in the
 * intake log (once each), have one run each and one commit each in Git; the 50 poison messages are on the
 * dead-letter stream with their reasons and without the producer's credential; the reply stream holds one
 * outcome per intake message.
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { type JetStreamClient, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { busNames } from "../../pipeline/bus/startBusIntake.js";
import { readJournal, replayJournal } from "../../pipeline/run/journal.js";
import { TERMINAL } from "../../pipeline/run/runTypes.js";
import { type NatsServer, natsAvailable, startNats } from "../../pipeline/sandbox/startNats.js";
import { KEYS, officialExample, waitFor } from "../api/serveHarness.js";
import { prepareServeWork, type ServeProcess, type ServeWork, spawnServe } from "../api/serveProcess.js";
import { runCliJson } from "../requests/runCliJson.js";
import { gitCli } from "../support/gitHttpServer.js";

if (!(await natsAvailable())) throw new Error("nats-server is not installed: run .ci/install");

let nats: NatsServer;
let w: ServeWork;
let nc: NatsConnection;
let serve: ServeProcess | undefined;

beforeAll(async () => {
  nats = await startNats();
  w = await prepareServeWork("bus");
  nc = await connect({
    servers: nats.url,
    user: nats.user,
    pass: (await readFile(nats.passwordFile, "utf8")).trim(),
  });
}, 60_000);
afterAll(async () => {
  serve?.child.kill("SIGKILL");
  await nc?.close();
  await nats?.stop();
  await w?.gitServer.close();
  if (w) await rm(w.work, { recursive: true, force: true });
});

interface Planned {
  data: string;
  key: string | null;
  /** valid: a distinct intent; dup: a redelivery of `of`; poison: the code expected on the DLQ. */
  kind: "valid" | "dup" | "poison";
  id?: string;
  code?: string;
}

function plan(): Planned[] {
  const base = officialExample("Intent_create_example_01_request");
  const valid = (n: number): Planned => {
    const id = `bus-${n}`;
    return { data: JSON.stringify({ ...base, id }), key: KEYS.writer, kind: "valid", id };
  };
  const poisons: Array<() => Planned> = [
    () => ({ data: '{"name": "broken",', key: KEYS.writer, kind: "poison", code: "E_SYNTAX" }),
    () => ({ data: JSON.stringify(base), key: KEYS.writer, kind: "poison", code: "E_UNSAFE_ID" }),
    () => ({
      data: JSON.stringify({ ...base, id: "Bad_Id" }),
      key: KEYS.writer,
      kind: "poison",
      code: "E_UNSAFE_ID",
    }),
    () => ({
      data: JSON.stringify({ ...base, id: "schema-bad", isBundle: "yes" }),
      key: KEYS.writer,
      kind: "poison",
      code: "E_VALIDATION",
    }),
    () => ({
      data: JSON.stringify({ ...base, id: "wrong-key" }),
      key: "not-a-key-0123456789abcdef",
      kind: "poison",
      code: "E_UNAUTHENTICATED",
    }),
    () => ({
      data: JSON.stringify({ ...base, id: "read-only" }),
      key: KEYS.reader,
      kind: "poison",
      code: "E_FORBIDDEN",
    }),
    () => ({
      data: JSON.stringify({ intentId: "plain", service: "web", qos: { latencyMs: 10 } }),
      key: KEYS.writer,
      kind: "poison",
      code: "E_PLAIN_SHAPE",
    }),
  ];
  const out: Planned[] = [];
  let distinct = 0;
  let poison = 0;
  for (let i = 0; i < 1000; i++) {
    if (i % 20 === 7) out.push(poisons[poison++ % poisons.length]!());
    else if (i % 10 === 3) {
      // A redelivery of an intent published a little earlier, byte for byte.
      const valids = out.filter((p) => p.kind === "valid");
      const earlier = valids[valids.length - 1 - (Math.floor(i / 10) % 3)]!;
      out.push({ ...earlier, kind: "dup" });
    } else out.push(valid(distinct++));
  }
  return out;
}

async function publishAll(js: JetStreamClient, planned: Planned[]) {
  for (const p of planned) {
    const h = headers();
    if (p.key) h.set("X-API-Key", p.key);
    // No Nats-Msg-Id: the broker must not be what removes the duplicates; the intake must.
    await js.publish("intentops.intake.writer", p.data, { headers: h });
  }
}

async function readStream(name: string, count: number) {
  const js = jetstream(nc);
  const consumer = await js.consumers.get(name);
  const out: Array<{ seq: number; headers: Record<string, string>; data: string }> = [];
  if (count === 0) return out;
  const messages = await consumer.consume();
  for await (const m of messages) {
    const h: Record<string, string> = {};
    for (const k of m.headers?.keys() ?? []) h[k] = m.headers!.get(k);
    out.push({ seq: m.seq, headers: h, data: m.string() });
    if (out.length >= count) break;
  }
  await messages.close();
  return out;
}

it("takes 850 distinct intents exactly once across a SIGKILL; 50 poison messages go to the DLQ with reasons", async () => {
  const planned = plan();
  expect(planned.filter((p) => p.kind === "valid")).toHaveLength(850);
  expect(planned.filter((p) => p.kind === "dup")).toHaveLength(100);
  expect(planned.filter((p) => p.kind === "poison")).toHaveLength(50);
  const busArgs = [
    "--bus-url",
    nats.url,
    "--bus-user",
    nats.user,
    "--bus-password-file",
    nats.passwordFile,
    "--bus-ack-wait",
    "15000",
  ];
  serve = await spawnServe(w, busArgs);
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const names = busNames();
  await publishAll(js, planned);

  await waitFor(
    "300 answers before the kill",
    async () => {
      const info = await jsm.streams.info(names.reply.stream).catch(() => undefined);
      return info && info.state.messages >= 300 ? true : undefined;
    },
    300_000,
  );
  serve.child.kill("SIGKILL");
  expect((await serve.exited).signal).toBe("SIGKILL");
  const repliesAtKill = (await jsm.streams.info(names.reply.stream)).state.messages;
  expect(repliesAtKill).toBeLessThan(1000);

  serve = await spawnServe(w, busArgs);
  await waitFor(
    "every intake message answered and acknowledged",
    async () => {
      const intake = await jsm.streams.info(names.intake.stream);
      const consumer = await jsm.consumers.info(names.intake.stream, names.intake.durable);
      return intake.state.messages === 0 && consumer.num_ack_pending === 0 && consumer.num_pending === 0
        ? true
        : undefined;
    },
    240_000,
  );

  // Replies: one per intake message (sequence 1…1000), with the outcome its kind calls for.
  const replies = await readStream(names.reply.stream, 1000);
  expect((await jsm.streams.info(names.reply.stream)).state.messages).toBe(1000);
  const bySeq = new Map(replies.map((r) => [Number(r.headers["Intentops-Source-Seq"]), JSON.parse(r.data)]));
  expect(bySeq.size).toBe(1000);
  planned.forEach((p, i) => {
    const reply = bySeq.get(i + 1) as { outcome: string; intentId?: string; code?: string };
    const want = p.kind === "valid" ? "accepted" : p.kind === "dup" ? "duplicate" : "refused";
    expect(reply.outcome, `message ${i + 1}`).toBe(want);
    if (p.kind !== "poison") expect(reply.intentId).toBe(p.id);
    else expect(reply.code, `message ${i + 1}`).toBe(p.code);
  });

  // Dead letters: exactly the 50 poison messages, original bytes, reason, never the credential.
  const dlq = await readStream(names.dlq.stream, 50);
  expect((await jsm.streams.info(names.dlq.stream)).state.messages).toBe(50);
  for (const d of dlq) {
    const seq = Number(d.headers["Intentops-Source-Seq"]);
    const p = planned[seq - 1]!;
    expect(p.kind, `dead letter of message ${seq}`).toBe("poison");
    expect(d.data).toBe(p.data);
    expect(d.headers["Intentops-Error-Code"]).toBe(p.code);
    expect(d.headers["Intentops-Reason"]?.length).toBeGreaterThan(10);
    expect(Object.keys(d.headers).map((k) => k.toLowerCase())).not.toContain("x-api-key");
    expect(JSON.stringify(d.headers)).not.toContain(KEYS.writer);
  }
  if (dlq.some((d) => d.headers["Intentops-Error-Code"] === "E_VALIDATION")) {
    const schema = dlq.find((d) => d.headers["Intentops-Error-Code"] === "E_VALIDATION")!;
    expect(JSON.parse(schema.headers["Intentops-Problems"]!)[0].pointer).toBe("/isBundle");
  }

  // The intake log: each distinct intent once; no poison id ever.
  const state = join(w.work, ".intentops");
  const changes = (await readFile(join(state, "intake.jsonl"), "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; intentId?: string; requestId?: string })
    .filter((e) => e.type === "change");
  const ids = planned.filter((p) => p.kind === "valid").map((p) => p.id!);
  expect(changes).toHaveLength(850);
  expect(new Set(changes.map((c) => c.intentId))).toEqual(new Set(ids));
  expect(changes.every((c) => /^bus-\d+$/.test(c.requestId!))).toBe(true);

  // Each ends in one terminal run and one commit of its file.
  const runs = await waitFor(
    "a terminal run of every accepted intent",
    async () => {
      const all = replayJournal(await readJournal(join(state, "journal.jsonl")));
      const done = new Set(all.filter((r) => TERMINAL.has(r.phase)).map((r) => r.intentId));
      return ids.every((id) => done.has(id)) ? all : undefined;
    },
    240_000,
  );
  const touched = await waitFor(
    "Git to hold every accepted intent",
    async () => {
      const files = (await gitCli(["log", "--format=", "--name-only", "main", "--", "intents/"], w.bare))
        .split("\n")
        .filter(Boolean);
      const held = new Set(files);
      return ids.every((id) => held.has(`intents/${id}.json`)) ? files : undefined;
    },
    240_000,
  );
  const runCount = new Map<string, number>();
  for (const r of runs) runCount.set(r.intentId, (runCount.get(r.intentId) ?? 0) + 1);
  const commitCount = new Map<string, number>();
  for (const f of touched) commitCount.set(f, (commitCount.get(f) ?? 0) + 1);
  for (const id of ids) {
    expect(runCount.get(id), `${id} runs`).toBe(1);
    expect(commitCount.get(`intents/${id}.json`), `${id} commits`).toBe(1);
  }
  expect(runs.length).toBe(850);

  // Request records: one per intake message, readable through the API and the CLI, with their log.
  const api = async (path: string) => {
    const res = await fetch(`${serve!.url}${path}`, { headers: { "x-api-key": KEYS.reader } });
    expect(res.status, path).toBe(200);
    return res.json() as Promise<Record<string, unknown> & { log: Array<{ event: string; code?: string }> }>;
  };
  const firstValid = planned.findIndex((p) => p.kind === "valid") + 1;
  const firstDup = planned.findIndex((p) => p.kind === "dup") + 1;
  const firstPoison = planned.findIndex((p) => p.kind === "poison") + 1;
  const accepted = await api(`/api/requests/bus-${firstValid}`);
  expect(accepted).toMatchObject({ channel: "bus", who: "writer", outcome: "accepted", intentId: "bus-0" });
  expect(accepted.runId).toBe(runs.find((r) => r.intentId === "bus-0")!.runId);
  const events = accepted.log.map((e) => e.event);
  expect(events.slice(0, 2)).toEqual(["received", "accepted"]);
  expect(events).toContain("run-submitted");
  expect(events).toContain("replied");
  const dup = await api(`/api/requests/bus-${firstDup}`);
  expect(dup).toMatchObject({ outcome: "duplicate", intentId: planned[firstDup - 1]!.id });
  const poison = await api(`/api/requests/bus-${firstPoison}`);
  expect(poison).toMatchObject({ outcome: "refused", who: "writer" });
  expect(poison.log.find((e) => e.event === "refused")?.code).toBe(planned[firstPoison - 1]!.code);
  const listed = await fetch(`${serve.url}/api/requests?limit=1000`, {
    headers: { "x-api-key": KEYS.reader },
  });
  expect(listed.headers.get("x-total-count")).toBe("1000");
  await listed.arrayBuffer();
  const cli = await runCliJson(["requests", `bus-${firstPoison}`, "--json"], w.work);
  expect(cli.code).toBe(0);
  expect(JSON.parse(cli.stdout)).toMatchObject({ requestId: `bus-${firstPoison}`, outcome: "refused" });
  serve.child.kill("SIGTERM");
  await serve.exited;
  serve = undefined;
}, 900_000);
