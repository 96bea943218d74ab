/**
 * Reconciling: the delivered commit applied to every site of the run. The sites are checkpointed as
 * touched before anything is written, so compensation knows what to restore even after a crash.
 */
import { IntentopsError } from "../../../compiler/errors.js";
import type { Step, StepResult } from "../advanceRun.js";
import { type StepKit, since, unhealthySites } from "./stepKit.js";

export function reconcileStep(kit: StepKit): Step {
  return async (run, { signal, checkpoint }) => {
    const started = performance.now();
    const sites = run.data.sites ?? [];
    const commit = run.data.deliveryHead;
    if (!commit) {
      throw new IntentopsError("E_INTERNAL", "nothing delivered to reconcile", { subject: run.intentId });
    }
    if (!sameList(run.data.touched, sites)) await checkpoint({ touched: sites });
    const result = await kit.options.reconcile({ run, commit, sites, signal, mode: "apply" });
    const unhealthy = unhealthySites(result.sites, run.intentId);
    const data: StepResult = { reconciled: result.sites };
    data.evidence = await kit.evidence(
      run,
      {
        action: "reconcile",
        sites,
        commit,
        result: unhealthy.length ? "failure" : "success",
        durations: { totalMs: since(started) },
        details: { sites: result.sites, ...(result.details ?? {}) },
      },
      signal,
    );
    if (unhealthy.length) {
      await checkpoint(data);
      throw new IntentopsError("E_UNHEALTHY", `not healthy: ${unhealthy.join(", ")}`, {
        subject: run.intentId,
      });
    }
    return data;
  };
}

function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}
