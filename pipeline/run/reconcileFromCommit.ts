/**
 * The Reconciling phase in push mode: read the run's intent package for each site at the delivered (or,
 * when rolling back, the revert) commit straight from Git, and reconcile the site with the same
 * `reconcileSite` the pull-mode agent uses.
 */
import { IntentopsError } from "../../compiler/errors.js";
import type { SiteRegistry } from "../../compiler/types.js";
import type { EvidenceInput } from "../evidence/evidenceRecord.js";
import type { GitDeps, RepoOptions } from "../git/gitDeps.js";
import { openRepo } from "../git/openRepo.js";
import { reconcileOpenStackSite } from "../openstack/reconcileOpenStackSite.js";
import { type ReconcileSiteOutcome, reconcileSite } from "../reconcile/reconcileSite.js";
import { intentsAt, packageAt } from "../reconcile/syncFromGit.js";
import type { ReconcileSites } from "./createSteps.js";

export interface ReconcileFromCommitOptions {
  registry: SiteRegistry;
  repo: RepoOptions;
  git: GitDeps;
  /** Kubeconfig for sites that name none. */
  kubeconfig?: string;
  healthTimeoutMs?: number;
  /** How often health is polled while a rollout settles. Default 200 ms (reconcileSite's own: 500 ms). */
  healthIntervalMs?: number;
  recordEvidence?: (input: EvidenceInput) => Promise<void>;
  log?: (line: string) => void;
  /** Where OpenStack sites keep their saga journals. Default `.intentops/openstack`. */
  openstackStateDir?: string;
}

/** @example createSteps({ …, reconcile: reconcileFromCommit({ registry, repo, git, kubeconfig }) }) */
export function reconcileFromCommit(options: ReconcileFromCommitOptions): ReconcileSites {
  // Evidence records of one intent form one chain: appends are serialised even though sites run at once.
  let evidenceTail: Promise<void> = Promise.resolve();
  const recordEvidence = options.recordEvidence
    ? (input: EvidenceInput) => {
        const next = evidenceTail.then(() => options.recordEvidence!(input));
        evidenceTail = next.catch(() => undefined);
        return next;
      }
    : undefined;
  return async ({ run, commit, sites, signal, mode }) => {
    const repo = await openRepo({ fs: options.git.fs, dir: options.repo.dir, init: false });
    const present = await intentsAt(repo, commit);
    // Sites are independent clusters: reconciling them at once makes the phase as long as the slowest
    // site rather than the sum of all (each waits for its rollout to become healthy).
    // allSettled: a site that fails to start must not leave the others running unobserved.
    const settled = await Promise.allSettled(
      sites.map(async (siteId) => {
        const site = options.registry.sites.find((s) => s.id === siteId);
        if (!site) {
          throw new IntentopsError("E_SITE_UNKNOWN", "the site registry has no such site", {
            subject: `${siteId}/${run.intentId}`,
          });
        }
        const found = await packageAt(repo, commit, siteId, run.intentId);
        // No package at this commit. On the undo and delete paths that is on purpose (a rollback of the
        // intent's first revision, a removal): prune it all. Otherwise it is a broken delivery, and prune
        // safety stays in force — a missing package never empties a site by accident.
        const explicit = mode !== "apply" && !present.has(run.intentId);
        if (!found && !explicit) {
          throw new IntentopsError(
            "E_PACKAGE_MISSING",
            `commit ${commit.slice(0, 12)} has no package rendered/${siteId}/${run.intentId}/`,
            { subject: `${siteId}/${run.intentId}` },
          );
        }
        const pkg = found ?? { intentId: run.intentId, objects: [], deleted: true };
        if (site.kind === "openstack") {
          return reconcileOpenStackSite(
            { site, packages: [pkg], commit, trigger: { kind: "pipeline", detail: `run ${run.runId}` } },
            {
              ...(options.openstackStateDir ? { stateDir: options.openstackStateDir } : {}),
              ...(recordEvidence ? { recordEvidence } : {}),
              ...(options.log ? { log: options.log } : {}),
            },
          );
        }
        return reconcileSite(
          {
            site,
            packages: [pkg],
            commit,
            signal,
            // The intent leaves the site (a delete, or the undo of its first revision): done only when
            // its objects are gone, not when their deletion was asked for.
            waitForDeletion: mode === "delete" || pkg.deleted === true,
            trigger: { kind: "pipeline", detail: `run ${run.runId}` },
            ...(options.healthTimeoutMs !== undefined ? { healthTimeoutMs: options.healthTimeoutMs } : {}),
            healthIntervalMs: options.healthIntervalMs ?? 200,
          },
          {
            ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
            ...(recordEvidence ? { recordEvidence } : {}),
            ...(options.log ? { log: options.log } : {}),
          },
        );
      }),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    const outcomes = settled.map((s) => (s as PromiseFulfilledResult<ReconcileSiteOutcome>).value);
    const result: Record<string, { commit: string | null; healthy: boolean; pruned: number }> = {};
    const details: Record<string, unknown> = {};
    sites.forEach((siteId, i) => {
      const outcome = outcomes[i];
      if (!outcome) return;
      const pruned = outcome.intents
        .flatMap((entry) => entry.changeSet)
        .filter((c) => c.action === "deleted").length;
      result[siteId] = { commit, healthy: outcome.ok, pruned };
      details[siteId] = outcome.intents.map((entry) => ({
        subject: entry.subject,
        result: entry.result,
        changes: entry.changeSet.map((c) => ({ ref: c.ref, action: c.action })),
        error: entry.error,
      }));
    });
    return { sites: result, details: { reconcile: details } };
  };
}
