/**
 * recordRequests: the intake as seen by the request records. Wraps an `Intake` so that every accept and
 * remove — whichever channel calls it — writes `received`, then `accepted` or `refused` (with the error's
 * code), then `run-submitted` and `committed` when those happen. Run phases are added by the caller's run
 * transition hook (`recordRunPhase`). The wrapped intake behaves exactly as before.
 */
import { IntentopsError } from "../../compiler/errors.js";
import type { Intake } from "../intake/createIntake.js";
import type { RunState } from "../run/runTypes.js";
import type { RequestChannel, RequestLog } from "./openRequestLog.js";

/** Bus requests are named `bus-<stream sequence>`; every other request came over HTTP. */
export function channelOf(requestId: string): RequestChannel {
  return /^bus-\d+$/.test(requestId) ? "bus" : "http";
}

export function recordRequests(intake: Intake, requests: RequestLog, clock: () => Date): Intake {
  const at = () => clock().toISOString();
  const note = (event: Parameters<RequestLog["append"]>[0]) => {
    void requests.append(event).catch(() => undefined);
  };
  const received = (requestId: string, who: string, kind: "create" | "revise" | "delete", intentId: string) =>
    note({ requestId, at: at(), event: "received", channel: channelOf(requestId), who, kind, intentId });
  const refused = (requestId: string, error: unknown) =>
    note({
      requestId,
      at: at(),
      event: "refused",
      code: error instanceof IntentopsError ? error.code : "E_INTERNAL",
      reason: error instanceof Error ? error.message : String(error),
    });
  const runSubmitted = (requestId: string, run: Promise<RunState>) =>
    run.then(
      (r) => note({ requestId, at: at(), event: "run-submitted", runId: r.runId, intentId: r.intentId }),
      () => undefined,
    );

  return {
    ...intake,
    async accept(input) {
      received(input.requestId, input.author.keyId, input.kind, input.intentId);
      try {
        const accepted = await intake.accept(input);
        if (accepted.replayed) {
          note({
            requestId: input.requestId,
            at: at(),
            event: "duplicate",
            intentId: accepted.record.intentId,
            digest: accepted.record.digest,
            reason: "an earlier request with the same Idempotency-Key and body was answered",
          });
          return accepted;
        }
        note({
          requestId: input.requestId,
          at: at(),
          event: "accepted",
          intentId: accepted.record.intentId,
          digest: accepted.record.digest,
        });
        void runSubmitted(input.requestId, accepted.run);
        accepted.committed.then(
          (commit) => note({ requestId: input.requestId, at: at(), event: "committed", commit }),
          () => undefined,
        );
        return accepted;
      } catch (error) {
        refused(input.requestId, error);
        throw error;
      }
    },
    async remove(input) {
      received(input.requestId, input.author.keyId, "delete", input.intentId);
      try {
        const removed = await intake.remove(input);
        note({
          requestId: input.requestId,
          at: at(),
          event: "accepted",
          intentId: input.intentId,
          digest: null,
        });
        void runSubmitted(input.requestId, removed.run);
        return removed;
      } catch (error) {
        refused(input.requestId, error);
        throw error;
      }
    },
  };
}

/** Adds a run's phase change to the requests that started it. */
export function recordRunPhase(requests: RequestLog, run: RunState, to: string, clock: () => Date): void {
  for (const requestId of requests.byRun(run.runId)) {
    void requests
      .append({ requestId, at: clock().toISOString(), event: "run-phase", runId: run.runId, phase: to })
      .catch(() => undefined);
  }
}
