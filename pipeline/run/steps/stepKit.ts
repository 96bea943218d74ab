/**
 * What the steps share: the options they are built from, the compiled intent and rendered packages of a
 * run (kept in memory, recomputed after a restart), and one evidence writer.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { compileIntent } from "../../../compiler/compileIntent.js";
import { digestBytes } from "../../../compiler/digest.js";
import { formatProblems, IntentopsError, InvalidInputError } from "../../../compiler/errors.js";
import type { IriMapper } from "../../../compiler/rdf/buildIntentTree.js";
import type { CompiledIntent, SiteRegistry } from "../../../compiler/types.js";
import { type RenderedPackage, renderIntentPackage } from "../../../functions/render/renderIntentPackage.js";
import type { FunctionRegistry } from "../../../functions/runtime/resolveFunction.js";
import type { EvidenceInput } from "../../evidence/evidenceRecord.js";
import { pushEvidence } from "../../evidence/pushEvidence.js";
import { recordEvidence } from "../../evidence/recordEvidence.js";
import type { GitDeps, RepoOptions } from "../../git/gitDeps.js";
import { branchHead, openRepo } from "../../git/openRepo.js";
import { createOwnershipIndex } from "../../git/ownershipIndex.js";
import { restoredIntentText } from "../../git/restoredIntentText.js";
import { probeIntentProblem } from "../../probe/probeIntentProblem.js";
import { refuseOwnershipConflicts } from "../../render/refuseOwnershipConflicts.js";
import { coalesce } from "../../support/coalesce.js";
import type { Verdict } from "../advanceRun.js";
import type { AlertDeps } from "../emitAlert.js";
import type { RunState } from "../runTypes.js";

/** Why sites are being reconciled: prune safety is bypassed only on the explicit undo and delete paths. */
export type ReconcileMode = "apply" | "rollback" | "compensate" | "delete";

/** Applies `commit` to the given sites (push mode) and reports per-site health. */
export type ReconcileSites = (input: {
  run: RunState;
  commit: string;
  sites: string[];
  signal: AbortSignal;
  mode: ReconcileMode;
}) => Promise<{
  sites: Record<string, { commit: string | null; healthy: boolean; pruned?: number }>;
  details?: Record<string, unknown>;
}>;

/** Checks the run's SLOs on its sites and returns the verdict with its evidence. */
export type VerifySites = (input: {
  run: RunState;
  compiled: CompiledIntent;
  sites: string[];
  signal: AbortSignal;
  phase: "verify" | "after-rollback";
}) => Promise<{ verdict: Verdict; details?: Record<string, unknown> }>;

export interface StepsOptions {
  /** Work directory the run sources (`intents/x.json`) are relative to. */
  cwd: string;
  registry: SiteRegistry;
  /** Vocabulary mappings beside the registry (`intents/mappings.yaml`), when there are any. */
  mapper?: IriMapper;
  functions: FunctionRegistry;
  repo: RepoOptions;
  git: GitDeps;
  reconcile: ReconcileSites;
  verify: VerifySites;
  /** Secret values to keep out of evidence. */
  secrets?: readonly string[];
  /** Where alert events go (breaches whose action is alert or scale). Default: nowhere but evidence. */
  alerts?: AlertDeps;
  /** Directory (relative to `cwd`) for intent revisions written by a scale action. Default `.intentops/scaled`. */
  scaledDir?: string;
  /** Clock for event timestamps. Default `() => new Date()`. */
  clock?: () => Date;
}

export interface StepKit {
  options: StepsOptions;
  compiled(run: RunState): Promise<{ compiled: CompiledIntent; text: string }>;
  packages(run: RunState): Promise<{ compiled: CompiledIntent; text: string; packages: RenderedPackage[] }>;
  /** Records one evidence record of the run; returns the run's evidence list with it appended. */
  evidence(
    run: RunState,
    input: Omit<EvidenceInput, "intentId" | "trigger">,
    signal?: AbortSignal,
  ): Promise<string[]>;
  /**
   * Refuses the run's packages when they claim an object (or DNS record) another intent's package on the
   * delivery branch holds: `E_OWNERSHIP_CONFLICT` with every claimed object, in `site/intent-id` and
   * `Kind/namespace/name` form.
   */
  checkOwnership(run: RunState): Promise<void>;
  /** Pushes the evidence recorded so far (one push for all of it); nothing without a remote. */
  pushEvidence(): Promise<void>;
  /**
   * The intent the packages at `commit` were rendered from, compiled; undefined when the commit renders
   * nothing for it.
   */
  intentAt(commit: string, intentId: string): Promise<CompiledIntent | undefined>;
}

