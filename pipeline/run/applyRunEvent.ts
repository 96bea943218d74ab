/**
 * applyRunEvent: what one run event does to the state of its run — the one fold both run stores use (the
 * journal replays it over its lines; the Kubernetes store applies it to the status it read, and again to a
 * fresher one after a conflict).
 */
import type { RunEvent, RunState } from "./runTypes.js";

/**
 * Applies `event` (not `created`, which makes a run) to `run`, in place.
 * @example applyRunEvent(run, { type: "phase", at, runId: run.runId, phase: "Rendering" })
 */
export function applyRunEvent(run: RunState, event: Exclude<RunEvent, { type: "created" }>): RunState {
  run.updatedAt = event.at;
  if (event.type === "phase") {
    run.phase = event.phase;
    run.attempt = event.attempt ?? 0;
    delete run.error; // a phase entered after a failure is a retry
  } else if (event.type === "data") {
    run.data = { ...run.data, ...event.data };
  } else if (event.type === "failed") {
    run.phase = event.phase ?? "Failed";
    run.error = event.error;
  } else if (event.type === "superseded") {
    const failedIn = run.phase;
    run.phase = "Failed";
    run.supersededBy = event.by;
    run.error = { code: "E_SUPERSEDED", message: `superseded by run ${event.by}`, failedIn };
  }
  return run;
}
