/**
 * The request records: every intake request (HTTP, bus) gets a record — who asked, when, through which
 * channel, what (intent id, digest, kind), the run it started — and the ordered log of what happened to it
 * (received, accepted / duplicate / refused with the reason, run submitted, each run phase, committed to
 * Git, answered on the reply topic). Kept as JSON lines in `<state>/requests.jsonl`, one event a line,
 * appended in order; a record is the fold of its events. The intake log stays the source of truth for
 * what was accepted; this log says what happened to each request.
 */
import { mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { openLineAppender } from "../fs/openLineAppender.js";

export type RequestChannel = "http" | "bus";

export interface RequestEvent {
  requestId: string;
  at: string;
  event:
    | "received"
    | "accepted"
    | "duplicate"
    | "refused"
    | "run-submitted"
    | "run-phase"
    | "committed"
    | "replied";
  /** On `received`: the channel, the producer's key id and what was asked. */
  channel?: RequestChannel;
  who?: string | null;
  kind?: "create" | "revise" | "delete";
  intentId?: string;
  digest?: string | null;
  runId?: string;
  phase?: string;
  commit?: string | null;
  code?: string;
  reason?: string;
  /** Bus messages: the intake stream's sequence and whether the broker redelivered it. */
  seq?: number;
  redelivered?: boolean;
}

export interface RequestRecord {
  requestId: string;
  channel: RequestChannel;
  who: string | null;
  receivedAt: string;
  kind?: "create" | "revise" | "delete";
  intentId?: string;
  digest?: string | null;
  runId?: string;
  /** accepted | duplicate | refused | received (nothing decided yet). */
  outcome: "received" | "accepted" | "duplicate" | "refused";
  log: Array<Omit<RequestEvent, "requestId">>;
}

export interface RequestLog {
  append(event: RequestEvent): Promise<void>;
  get(requestId: string): RequestRecord | undefined;
  /** Newest first; `intentId` filters. */
  list(filter?: { intentId?: string }): RequestRecord[];
  /** The requests whose run is `runId`. */
  byRun(runId: string): string[];
  close(): Promise<void>;
}

/** Folds events into records, in log order. */
export function foldRequests(events: readonly RequestEvent[]): Map<string, RequestRecord> {
  const records = new Map<string, RequestRecord>();
  for (const e of events) applyEvent(records, e);
  return records;
}

function applyEvent(records: Map<string, RequestRecord>, e: RequestEvent): RequestRecord {
  const { requestId, ...entry } = e;
  let record = records.get(requestId);
  if (!record) {
    record = {
      requestId,
      channel: e.channel ?? "http",
      who: e.who ?? null,
      receivedAt: e.at,
      outcome: "received",
      log: [],
    };
    records.set(requestId, record);
  }
  record.log.push(entry);
  if (e.kind) record.kind = e.kind;
  if (e.intentId) record.intentId = e.intentId;
  if (e.digest !== undefined) record.digest = e.digest;
  if (e.event === "run-submitted" && e.runId) record.runId = e.runId;
  if (e.event === "accepted" || e.event === "duplicate" || e.event === "refused") record.outcome = e.event;
  return record;
}

export async function readRequestEvents(path: string): Promise<RequestEvent[]> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  const events: RequestEvent[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      events.push(JSON.parse(line) as RequestEvent);
    } catch {
      break; // only the last line can be torn by a crash
    }
  }
  return events;
}

/** @example const log = await openRequestLog(".intentops/requests.jsonl"); await log.append(event); */
export async function openRequestLog(path: string): Promise<RequestLog> {
  await mkdir(dirname(path), { recursive: true });
  const records = foldRequests(await readRequestEvents(path));
  const runs = new Map<string, string[]>();
  for (const r of records.values())
    if (r.runId) runs.set(r.runId, [...(runs.get(r.runId) ?? []), r.requestId]);
  // Every event of one turn of the event loop goes out in one write (not fsync'd: the intake log is the
  // durable record). Written at once, the first event of each turn was a write of its own: under load that
  // was most of the service's file writes.
  const lines = await openLineAppender(path, { sync: false, gather: true });
  return {
    append(event) {
      const record = applyEvent(records, event);
      if (event.event === "run-submitted" && event.runId) {
        runs.set(event.runId, [...(runs.get(event.runId) ?? []), record.requestId]);
      }
      return lines.append(`${JSON.stringify(event)}\n`);
    },
    get: (requestId) => records.get(requestId),
    list(filter = {}) {
      return [...records.values()]
        .filter((r) => !filter.intentId || r.intentId === filter.intentId)
        .sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0));
    },
    byRun: (runId) => runs.get(runId) ?? [],
    close: () => lines.close(),
  };
}
