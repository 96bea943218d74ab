/**
 * RollingBack, in three idempotent sub-steps, each checkpointed so a run resumed anywhere inside it goes on
 * from the next one:
 *   1. revert — the delivery commit reverted and quarantined; an existing revert of it (found by its
 *      `This reverts commit <sha>.` line) is reused, never reverted twice;
 *   2. restore — every site reconciled to the revert commit (pruning an intent's whole package is allowed
 *      here: the revert removed it on purpose);
 *   3. re-verify — the restored revision's SLOs. RolledBack only when they pass (or nothing was restored:
 *      the intent's first revision), otherwise RollbackFailed.
 */
import { IntentopsError } from "../../../compiler/errors.js";
import { recordEvidence } from "../../evidence/recordEvidence.js";
import { findRevert } from "../../git/findRevert.js";
import { listQuarantined, quarantineFile } from "../../git/quarantine.js";
import { rollbackIntent } from "../../git/rollbackIntent.js";
import type { Step, StepResult } from "../advanceRun.js";
import type { RunState } from "../runTypes.js";
import { type StepKit, since, unhealthySites } from "./stepKit.js";

export function rollbackStep(kit: StepKit): Step {
  const { options } = kit;
  const { repo, git } = options;
  return async (run, { signal, checkpoint }) => {
    const started = performance.now();
    const { compiled: c } = await kit.compiled(run);
    const sites = run.data.sites ?? [];

    // 1. revert
    let revertCommit = run.data.revertCommit;
    if (!revertCommit) {
      revertCommit = await revert(run, c.spec.intentDigest);
      await checkpoint({ revertCommit });
    }
    const reverted = performance.now();

    // 2. restore
    signal.throwIfAborted();
    const applied = await options.reconcile({ run, commit: revertCommit, sites, signal, mode: "rollback" });
    const restored = Object.fromEntries(Object.entries(applied.sites).map(([site, s]) => [site, s.commit]));
    await checkpoint({ restored });
    const reconciled = performance.now();
    const unhealthy = unhealthySites(applied.sites, run.intentId);

    // 3. re-verify the restored revision (its identity, e.g. its revision label, read from the revert commit)
    const restoredIntent = unhealthy.length ? undefined : await kit.intentAt(revertCommit, run.intentId);
    const after = unhealthy.length
      ? {
          verdict: {
            decision: "breach" as const,
            action: "none" as const,
            reasons: [`not healthy: ${unhealthy.join(", ")}`],
          },
        }
      : restoredIntent
        ? await options.verify({ run, compiled: restoredIntent, sites, signal, phase: "after-rollback" })
        : {
            verdict: {
              decision: "pass" as const,
              action: "none" as const,
              reasons: ["nothing restored: the intent's first revision was removed"],
            },
          };
    const passed = unhealthy.length === 0 && after.verdict.decision === "pass";
    const data: StepResult = {
      restored,
      revertCommit,
      restoredVerdict: { decision: after.verdict.decision, reasons: after.verdict.reasons },
      outcome: passed ? "RolledBack" : "RollbackFailed",
    };
    data.evidence = await kit.evidence(
      run,
      {
        action: "rollback",
        sites,
        commit: revertCommit,
        result: passed ? "rolled-back" : "failure",
        restoredVersion: revertCommit,
        // decision → revert pushed → sites applied and healthy (restored) → SLOs verified again
        durations: {
          totalMs: since(started),
          revertMs: Math.round(reverted - started),
          restoreMs: Math.round(reconciled - started),
          verifyAfterMs: since(reconciled),
        },
        ...(passed
          ? {}
          : {
              error: {
                code: "E_ROLLBACK_SLO",
                message: `restored revision: ${after.verdict.reasons.join("; ")}`,
              },
            }),
        details: { restored, reconcile: applied.sites, verifyAfter: after.verdict, ...(after.details ?? {}) },
      },
      signal,
    );
    return data;
  };

  /** The revert commit of the run's delivery: an existing one, or a new one (quarantined, with evidence). */
  async function revert(run: RunState, intentDigest: string): Promise<string> {
    const delivered = run.data.deliveryCommit;
    if (!delivered) {
      throw new IntentopsError("E_INTERNAL", "no delivery commit to revert", { subject: run.intentId });
    }
    const where = {
      dir: repo.dir,
      ...(repo.branch ? { branch: repo.branch } : {}),
      ...(repo.remote ? { remote: repo.remote } : {}),
    };
    const existing = await findRevert({ ...where, commit: delivered }, git);
    if (existing) {
      await ensureQuarantined(run, delivered, existing);
      return existing;
    }
    const result = await rollbackIntent(
      {
        ...repo,
        target: delivered,
        trigger: { kind: "slo-breach", detail: `run ${run.runId}` },
        reason: `SLO breach of revision ${intentDigest}: ${(run.data.verdict?.reasons ?? []).join("; ")}`,
        ...(options.secrets ? { secrets: options.secrets } : {}),
      },
      git,
    );
    return result.outcome.commit;
  }

  /** A crash between the revert's push and its quarantine entry: write the entry now. */
  async function ensureQuarantined(run: RunState, delivered: string, revertCommit: string) {
    const where = { dir: repo.dir, ...(repo.remote ? { remote: repo.remote } : {}) };
    if ((await listQuarantined(where, git)).some((q) => q.commit === delivered)) return;
    const reason = `SLO breach (run ${run.runId}); quarantined on resume`;
    await recordEvidence(
      {
        ...where,
        ...(options.secrets ? { secrets: options.secrets } : {}),
        input: {
          intentId: run.intentId,
          action: "quarantine",
          trigger: { kind: "slo-breach", detail: `run ${run.runId}` },
          commit: revertCommit,
          result: "success",
          details: { reverted: delivered, reason },
        },
        extraFiles: new Map([
          quarantineFile({
            commit: delivered,
            intentId: run.intentId,
            revertCommit,
            reason,
            timestamp: git.clock().toISOString(),
          }),
        ]),
      },
      git,
    );
  }
}
