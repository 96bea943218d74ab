/**
 * runAttempt: one attempt of a phase's step under its time limit. The step gets an `AbortSignal` that fires
 * at the limit or when the run is aborted; a step that is aborted is then *awaited* until it has stopped
 * (bounded by a grace period) before the caller may retry, so two attempts never work on the same site at
 * once. A step that does not stop within the grace period fails the run (`E_STEP_STUCK`), never retried.
 */
import { IntentopsError } from "../../compiler/errors.js";
import type { Phase } from "./runTypes.js";

export class PhaseTimeoutError extends IntentopsError {
  constructor(phase: Phase, ms: number) {
    super("E_PHASE_TIMEOUT", `phase ${phase} did not finish within ${ms} ms`);
    this.name = "PhaseTimeoutError";
  }
}

export interface AttemptOptions {
  phase: Phase;
  /** Time limit of the attempt. */
  limitMs: number;
  /** How long an aborted step may take to stop. Default 30 s. */
  graceMs?: number;
  /** The run's own signal (superseded, shut down). */
  outer?: AbortSignal;
}

/**
 * @returns what `work` returned; throws its error, the timeout (`E_PHASE_TIMEOUT`) or the outer abort reason
 *   — in the last two cases only after `work` has settled.
 * @example await runAttempt({ phase: "Reconciling", limitMs: 300_000 }, (signal) => reconcile(run, signal))
 */
export async function runAttempt<T>(
  options: AttemptOptions,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { phase, limitMs, graceMs = 30_000, outer } = options;
  const controller = new AbortController();
  const onOuter = () => controller.abort(outer?.reason ?? new Error("run aborted"));
  if (outer?.aborted) onOuter();
  else outer?.addEventListener("abort", onOuter, { once: true });
  const timer = setTimeout(() => controller.abort(new PhaseTimeoutError(phase, limitMs)), limitMs);
  const running = Promise.resolve().then(() => work(controller.signal));
  const aborted = new Promise<never>((_, reject) => {
    if (controller.signal.aborted) reject(controller.signal.reason);
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
  });
  // Both may settle after the race is decided; their late rejections are expected, not unhandled.
  running.catch(() => undefined);
  aborted.catch(() => undefined);
  try {
    return await Promise.race([running, aborted]);
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    if (!(await settlesWithin(running, graceMs))) {
      throw new IntentopsError(
        "E_STEP_STUCK",
        `phase ${phase} was aborted (${reasonText(controller.signal.reason)}) and did not stop within ${graceMs} ms`,
      );
    }
    throw controller.signal.reason;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", onOuter);
  }
}

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = promise.then(
    () => true,
    () => true,
  );
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}

function reasonText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
