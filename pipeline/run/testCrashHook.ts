/**
 * A crash switch for the crash tests (test/e2e/crash.test.ts), off unless `INTENTOPS_TEST_CRASH_AT` is set:
 *
 *   INTENTOPS_TEST_CRASH_AT=<Phase>             SIGKILL right after the run's entry into <Phase> is journalled
 *   INTENTOPS_TEST_CRASH_AT=<Phase>:after-step  SIGKILL right after <Phase>'s step did its work (e.g. the
 *                                               delivery commit is pushed) and before the journal records it
 *
 * SIGKILL, not an exception: nothing gets to clean up, flush or journal, as with `kill -9` or a power cut.
 */
import type { RunSteps } from "./advanceRun.js";
import type { Phase, RunState } from "./runTypes.js";

const STEP_PHASE: Readonly<Record<keyof RunSteps, Phase>> = {
  compile: "Compiling",
  render: "Rendering",
  deliver: "Delivering",
  reconcile: "Reconciling",
  verify: "Verifying",
  rollback: "RollingBack",
};

/** The crash point set in the environment, or undefined (the normal case). */
export function crashPoint(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  return env["INTENTOPS_TEST_CRASH_AT"] || undefined;
}

function crash(): never {
  process.kill(process.pid, "SIGKILL");
  // SIGKILL to oneself is delivered before kill() returns on Linux; never reached.
  throw new Error("unreachable");
}

/** Wraps the transition hook and the steps so the process kills itself at `point`. */
export function withCrashHook(
  point: string,
  steps: RunSteps,
  onTransition: ((run: RunState, from: Phase, to: Phase) => void) | undefined,
): { steps: RunSteps; onTransition: (run: RunState, from: Phase, to: Phase) => void } {
  const wrapped: Record<keyof RunSteps, (run: RunState, signal: AbortSignal) => Promise<unknown>> = {
    ...steps,
  };
  for (const name of Object.keys(STEP_PHASE) as Array<keyof RunSteps>) {
    if (point !== `${STEP_PHASE[name]}:after-step`) continue;
    const inner = steps[name];
    wrapped[name] = async (run: RunState, signal: AbortSignal) => {
      await inner(run, signal);
      crash();
    };
  }
  return {
    steps: wrapped as RunSteps,
    onTransition: (run, from, to) => {
      onTransition?.(run, from, to);
      if (to === point) crash();
    },
  };
}
