/**
 * statusOfRun: the `IntentDeployment` status that shows a run — its phase, per-site sync and health, the
 * last SLO decision, the delivered and revert commits, the evidence head and conditions in the Kubernetes
 * convention (Ready; Reconciling while the run is active; Stalled when a person must act) — derived from the
 * run's state alone, so any replica writes the same status for the same run.
 */
import { type RunState, TERMINAL } from "../run/runTypes.js";
import type { Condition, IntentDeploymentStatus, SiteStatus } from "./intentDeployment.js";

const READY = new Set(["Succeeded", "SucceededWithAlerts", "Scaled", "Deleted"]);
const STALLED = new Set(["Failed", "RollbackFailed", "CompensationFailed", "Held"]);

/**
 * @param previous the status read (its conditions keep their lastTransitionTime when they do not change;
 *   its `retried` is kept)
 * @param at the time of this write (an injected clock)
 * @example statusOfRun(run, obj.status, clock().toISOString())
 */
export function statusOfRun(
  run: RunState,
  previous: IntentDeploymentStatus | undefined,
  at: string,
): IntentDeploymentStatus {
  const { data } = run;
  const head = data.revertCommit ?? data.compensation?.revertCommit ?? data.deliveryCommit ?? undefined;
  const sites: SiteStatus[] = (data.sites ?? []).map((name) => {
    // The latest word on the site: restored by compensation, restored by a rollback, or reconciled.
    const compensated = data.compensation?.restored?.[name];
    const rolledBack = data.restored?.[name];
    const reconciled = data.reconciled?.[name];
    const seen = compensated
      ? compensated
      : rolledBack !== undefined
        ? // RolledBack means the restored revision is applied, healthy, and its SLOs pass.
          { commit: rolledBack, healthy: run.phase === "RolledBack" ? true : undefined }
        : reconciled;
    if (!seen) return { name, sync: "Unknown", health: "Unknown" };
    return {
      name,
      sync: head && seen.commit === head ? "Synced" : "OutOfSync",
      health: seen.healthy === undefined ? "Unknown" : seen.healthy ? "Healthy" : "Degraded",
      ...(seen.commit ? { commit: seen.commit } : {}),
    };
  });
  const ready = sites.filter((s) => s.sync === "Synced" && s.health === "Healthy").length;
  const terminal = TERMINAL.has(run.phase);
  const message = run.error ? `[${run.error.code}] ${run.error.message}` : `run ${run.runId} is ${run.phase}`;
  const conditions = [
    condition("Ready", READY.has(run.phase) ? "True" : terminal ? "False" : "Unknown", run.phase, message),
    condition("Reconciling", terminal ? "False" : "True", terminal ? "RunFinished" : run.phase, message),
    condition(
      "Stalled",
      STALLED.has(run.phase) ? "True" : "False",
      STALLED.has(run.phase) ? run.phase : "NotStalled",
      message,
    ),
  ].map((c) => {
    const before = previous?.conditions?.find((p) => p.type === c.type);
    const revision = run.revision !== undefined ? { observedGeneration: run.revision } : {};
    return {
      ...c,
      ...revision,
      lastTransitionTime: before && before.status === c.status ? before.lastTransitionTime : at,
    };
  });
  const verdict = data.verdict;
  const evidenceHead = data.evidence?.at(-1);
  return {
    ...(run.revision !== undefined ? { observedGeneration: run.revision, revision: run.revision } : {}),
    phase: run.phase,
    runId: run.runId,
    sitesReady: `${ready}/${sites.length}`,
    sites,
    ...(verdict
      ? {
          slo: {
            decision: verdict.decision,
            ...(verdict.action ? { action: verdict.action } : {}),
            reasons: verdict.reasons,
          },
        }
      : {}),
    ...(data.deliveryCommit ? { deliveryCommit: data.deliveryCommit } : {}),
    ...((data.revertCommit ?? data.compensation?.revertCommit)
      ? { revertCommit: (data.revertCommit ?? data.compensation?.revertCommit)! }
      : {}),
    ...(evidenceHead ? { evidenceHead } : {}),
    ...(run.error ? { error: run.error } : {}),
    ...(previous?.retried ? { retried: previous.retried } : {}),
    conditions,
    run,
  };
}

function condition(type: string, status: Condition["status"], reason: string, message: string) {
  return { type, status, reason, message };
}
