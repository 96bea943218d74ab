/**
 * The TMF921 hub: listener registrations (kept in `<state>/hub.json`, so they survive a restart) and event
 * delivery — each event POSTed to every matching listener, retried with exponential backoff until it is
 * taken (2xx) or the attempts run out. A listener's `query` may name the event types it wants
 * (`eventType=IntentCreateEvent,IntentStatusChangeEvent`); without one it gets every event.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { writeFilesAtomically } from "../fs/writeFilesAtomically.js";

export interface Hub {
  "@type": "Hub";
  id: string;
  callback: string;
  query?: string;
}

export interface HubEvent {
  "@type": string;
  eventId: string;
  eventTime: string;
  eventType: string;
  event: Record<string, unknown>;
  correlationId?: string;
  href?: string;
  id?: string;
}

export interface HubNotifier {
  subscribe(input: { callback: string; query?: string }): Promise<Hub>;
  get(id: string): Hub | undefined;
  unsubscribe(id: string): Promise<boolean>;
  /**
   * Sends the event to every listener that wants it. `event` may be a function: it is then called only
   * when some listener wants the event (building an intent's resource per run transition for nobody is
   * work taken from the thread that answers requests).
   */
  publish(
    eventType: string,
    event: Record<string, unknown> | (() => Record<string, unknown>),
    correlationId?: string,
  ): void;
  /** Resolves when every queued delivery has finished (delivered or given up). */
  drain(): Promise<void>;
}

export interface HubOptions {
  /** File holding the registrations. */
  file: string;
  clock: () => Date;
  maxAttempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
  log?: (event: Record<string, unknown>) => void;
  newId?: () => string;
}

export async function createHubNotifier(options: HubOptions): Promise<HubNotifier> {
  const { clock, maxAttempts = 6, backoffMs = 250, timeoutMs = 5000, newId = randomUUID } = options;
  const hubs = new Map<string, Hub>();
  const text = await readFile(options.file, "utf8").catch(() => "[]");
  for (const hub of JSON.parse(text) as Hub[]) hubs.set(hub.id, hub);
  const inFlight = new Set<Promise<void>>();
  let saving: Promise<void> = Promise.resolve();

  const save = () => {
    const body = `${JSON.stringify([...hubs.values()], null, 2)}\n`;
    saving = saving.then(() =>
      writeFilesAtomically(dirname(options.file), new Map([[basename(options.file), body]])),
    );
    return saving;
  };

  const wants = (hub: Hub, eventType: string) => {
    const m = /(?:^|&)eventType=([^&]*)/.exec(hub.query ?? "");
    return !m || m[1]!.split(",").includes(eventType);
  };

  const deliver = async (hub: Hub, body: HubEvent) => {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        const res = await fetch(hub.callback, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        options.log?.({
          msg: "hub delivery refused",
          hub: hub.id,
          status: res.status,
          attempt,
          eventId: body.eventId,
        });
      } catch (error) {
        options.log?.({
          msg: "hub delivery failed",
          hub: hub.id,
          attempt,
          eventId: body.eventId,
          err: error instanceof Error ? error.message : String(error),
        });
      }
      if (!hubs.has(hub.id)) return; // unsubscribed meanwhile
      if (attempt < maxAttempts) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
    }
    options.log?.({
      msg: "hub delivery given up",
      hub: hub.id,
      eventId: body.eventId,
      attempts: maxAttempts,
    });
  };

  return {
    async subscribe({ callback, query }) {
      const hub: Hub = { "@type": "Hub", id: newId(), callback, ...(query !== undefined ? { query } : {}) };
      hubs.set(hub.id, hub);
      await save();
      return hub;
    },
    get: (id) => hubs.get(id),
    async unsubscribe(id) {
      if (!hubs.delete(id)) return false;
      await save();
      return true;
    },
    publish(eventType, event, correlationId) {
      const listeners = [...hubs.values()].filter((hub) => wants(hub, eventType));
      if (!listeners.length) return;
      const body: HubEvent = {
        "@type": eventType,
        eventId: newId(),
        eventTime: clock().toISOString(),
        eventType,
        event: typeof event === "function" ? event() : event,
        ...(correlationId ? { correlationId } : {}),
      };
      for (const hub of listeners) {
        const p: Promise<void> = deliver(hub, body).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
    },
    async drain() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}
