/**
 * startBusIntake: intents from a NATS JetStream topic, beside the HTTP API, into the same intake (intake log
 * → run → Git). JetStream delivers at least once; the intake makes it exactly once: a message whose intent
 * id and document digest equal the intent's current revision creates nothing (it is answered `duplicate`),
 * and a message is acknowledged only after its outcome is durable (intake log fsync'd, dead-letter or reply
 * stored by the broker). A process killed at any point therefore loses no message (unacknowledged ones are
 * redelivered) and takes none twice.
 *
 * Streams (created when missing):
 *   <prefix>_INTAKE  `<prefix>.intake.>`  work queue: a message is gone once acknowledged
 *   <prefix>_DLQ     `<prefix>.dlq.<key>` poison messages: the original bytes, the reason in headers
 *   <prefix>_REPLY   `<prefix>.reply.<key>` one outcome per intake message (accepted, duplicate, refused)
 * Dead-letter and reply messages carry `Nats-Msg-Id` = their source sequence, so a redelivered message
 * that was already answered is not answered twice (within the broker's duplicate window).
 */
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JsMsg,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import { connect, headers, type NatsConnection, nanos } from "@nats-io/transport-node";
import type { Logger } from "pino";
import { IntentopsError } from "../../compiler/errors.js";
import type { SiteRegistry } from "../../compiler/types.js";
import type { ApiKeyRing } from "../api/apiKeys.js";
import type { Intake } from "../intake/createIntake.js";
import { type BusLimits, readBusMessage } from "./readBusMessage.js";

export interface BusIntakeOptions {
  url: string;
  user?: string;
  /** The broker password (read from a file by the caller; never logged). */
  password?: string;
  intake: Intake;
  keys: ApiKeyRing;
  limits: BusLimits;
  logger: Logger;
  /** Subject and stream prefix. Default `intentops`. */
  prefix?: string;
  /** How long the broker waits for an acknowledgement before redelivering. Default 30 000 ms. */
  ackWaitMs?: number;
  /**
   * The site registry plain-shape messages are converted against (read when such a message comes); without
   * it they are refused.
   */
  registry?: () => Promise<SiteRegistry>;
  /** Observes every outcome (request records). */
  onOutcome?: (outcome: BusOutcome) => void | Promise<void>;
}

export type BusOutcome = {
  requestId: string;
  /** The intake stream's sequence of the message. */
  seq: number;
  subject: string;
  at: string;
  producer: string | null;
  redelivered: boolean;
} & (
  | {
      outcome: "accepted";
      intentId: string;
      digest: string;
      kind: "create" | "revise";
      runId: string | null;
      /** The TMF921 Intent a plain-shape message was converted to. */
      converted?: Record<string, unknown>;
    }
  | { outcome: "duplicate"; intentId: string; digest: string }
  | { outcome: "refused"; code: string; reason: string; problems: unknown[]; intentId?: string }
);

export interface BusIntake {
  counts(): { accepted: number; duplicate: number; refused: number };
  close(): Promise<void>;
}

export function busNames(prefix = "intentops") {
  const stream = prefix.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
  return {
    intake: { stream: `${stream}_INTAKE`, subjects: [`${prefix}.intake.>`], durable: `${prefix}-intake` },
    dlq: {
      stream: `${stream}_DLQ`,
      subject: (key: string) => `${prefix}.dlq.${key}`,
      all: `${prefix}.dlq.>`,
    },
    reply: {
      stream: `${stream}_REPLY`,
      subject: (key: string) => `${prefix}.reply.${key}`,
      all: `${prefix}.reply.>`,
    },
  };
}

/** Creates the three streams and the durable intake consumer when they are missing. */
export async function ensureBusStreams(nc: NatsConnection, prefix = "intentops", ackWaitMs = 30_000) {
  const names = busNames(prefix);
  const jsm = await jetstreamManager(nc);
  const want = [
    { name: names.intake.stream, subjects: names.intake.subjects, retention: RetentionPolicy.Workqueue },
    { name: names.dlq.stream, subjects: [names.dlq.all], retention: RetentionPolicy.Limits },
    { name: names.reply.stream, subjects: [names.reply.all], retention: RetentionPolicy.Limits },
  ];
  for (const s of want) {
    const exists = await jsm.streams.info(s.name).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await jsm.streams.add({
        ...s,
        storage: StorageType.File,
        duplicate_window: nanos(10 * 60_000),
      });
    }
  }
  const consumer = await jsm.consumers.info(names.intake.stream, names.intake.durable).then(
    () => true,
    () => false,
  );
  if (!consumer) {
    await jsm.consumers.add(names.intake.stream, {
      durable_name: names.intake.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ackWaitMs),
      max_ack_pending: 1000,
    });
  }
  return names;
}

