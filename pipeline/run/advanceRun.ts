/**
 * advanceRun: drives one run from the phase it is in to a terminal phase, journalling every transition
 * before acting on it. Each phase's step is idempotent (compile and render are pure, delivery makes no
 * commit for an unchanged tree, apply is server-side apply, a revert of a reverted commit is refused as
 * empty), so a run resumed after a crash simply re-enters the phase it was in.
 */
import { IntentopsError } from "../../compiler/errors.js";
import type { Journal } from "./journal.js";
import {
  DEFAULT_TIMEOUTS,
  type Phase,
  type PhaseTimeouts,
  type RunData,
  type RunError,
  type RunState,
  TERMINAL,
} from "./runTypes.js";

/** What a verification concluded and what the policy says to do about it. */
export interface Verdict {
  decision: "pass" | "breach" | "inconclusive";
  /** rollback → RollingBack; fail → Failed; alert / scale / hold → Succeeded with the events recorded. */
  action: "none" | "rollback" | "alert" | "scale" | "fail" | "hold";
  reasons: string[];
}

/** The work of each phase; every step returns the facts to journal. */
export interface RunSteps {
  compile(run: RunState, signal: AbortSignal): Promise<RunData>;
  render(run: RunState, signal: AbortSignal): Promise<RunData>;
  deliver(run: RunState, signal: AbortSignal): Promise<RunData>;
  reconcile(run: RunState, signal: AbortSignal): Promise<RunData>;
  verify(run: RunState, signal: AbortSignal): Promise<RunData & { verdict: Verdict }>;
  rollback(run: RunState, signal: AbortSignal): Promise<RunData>;
}

export interface AdvanceDeps {
  journal: Journal;
  steps: RunSteps;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  timeouts?: Partial<PhaseTimeouts>;
  /** Retries of a phase after a transient error. Default 3. */
  maxRetries?: number;
  /** First retry delay; doubles each retry. Default 200 ms. */
  backoffMs?: number;
  /** Aborts the run (e.g. superseded by a newer revision). */
  signal?: AbortSignal;
  onTransition?: (run: RunState, from: Phase, to: Phase) => void;
}

/** Error codes worth retrying: the world may look different in a moment. */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  "E_REMOTE",
  "E_PUSH_REJECTED",
  "E_TIMEOUT",
  "E_UNAVAILABLE",
  "E_PHASE_TIMEOUT",
]);

type Step = { step: keyof RunSteps; next: Phase };
const STEP_OF: Partial<Record<Phase, Step>> = {
  Compiling: { step: "compile", next: "Rendering" },
  Rendering: { step: "render", next: "Delivering" },
  Delivering: { step: "deliver", next: "Reconciling" },
  Reconciling: { step: "reconcile", next: "Verifying" },
  Verifying: { step: "verify", next: "Succeeded" },
  RollingBack: { step: "rollback", next: "RolledBack" },
};

/**
 * @returns the run in its terminal phase (mutated in place and returned)
 * @example await advanceRun(run, { journal, steps, clock: () => new Date(), sleep })
 */
export async function advanceRun(run: RunState, deps: AdvanceDeps): Promise<RunState> {
  const { journal, clock } = deps;
  const timeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
  const maxRetries = deps.maxRetries ?? 3;
  const backoffMs = deps.backoffMs ?? 200;

  const transition = async (to: Phase, attempt = 0) => {
    const from = run.phase;
    run.phase = to;
    run.attempt = attempt;
    run.updatedAt = clock().toISOString();
    await journal.append({ type: "phase", at: run.updatedAt, runId: run.runId, phase: to, attempt });
    deps.onTransition?.(run, from, to);
  };
  const fail = async (failure: RunError) => {
    const from = run.phase;
    const error = { ...failure, failedIn: from };
    run.phase = "Failed";
    run.error = error;
    run.updatedAt = clock().toISOString();
    await journal.append({ type: "failed", at: run.updatedAt, runId: run.runId, error });
    deps.onTransition?.(run, from, "Failed");
  };

  if (run.phase === "Pending") await transition("Compiling");
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
    const limit = timeouts[run.phase as keyof PhaseTimeouts];
    try {
      const data = await withTimeout(limit, run.phase, deps.signal, (signal) =>
        deps.steps[current.step](run, signal),
      );
      const { verdict, ...facts } = data as RunData & { verdict?: Verdict };
      run.data = { ...run.data, ...facts };
      if (verdict) {
        run.data.verdict = { decision: verdict.decision, action: verdict.action, reasons: verdict.reasons };
      }
      await journal.append({
        type: "data",
        at: clock().toISOString(),
        runId: run.runId,
        data: { ...facts, ...(verdict ? { verdict: run.data.verdict } : {}) },
      });
      if (verdict && verdict.action === "rollback") await transition("RollingBack");
      else if (verdict && verdict.action === "fail") {
        await fail({
          code: "E_SLO",
          message: `verification ${verdict.decision}: ${verdict.reasons.join("; ")}`,
        });
      } else await transition(current.next);
    } catch (error) {
      const code = error instanceof IntentopsError ? error.code : "E_STEP";
      const message = error instanceof Error ? error.message : String(error);
      if (deps.signal?.aborted) continue; // reported at the top of the loop
      if (TRANSIENT_CODES.has(code) && run.attempt < maxRetries) {
        await deps.sleep(backoffMs * 2 ** run.attempt);
        await transition(run.phase, run.attempt + 1);
        continue;
      }
      const subject = error instanceof IntentopsError ? error.subject : undefined;
      await fail({ code, message, ...(subject ? { subject } : {}) });
    }
  }
  return run;
}

class PhaseTimeoutError extends IntentopsError {
  constructor(phase: Phase, ms: number) {
    super("E_PHASE_TIMEOUT", `phase ${phase} did not finish within ${ms} ms`);
    this.name = "PhaseTimeoutError";
  }
}

/** Runs `work` with an abort signal that fires at the phase's time limit or when the run is aborted. */
async function withTimeout<T>(
  ms: number,
  phase: Phase,
  outer: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onOuter = () => controller.abort(outer?.reason);
  outer?.addEventListener("abort", onOuter, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new PhaseTimeoutError(phase, ms);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
  });
  try {
    return await Promise.race([work(controller.signal), timeout, aborted]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", onOuter);
  }
}
