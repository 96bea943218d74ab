/**
 * The Reconciling phase in push mode: read the run's intent package for each site at the delivered (or,
 * when rolling back, the revert) commit straight from Git, and reconcile the site with the same
 * `reconcileSite` the pull-mode agent uses.
 */
import type { SiteRegistry } from "../../compiler/types.js";
import type { EvidenceInput } from "../evidence/evidenceRecord.js";
import type { GitDeps, RepoOptions } from "../git/gitDeps.js";
import { openRepo } from "../git/openRepo.js";
import { reconcileSite } from "../reconcile/reconcileSite.js";
import { packagesAt } from "../reconcile/syncFromGit.js";
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
  return async ({ run, commit, sites }) => {
    const repo = await openRepo({ fs: options.git.fs, dir: options.repo.dir, init: false });
    // Sites are independent clusters: reconciling them at once makes the phase as long as the slowest
    // site rather than the sum of all (each waits for its rollout to become healthy).
    const outcomes = await Promise.all(
      sites.map(async (siteId) => {
        const site = options.registry.sites.find((s) => s.id === siteId);
        if (!site) return undefined;
        const packages = (await packagesAt(repo, commit, siteId)).filter((p) => p.intentId === run.intentId);
        // The intent's package is gone at this commit (a rollback of its first revision): prune it all.
        const pkg = packages[0] ?? { intentId: run.intentId, objects: [] };
        return reconcileSite(
          {
            site,
            packages: [pkg],
            commit,
            forcePrune: packages.length === 0,
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
    const result: Record<string, { commit: string | null; healthy: boolean }> = {};
    const details: Record<string, unknown> = {};
    sites.forEach((siteId, i) => {
      const outcome = outcomes[i];
      if (!outcome) return;
      result[siteId] = { commit, healthy: outcome.ok };
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
