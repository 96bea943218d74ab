/**
 * Compensating (the saga's undo): a run that failed after its delivery commit was pushed reverts that
 * commit (no quarantine: the revision was not refused by its SLOs, and `retry` may deliver it again), then
 * restores the sites it touched, one at a time in reverse order. A site that cannot be restored does not
 * stop the others; the step then ends CompensationFailed with every site's state in the journal and in
 * evidence — never hidden. Each sub-step is checkpointed, so a resumed compensation goes on where it was.
 */
import { findRevert } from "../../git/findRevert.js";
import { revertCommit as gitRevert } from "../../git/revertCommit.js";
import type { Step, StepResult } from "../advanceRun.js";
import type { CompensationRecord } from "../runTypes.js";
import { type StepKit, since } from "./stepKit.js";

export function compensateStep(kit: StepKit): Step {
  const { repo, git } = kit.options;
  return async (run, { signal, checkpoint }) => {
    const started = performance.now();
    const record: CompensationRecord = {
      cause: run.data.compensation?.cause ?? { code: "E_STEP", message: "unknown failure" },
      ...run.data.compensation,
    };
    const save = (patch: Partial<CompensationRecord>) => {
      Object.assign(record, patch);
      return checkpoint({ compensation: { ...record } });
    };

    // 1. revert the run's own delivery commit (found again if it was pushed before a crash)
    let revert = record.revertCommit;
    const delivered = run.data.deliveryCommit;
    if (revert === undefined && delivered && run.data.deliveryCommitted) {
      const where = {
        dir: repo.dir,
        ...(repo.branch ? { branch: repo.branch } : {}),
        ...(repo.remote ? { remote: repo.remote } : {}),
      };
      revert =
        (await findRevert({ ...where, commit: delivered }, git)) ??
        (await gitRevert({ ...repo, target: delivered }, git)).commit;
      await save({ revertCommit: revert });
    }

    // 2. restore the touched sites, last touched first
    const restored = { ...record.restored };
    const order = [...(run.data.touched ?? [])].reverse();
    if (revert) {
      for (const site of order) {
        if (restored[site]?.healthy) continue;
        signal.throwIfAborted();
        let outcome: { commit: string | null; healthy: boolean };
        try {
          const result = await kit.options.reconcile({
            run,
            commit: revert,
            sites: [site],
            signal,
            mode: "compensate",
          });
          outcome = result.sites[site] ?? { commit: null, healthy: false };
        } catch (error) {
          if (signal.aborted) throw error;
          outcome = { commit: null, healthy: false };
        }
        restored[site] = outcome;
        await save({ restored: { ...restored } });
      }
    }
    const failedSites = order.filter((s) => !restored[s]?.healthy);
    const ok = revert !== undefined && failedSites.length === 0;
    await save({ result: ok ? "compensated" : "failed" });
    const data: StepResult = { outcome: ok ? "Failed" : "CompensationFailed" };
    data.evidence = await kit.evidence(
      run,
      {
        action: "compensate",
        sites: order,
        commit: revert ?? null,
        result: ok ? "success" : "failure",
        durations: { totalMs: since(started) },
        ...(ok
          ? {}
          : {
              error: {
                code: "E_COMPENSATION",
                message: revert
                  ? `not restored: ${failedSites.map((s) => `${s}/${run.intentId}`).join(", ")}`
                  : "no delivery commit of this run to revert",
              },
            }),
        details: { cause: record.cause, reverted: delivered ?? null, order, restored },
      },
      signal,
    );
    return data;
  };
}
