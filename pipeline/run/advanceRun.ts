/**
 * advanceRun: drives one run from the phase it is in to a terminal phase, journalling every transition
 * before acting on it. Every step is idempotent (compile and render are pure, delivery makes no commit for
 * an unchanged tree, apply is server-side apply, rollback and compensation find their own earlier revert and
 * checkpoint each sub-step), so a run resumed after a crash re-enters the phase it was in.
 *
 * Failure routing (the saga): a failure after this run's delivery commit was pushed — in Delivering after
 * the push, in Reconciling, or a verification that errored — goes to Compensating (revert the commit, restore
 * the touched sites in reverse order) and ends Failed, or CompensationFailed when undoing fails too. A failed
 * rollback ends RollbackFailed. Each is retried from where it failed by `retry`.
 */
import { IntentopsError } from "../../compiler/errors.js";
import type { Gate } from "../support/createGate.js";
import type { Journal } from "./journal.js";
import { runAttempt } from "./runAttempt.js";
import {
  type ActivePhase,
  DEFAULT_TIMEOUTS,
  type Phase,
  type PhaseTimeouts,
  type RunData,
  type RunError,
  type RunState,
  TERMINAL,
  type TerminalPhase,
} from "./runTypes.js";

/** What a verification concluded and what the policy says to do about it. */
export interface Verdict {
  decision: "pass" | "breach" | "inconclusive";
  /** rollback → RollingBack; fail → Failed; alert → SucceededWithAlerts; scale → Scaled; hold → Held. */
  action: "none" | "rollback" | "alert" | "scale" | "fail" | "hold";
  reasons: string[];
}

/** What a step is given besides the run. */
export interface StepContext {
  /** Fires at the attempt's time limit or when the run is aborted; the step must stop soon after. */
  signal: AbortSignal;
  /** Journals facts of a finished sub-step at once, so a crash after it resumes past it. */
  checkpoint(data: RunData): Promise<void>;
}

/** What a step returns: facts to journal, and (verify) a verdict or (rollback, compensate) an outcome. */
export type StepResult = Omit<RunData, "verdict"> & { verdict?: Verdict; outcome?: TerminalPhase };

export type Step = (run: RunState, ctx: StepContext) => Promise<StepResult>;

/** The work of each phase. */
export interface RunSteps {
  compile: Step;
  render: Step;
  deliver: Step;
  reconcile: Step;
  verify: Step;
  rollback: Step;
  compensate: Step;
  delete: Step;
  /** After the run is terminal: e.g. push the evidence the run recorded locally, in one batch. */
  finish?: (run: RunState) => Promise<void>;
}

export interface AdvanceDeps {
  journal: Journal;
  steps: RunSteps;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  timeouts?: Partial<PhaseTimeouts>;
  /** Retry policy per phase (attempts after the first, first backoff doubling each time). */
  retry?: Partial<Record<ActivePhase, Partial<RetryPolicy>>>;
  /** Retries of a phase after a transient error, for phases without their own policy. Default 3. */
  maxRetries?: number;
  /** First retry delay; doubles each retry. Default 200 ms. */
  backoffMs?: number;
  /** How long an aborted step may take to stop before the run fails with E_STEP_STUCK. Default 30 s. */
  abortGraceMs?: number;
  /** Aborts the run (e.g. superseded by a newer revision). */
  signal?: AbortSignal;
  /**
   * Places for runs delivering at once (shared by the runner's runs). A run waits for a place before its
   * Delivering attempt starts, so the phase's limit counts the delivery, not the wait: deliveries of one
   * branch push one at a time, and runs queued inside the limit behind many others timed out there.
   */
  deliveries?: Gate;
  onTransition?: (run: RunState, from: Phase, to: Phase) => void;
}

export interface RetryPolicy {
  maxRetries: number;
  backoffMs: number;
}

/** Error codes worth retrying: the world may look different in a moment. */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  "E_REMOTE",
  "E_PUSH_REJECTED",
  "E_TIMEOUT",
  "E_UNAVAILABLE",
  "E_PHASE_TIMEOUT",
]);