/** Connects, makes sure the streams exist, and consumes until `close()`. */
export async function startBusIntake(options: BusIntakeOptions): Promise<BusIntake> {
  const prefix = options.prefix ?? "intentops";
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.url,
      name: "intentops-intake",
      maxReconnectAttempts: -1,
      ...(options.user ? { user: options.user } : {}),
      ...(options.password ? { pass: options.password } : {}),
    });
  } catch (error) {
    throw new IntentopsError(
      "E_BUS_UNAVAILABLE",
      `cannot connect to the message bus at ${options.url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const names = await ensureBusStreams(nc, prefix, options.ackWaitMs);
  const js = jetstream(nc);
  const consumer = await js.consumers.get(names.intake.stream, names.intake.durable);
  // A small batch: messages waiting in the client count against the acknowledgement deadline.
  const messages = await consumer.consume({ max_messages: 20 });
  const counts = { accepted: 0, duplicate: 0, refused: 0 };
  const log = options.logger;

  const handle = async (m: JsMsg) => {
    const seq = m.info.streamSequence;
    const base = {
      requestId: `bus-${seq}`,
      seq,
      subject: m.subject,
      at: new Date().toISOString(),
      redelivered: m.redelivered,
    };
    const apiKey = m.headers?.get("X-API-Key") || undefined;
    let read = readBusMessage(m.data, apiKey, options.keys, options.limits);
    if (!read.ok && read.code === "E_PLAIN_SHAPE" && options.registry) {
      // Only a plain-shape message needs the registry: read it then, and convert.
      const registry = await options.registry().catch(() => undefined);
      if (registry) read = readBusMessage(m.data, apiKey, options.keys, options.limits, registry);
    }
    const producer = read.identity?.keyId ?? null;
    let outcome: BusOutcome;
    if (!read.ok) {
      outcome = {
        ...base,
        producer,
        outcome: "refused",
        code: read.code,
        reason: read.reason,
        problems: read.problems,
      };
    } else {
      const current = options.intake.get(read.intentId);
      if (current?.digest === read.digest && current.requestId === base.requestId) {
        // This very message was taken before the process stopped, and not acknowledged: answer it again.
        const run = options.intake.runsOf(read.intentId).find((r) => r.source.digest === read.digest);
        outcome = {
          ...base,
          producer,
          outcome: "accepted",
          intentId: read.intentId,
          digest: read.digest,
          kind: current.revisions > 1 ? "revise" : "create",
          runId: run?.runId ?? null,
        };
      } else if (current?.digest === read.digest) {
        outcome = { ...base, producer, outcome: "duplicate", intentId: read.intentId, digest: read.digest };
      } else {
        const kind = current ? "revise" : "create";
        try {
          const accepted = await options.intake.accept({
            kind,
            intentId: read.intentId,
            body: read.body,
            author: { name: read.identity.name, email: read.identity.email, keyId: read.identity.keyId },
            requestId: base.requestId,
          });
          accepted.committed.catch(() => undefined);
          const run = await accepted.run.catch((error: unknown) => {
            log.error({ err: error, intentId: read.intentId }, "run not submitted; a restart submits it");
            return null;
          });
          outcome = {
            ...base,
            producer,
            outcome: "accepted",
            intentId: read.intentId,
            digest: read.digest,
            kind,
            runId: run?.runId ?? null,
            ...(read.converted ? { converted: read.converted } : {}),
          };
        } catch (error) {
          if (!(error instanceof IntentopsError)) throw error;
          outcome = {
            ...base,
            producer,
            outcome: "refused",
            code: error.code,
            reason: error.message,
            problems: [],
            intentId: read.intentId,
          };
        }
      }
    }
    await publishOutcome(js, names, m, outcome);
    await options.onOutcome?.(outcome);
    counts[outcome.outcome] += 1;
    log.info(
      {
        requestId: outcome.requestId,
        outcome: outcome.outcome,
        subject: "intentId" in outcome ? outcome.intentId : outcome.subject,
        producer,
      },
      "bus message",
    );
    await m.ackAck();
  };

  const loop = (async () => {
    for await (const m of messages) {
      try {
        await handle(m);
      } catch (error) {
        // An operational failure (broker or disk): not acknowledged, so the broker redelivers it.
        log.error({ err: error, seq: m.info.streamSequence }, "bus message not taken; it is redelivered");
        m.nak(1000);
      }
    }
  })();

  return {
    counts: () => ({ ...counts }),
    async close() {
      await messages.close();
      await loop.catch(() => undefined);
      await nc.drain();
    },
  };
}

async function publishOutcome(
  js: JetStreamClient,
  names: ReturnType<typeof busNames>,
  m: JsMsg,
  outcome: BusOutcome,
): Promise<void> {
  const key = outcome.producer ?? "unknown";
  const h = headers();
  h.set("Intentops-Request-Id", outcome.requestId);
  h.set("Intentops-Source-Seq", String(outcome.seq));
  h.set("Intentops-Source-Subject", outcome.subject);
  if (outcome.outcome === "refused") {
    h.set("Intentops-Error-Code", outcome.code);
    h.set("Intentops-Reason", outcome.reason);
    if (outcome.problems.length) h.set("Intentops-Problems", JSON.stringify(outcome.problems.slice(0, 5)));
    // The original bytes, never the producer's credential header.
    await js.publish(names.dlq.subject(key), m.data, { msgID: `dlq-${outcome.seq}`, headers: h });
  }
  const { redelivered: _r, ...reply } = outcome;
  await js.publish(names.reply.subject(key), JSON.stringify(reply), {
    msgID: `reply-${outcome.seq}`,
    headers: h,
  });
}