export function createStepKit(options: StepsOptions): StepKit {
  const { cwd, registry, repo, git } = options;
  const cache = new Map<string, { compiled: CompiledIntent; text: string; packages?: RenderedPackage[] }>();
  const ownership = createOwnershipIndex();

  const compiled = async (run: RunState) => {
    let entry = cache.get(run.runId);
    if (!entry) {
      const text = await readFile(resolve(cwd, run.source.file), "utf8");
      if (digestBytes(text) !== run.source.digest) {
        throw new IntentopsError(
          "E_SOURCE_CHANGED",
          `${run.source.file} changed since the run was submitted`,
          {
            subject: run.intentId,
          },
        );
      }
      const compiled = await compileIntent(text, registry, {
        file: run.source.file,
        ...(options.mapper ? { mapper: options.mapper } : {}),
      });
      if (compiled.spec.probe) throw new InvalidInputError([probeIntentProblem(run.source.file)]);
      entry = { compiled, text };
      cache.set(run.runId, entry);
    }
    return entry;
  };

  // Runs ending together share one push: a push pushes everything recorded before it started.
  const pushes = coalesce(() =>
    pushEvidence({ dir: repo.dir, remote: repo.remote! }, git).then(() => undefined),
  );

  return {
    options,
    compiled,
    async packages(run) {
      const entry = await compiled(run);
      if (!entry.packages) {
        const sites = new Map(registry.sites.map((s) => [s.id, s]));
        const rendered: RenderedPackage[] = [];
        for (const id of entry.compiled.spec.sites) {
          rendered.push(await renderIntentPackage(entry.compiled, sites.get(id)!, options.functions));
        }
        entry.packages = rendered;
      }
      return { ...entry, packages: entry.packages };
    },
    async checkOwnership(run) {
      const entry = await this.packages(run);
      const opened = await openRepo({ fs: git.fs, dir: repo.dir, init: false }).catch(() => null);
      const commit = opened ? await branchHead(opened, `refs/heads/${repo.branch ?? "main"}`) : null;
      const intent = { file: run.source.file, ...entry };
      await refuseOwnershipConflicts([intent], { index: ownership, repo: opened, commit }).catch(
        (error: unknown) => {
          if (!(error instanceof InvalidInputError)) throw error;
          throw new IntentopsError(
            "E_OWNERSHIP_CONFLICT",
            formatProblems(error.problems).replace(/\n/g, "; "),
            {
              subject: `${entry.packages[0]?.site ?? ""}/${run.intentId}`,
              cause: error,
            },
          );
        },
      );
    },
    async evidence(run, input, signal) {
      // An aborted attempt writes no more evidence: the retry or the failure records what happened.
      signal?.throwIfAborted();
      // Recorded locally; `pushEvidence` sends a run's records in one push (before delivery, at the end).
      const recorded = await recordEvidence(
        {
          dir: repo.dir,
          ...(options.secrets ? { secrets: options.secrets } : {}),
          input: {
            intentId: run.intentId,
            trigger: { kind: "pipeline", detail: `run ${run.runId}` },
            ...input,
          },
        },
        git,
      );
      return [...(run.data.evidence ?? []), recorded.path];
    },
    pushEvidence: () => (repo.remote ? pushes.request() : Promise.resolve()),
    async intentAt(commit, intentId) {
      const opened = await openRepo({ fs: git.fs, dir: repo.dir, init: false });
      const compile = (text: string, at: string) =>
        compileIntent(text, registry, {
          file: `intents/${intentId}.json@${at.slice(0, 12)}`,
          ...(options.mapper ? { mapper: options.mapper } : {}),
        });
      // The revision the commit's packages were rendered from, not merely the intent file it holds.
      const seen = new Map<string, CompiledIntent>();
      const text = await restoredIntentText(opened, commit, intentId, {
        digestOf: async (t) => {
          const c = await compile(t, commit);
          seen.set(t, c);
          return c.spec.intentDigest;
        },
      });
      return text === undefined ? undefined : seen.get(text);
    },
  };
}

/** Milliseconds since `started` (a `performance.now()` reading), rounded. */
export function since(started: number): number {
  return Math.round(performance.now() - started);
}

/** `site/intent-id` for each unhealthy site of a reconcile result. */
export function unhealthySites(sites: Record<string, { healthy: boolean }>, intentId: string): string[] {
  return Object.entries(sites)
    .filter(([, s]) => !s.healthy)
    .map(([site]) => `${site}/${intentId}`);
}
