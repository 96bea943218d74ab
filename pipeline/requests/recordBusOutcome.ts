/**
 * recordBusOutcome: what the bus consumer decided about one message, in its request record. Messages that
 * reached the intake's accept already have `received` and `accepted`/`refused` (recordRequests); this adds
 * what happened without it — a redelivery recognised as a duplicate, a poison message refused before the
 * intake, a redelivery of a message taken before a crash — and, for every message, `replied`.
 */
import type { BusOutcome } from "../bus/startBusIntake.js";
import type { RequestLog } from "./openRequestLog.js";

export async function recordBusOutcome(requests: RequestLog, o: BusOutcome): Promise<void> {
  const base = { requestId: o.requestId, at: o.at, seq: o.seq, redelivered: o.redelivered };
  const tookIntake =
    (o.outcome === "accepted" && requests.get(o.requestId)?.log.some((e) => e.event === "accepted")) ||
    (o.outcome === "refused" && o.intentId !== undefined);
  if (!tookIntake) {
    await requests.append({
      ...base,
      event: "received",
      channel: "bus",
      who: o.producer,
      ...("intentId" in o && o.intentId ? { intentId: o.intentId } : {}),
    });
    if (o.outcome === "refused") {
      await requests.append({ ...base, event: "refused", code: o.code, reason: o.reason });
    } else {
      await requests.append({
        ...base,
        event: o.outcome,
        intentId: o.intentId,
        digest: o.digest,
        ...(o.outcome === "duplicate"
          ? { reason: "the intent's current revision has this id and digest: nothing new is created" }
          : { reason: "taken before the consumer stopped; redelivered and answered again" }),
      });
    }
  }
  await requests.append({ ...base, event: "replied", code: o.outcome });
}
