/**
 * The one table from a run's phase to the TMF921 Intent `lifecycleStatus` (a free string in TMF921 v5; we
 * use TM Forum's usual lifecycle words). A test checks that every phase of `PHASES` has a row.
 */
import type { RunState } from "../run/runTypes.js";

export const LIFECYCLE_STATUS: Readonly<Record<string, string>> = Object.freeze({
  Pending: "acknowledged",
  Compiling: "inProgress",
  Rendering: "inProgress",
  Delivering: "inProgress",
  Reconciling: "inProgress",
  Verifying: "inProgress",
  RollingBack: "inProgress",
  Compensating: "inProgress",
  Deleting: "pendingCancellation",
  Succeeded: "completed",
  SucceededWithAlerts: "completed",
  Scaled: "completed",
  Held: "held",
  RolledBack: "failed",
  RollbackFailed: "failed",
  Failed: "failed",
  CompensationFailed: "failed",
  Deleted: "cancelled",
});

/** A run that failed before anything was delivered because its intent does not compile: `rejected`. */
export function lifecycleStatusOf(run: RunState | undefined): string {
  if (!run) return "acknowledged";
  if (run.phase === "Failed" && run.error?.failedIn === "Compiling") return "rejected";
  return LIFECYCLE_STATUS[run.phase] ?? "unknown";
}