interface PhaseStep {
  step: Exclude<keyof RunSteps, "finish">;
  /** Where a successful step leads (verify and the undo steps decide from their result). */
  next: Phase;
  /** A timed-out attempt is retried only when running the step again is safe. */
  idempotent: boolean;
}

const STEP_OF: Partial<Record<Phase, PhaseStep>> = {
  Compiling: { step: "compile", next: "Rendering", idempotent: true },
  Rendering: { step: "render", next: "Delivering", idempotent: true },
  // No commit for a tree already equal to the head: a second attempt finds the first one's commit.
  Delivering: { step: "deliver", next: "Reconciling", idempotent: true },
  // Server-side apply of the same objects converges.
  Reconciling: { step: "reconcile", next: "Verifying", idempotent: true },
  Verifying: { step: "verify", next: "Succeeded", idempotent: true },
  // Each sub-step finds its earlier result (the revert commit by its "This reverts commit" line).
  RollingBack: { step: "rollback", next: "RolledBack", idempotent: true },
  Compensating: { step: "compensate", next: "Failed", idempotent: true },
  Deleting: { step: "delete", next: "Deleted", idempotent: true },
};

/** The terminal state (or RollingBack) a verdict leads to. Never Succeeded unless the SLOs passed. */
export function phaseForVerdict(verdict: Verdict, scaled: boolean): Phase {
  switch (verdict.action) {
    case "rollback":
      return "RollingBack";
    case "fail":
      return "Failed";
    case "alert":
      return "SucceededWithAlerts";
    case "scale":
      // No headroom left to scale into: the breach stands, reported like an alert.
      return scaled ? "Scaled" : "SucceededWithAlerts";
    case "hold":
      return "Held";
    default:
      return verdict.decision === "pass" ? "Succeeded" : "Held";
  }
}

/**
 * @returns the run in its terminal phase (mutated in place and returned)
 * @example await advanceRun(run, { journal, steps, clock: () => new Date(), sleep })
 */
