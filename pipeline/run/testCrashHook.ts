/**
 * A crash switch for the crash tests (test/e2e/crash.test.ts), off unless `INTENTOPS_TEST_CRASH_AT` is set:
 *
 *   <Phase>                           SIGKILL right after the run's entry into <Phase> is journalled
 *   <Phase>:after-step                SIGKILL right after <Phase>'s step did its work (e.g. the delivery
 *                                     commit is pushed) and before the journal records it
 *   <Phase>:before-checkpoint:<key>   SIGKILL when a step of <Phase> is about to journal a sub-step's facts
 *                                     holding <key> (e.g. RollingBack:before-checkpoint:revertCommit — the
 *                                     revert is pushed, the journal does not know it)
 *   <Phase>:after-checkpoint:<key>[+<ms>]  SIGKILL once that checkpoint is journalled (or <ms> later, while
 *                                     the next sub-step runs, e.g. during the re-verification)
 *
 * SIGKILL, not an exception: nothing gets to clean up, flush or journal, as with `kill -9` or a power cut.
 */
import type { RunSteps, StepContext } from "./advanceRun.js";
import type { Phase, RunState } from "./runTypes.js";

const STEP_PHASE: Readonly<Record<Exclude<keyof RunSteps, "finish">, Phase>> = {
  compile: "Compiling",
  render: "Rendering",
  deliver: "Delivering",
  reconcile: "Reconciling",
  verify: "Verifying",
  rollback: "RollingBack",
  compensate: "Compensating",
  delete: "Deleting",
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
  const wrapped: RunSteps = { ...steps };
  const [phase, where, key, delay] = point.split(/[:+]/);
  for (const name of Object.keys(STEP_PHASE) as Array<keyof typeof STEP_PHASE>) {
    if (phase !== STEP_PHASE[name] || !where) continue;
    const inner = steps[name];
    wrapped[name] = async (run: RunState, ctx: StepContext) => {
      const checkpoint: StepContext["checkpoint"] = async (data) => {
        const hit = key !== undefined && key in data;
        if (hit && where === "before-checkpoint") crash();
        await ctx.checkpoint(data);
        if (hit && where === "after-checkpoint") {
          if (delay) setTimeout(crash, Number(delay));
          else crash();
        }
      };
      const result = await inner(run, { ...ctx, checkpoint });
      if (where === "after-step") crash();
      return result;
    };
  }
  return {
    steps: wrapped,
    onTransition: (run, from, to) => {
      onTransition?.(run, from, to);
      if (to === point) crash();
    },
  };
}
