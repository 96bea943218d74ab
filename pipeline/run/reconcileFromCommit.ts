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
  recordEvidence?: (input: EvidenceInput) => Promise<void>;
  log?: (line: string) => void;
}

/** @example createSteps({ …, reconcile: reconcileFromCommit({ registry, repo, git, kubeconfig }) }) */
export function reconcileFromCommit(options: ReconcileFromCommitOptions): ReconcileSites {
  return async ({ run, commit, sites }) => {
    const repo = await openRepo({ fs: options.git.fs, dir: options.repo.dir, init: false });
    const result: Record<string, { commit: string | null; healthy: boolean }> = {};
    const details: Record<string, unknown> = {};
    for (const siteId of sites) {
      const site = options.registry.sites.find((s) => s.id === siteId);
      if (!site) continue;
      const packages = (await packagesAt(repo, commit, siteId)).filter((p) => p.intentId === run.intentId);
      // The intent's package is gone at this commit (a rollback of its first revision): prune it all.
      const pkg = packages[0] ?? { intentId: run.intentId, objects: [] };
      const outcome = await reconcileSite(
        {
          site,
          packages: [pkg],
          commit,
          forcePrune: packages.length === 0,
          trigger: { kind: "pipeline", detail: `run ${run.runId}` },
          ...(options.healthTimeoutMs !== undefined ? { healthTimeoutMs: options.healthTimeoutMs } : {}),
        },
        {
          ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
          ...(options.recordEvidence ? { recordEvidence: options.recordEvidence } : {}),
          ...(options.log ? { log: options.log } : {}),
        },
      );
      result[siteId] = { commit, healthy: outcome.ok };
      details[siteId] = outcome.intents.map((i) => ({
        subject: i.subject,
        result: i.result,
        changes: i.changeSet.map((c) => ({ ref: c.ref, action: c.action })),
        error: i.error,
      }));
    }
    return { sites: result, details: { reconcile: details } };
  };
}