export async function advanceRun(run: RunState, deps: AdvanceDeps): Promise<RunState> {
  const { journal, clock } = deps;
  const timeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
  const policyOf = (phase: Phase): RetryPolicy => ({
    maxRetries: deps.maxRetries ?? 3,
    backoffMs: deps.backoffMs ?? 200,
    ...deps.retry?.[phase as ActivePhase],
  });

  const transition = async (to: Phase, attempt = 0, note?: string) => {
    const from = run.phase;
    run.phase = to;
    run.attempt = attempt;
    run.updatedAt = clock().toISOString();
    await journal.append({
      type: "phase",
      at: run.updatedAt,
      runId: run.runId,
      phase: to,
      attempt,
      ...(note ? { note } : {}),
    });
    deps.onTransition?.(run, from, to);
  };
  const record = async (data: RunData) => {
    run.data = { ...run.data, ...data };
    await journal.append({ type: "data", at: clock().toISOString(), runId: run.runId, data });
  };
  const fail = async (failure: RunError, to: TerminalPhase = "Failed") => {
    const from = run.phase;
    const error = { failedIn: from, ...failure };
    run.phase = to;
    run.error = error;
    run.updatedAt = clock().toISOString();
    await journal.append({
      type: "failed",
      at: run.updatedAt,
      runId: run.runId,
      error,
      ...(to !== "Failed" ? { phase: to } : {}),
    });
    deps.onTransition?.(run, from, to);
  };
  /** Where a failure in the current phase leads: undo what this run changed, or stop. */
  const failFrom = async (failure: RunError) => {
    const changed =
      run.data.deliveryCommitted === true &&
      (run.phase === "Delivering" || run.phase === "Reconciling" || run.phase === "Verifying");
    if (changed) {
      await record({ compensation: { cause: { ...failure, failedIn: run.phase } } });
      await transition("Compensating");
    } else if (run.phase === "RollingBack") await fail(failure, "RollbackFailed");
    else if (run.phase === "Compensating") await fail(failure, "CompensationFailed");
    else await fail(failure);
  };

  if (run.phase === "Pending") await transition(run.operation === "delete" ? "Deleting" : "Compiling");
  while (!TERMINAL.has(run.phase)) {
    if (deps.signal?.aborted) {
      await fail({ code: "E_ABORTED", message: String(deps.signal.reason ?? "run aborted") });
      break;
    }
    const current = STEP_OF[run.phase];
    if (!current) {
      await fail({ code: "E_INTERNAL", message: `no step for phase ${run.phase}` });
      break;
    }
    const limitMs = timeouts[run.phase as ActivePhase];
    let leave: (() => void) | undefined;
    try {
      if (run.phase === "Delivering" && deps.deliveries) leave = await deps.deliveries.enter(deps.signal);
      const result = await runAttempt(
        {
          phase: run.phase,
          limitMs,
          ...(deps.abortGraceMs !== undefined ? { graceMs: deps.abortGraceMs } : {}),
          ...(deps.signal ? { outer: deps.signal } : {}),
        },
        (signal) => deps.steps[current.step](run, { signal, checkpoint: record }),
      ).finally(() => leave?.());
      const { verdict, outcome, ...rest } = result;
      const facts: RunData = rest;
      if (verdict)
        facts.verdict = { decision: verdict.decision, action: verdict.action, reasons: verdict.reasons };
      await record(facts);
      if (verdict) {
        const next = phaseForVerdict(verdict, run.data.scaledSource !== undefined);
        if (next === "Failed") {
          await fail({
            code: "E_SLO",
            message: `verification ${verdict.decision}: ${verdict.reasons.join("; ")}`,
          });
        } else await transition(next);
      } else if (run.phase === "Compensating") {
        await finishCompensation(outcome);
      } else if (outcome === "RollbackFailed") {
        await fail(
          {
            code: "E_ROLLBACK_SLO",
            message: `the restored revision did not pass its SLOs: ${(run.data.restoredVerdict?.reasons ?? []).join("; ")}`,
          },
          "RollbackFailed",
        );
      } else await transition(outcome ?? current.next);
    } catch (error) {
      const code = error instanceof IntentopsError ? error.code : "E_STEP";
      const message = error instanceof Error ? error.message : String(error);
      if (deps.signal?.aborted) continue; // reported at the top of the loop
      const policy = policyOf(run.phase);
      const retriable = code === "E_PHASE_TIMEOUT" ? current.idempotent : TRANSIENT_CODES.has(code);
      if (retriable && run.attempt < policy.maxRetries) {
        await deps.sleep(policy.backoffMs * 2 ** run.attempt);
        const note =
          code === "E_PHASE_TIMEOUT"
            ? `${message}; the attempt was stopped; retrying (the step is idempotent)`
            : `${code}: ${message}; retrying`;
        await transition(run.phase, run.attempt + 1, note);
        continue;
      }
      const subject = error instanceof IntentopsError ? error.subject : undefined;
      await failFrom({ code, message, ...(subject ? { subject } : {}) });
    }
  }
  if (deps.steps.finish) {
    // The run's outcome stands whatever happens here; a failure is noted, and the next run pushes again.
    await deps.steps.finish(run).catch((error: unknown) =>
      journal.append({
        type: "data",
        at: clock().toISOString(),
        runId: run.runId,
        data: { evidencePending: `${error instanceof Error ? error.message : String(error)}` },
      }),
    );
  }
  return run;

  /** Compensation done: the run failed for its original cause; `retry` delivers the revision again. */
  async function finishCompensation(outcome: TerminalPhase | undefined) {
    const cause = run.data.compensation?.cause ?? { code: "E_STEP", message: "unknown failure" };
    if (outcome === "CompensationFailed") {
      await fail(
        { code: "E_COMPENSATION", message: `compensation after ${cause.code} did not restore every site` },
        "CompensationFailed",
      );
      return;
    }
    await record({ deliveryCommitted: false, touched: [] });
    await fail({
      ...cause,
      message: `${cause.message} (compensated: delivery reverted, sites restored)`,
      failedIn: "Delivering",
    });
  }
}
