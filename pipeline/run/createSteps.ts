/**
 * createSteps: the real work of each phase — compile and render in process, deliver and revert through
 * Git, reconcile and verify through the site drivers it is given — with one evidence record per action.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import isoGit from "isomorphic-git";
import { compileIntent } from "../../compiler/compileIntent.js";
import { type Digest, digestBytes } from "../../compiler/digest.js";
import { IntentopsError } from "../../compiler/errors.js";
import { raiseReplicaTarget } from "../../compiler/raiseReplicaTarget.js";
import type { CompiledIntent, SiteRegistry } from "../../compiler/types.js";
import { type RenderedPackage, renderIntentPackage } from "../../functions/render/renderIntentPackage.js";
import type { FunctionRegistry } from "../../functions/runtime/resolveFunction.js";
import type { EvidenceInput } from "../evidence/evidenceRecord.js";
import { recordEvidence } from "../evidence/recordEvidence.js";
import { writeFilesAtomically } from "../fs/writeFilesAtomically.js";
import { trailerValue } from "../git/commitMessage.js";
import { deliverIntent } from "../git/deliverIntent.js";
import type { GitDeps, RepoOptions } from "../git/gitDeps.js";
import { openRepo } from "../git/openRepo.js";
import { listQuarantined } from "../git/quarantine.js";
import { rollbackIntent } from "../git/rollbackIntent.js";
import { fileAt, treeOfCommit } from "../git/treeOps.js";
import type { RunSteps, Verdict } from "./advanceRun.js";
import { type AlertDeps, emitAlert } from "./emitAlert.js";
import type { RunData, RunState } from "./runTypes.js";

/** Applies the delivered commit to the run's sites (push mode) and reports per-site health. */
export type ReconcileSites = (input: {
  run: RunState;
  commit: string;
  sites: string[];
  signal: AbortSignal;
}) => Promise<{
  sites: Record<string, { commit: string | null; healthy: boolean }>;
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
}

/** `RunSteps` over real components. Rendered packages are kept per run in memory and recomputed after a restart. */
export function createSteps(options: StepsOptions): RunSteps {
  const { cwd, registry, repo, git } = options;
  const cache = new Map<string, { compiled: CompiledIntent; text: string; packages?: RenderedPackage[] }>();

  const evidence = async (run: RunState, input: Omit<EvidenceInput, "intentId" | "trigger">) => {
    const recorded = await recordEvidence(
      {
        dir: repo.dir,
        ...(repo.remote ? { remote: repo.remote } : {}),
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
  };

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
      entry = { compiled: compileIntent(text, registry, { file: run.source.file }), text };
      cache.set(run.runId, entry);
    }
    return entry;
  };

  const packages = async (run: RunState) => {
    const entry = await compiled(run);
    if (!entry.packages) {
      const sites = new Map(registry.sites.map((s) => [s.id, s]));
      entry.packages = [];
      for (const id of entry.compiled.spec.sites) {
        entry.packages.push(await renderIntentPackage(entry.compiled, sites.get(id)!, options.functions));
      }
    }
    return { ...entry, packages: entry.packages };
  };

  return {
    async compile(run) {
      const started = performance.now();
      const { compiled: c } = await compiled(run);
      const data: RunData = { intentDigest: c.spec.intentDigest, sites: c.spec.sites };
      data.evidence = await evidence(run, {
        action: "compile",
        sites: c.spec.sites,
        intentDigest: c.spec.intentDigest,
        inputs: [{ name: run.source.file, digest: run.source.digest as Digest }],
        result: "success",
        durations: { totalMs: Math.round(performance.now() - started) },
        details: { delta: c.spec.delta, revision: c.spec.revision ?? null },
      });
      return data;
    },

    async render(run) {
      const started = performance.now();
      const { compiled: c, packages: pkgs } = await packages(run);
      const renderedDigests = Object.fromEntries(pkgs.map((p) => [p.site, p.renderedDigest]));
      const data: RunData = { renderedDigests };
      data.evidence = await evidence(run, {
        action: "render",
        intentDigest: c.spec.intentDigest,
        renderedDigests,
        outputs: pkgs.map((p) => ({ name: `rendered/${p.subject}`, digest: p.renderedDigest })),
        result: "success",
        durations: { totalMs: Math.round(performance.now() - started) },
        details: { objects: Object.fromEntries(pkgs.map((p) => [p.site, p.objects.length])) },
      });
      return data;
    },

    async deliver(run) {
      const started = performance.now();
      const { compiled: c, text, packages: pkgs } = await packages(run);
      if (await isRevisionQuarantined(repo, git, run.intentId, c.spec.intentDigest)) {
        throw new IntentopsError(
          "E_QUARANTINED",
          `revision ${c.spec.intentDigest} of ${run.intentId} was rolled back; it is not delivered again automatically`,
          { subject: run.intentId },
        );
      }
      const rendered = new Map<string, string>();
      for (const pkg of pkgs) {
        for (const [path, content] of Object.entries(pkg.files))
          rendered.set(`rendered/${pkg.subject}/${path}`, content);
      }
      const outcome = await deliverIntent(
        {
          ...repo,
          intentId: run.intentId,
          intentFile: { path: `intents/${run.intentId}.json`, content: text },
          rendered,
          digests: {
            intentDigest: c.spec.intentDigest,
            renderedDigests: Object.fromEntries(pkgs.map((p) => [p.site, p.renderedDigest])),
          },
        },
        git,
      );
      // After a crash between commit and journal, the re-run finds the tree unchanged: the head is ours.
      const data: RunData = { deliveryCommit: outcome.commit ?? outcome.head, deliveryHead: outcome.head };
      data.evidence = await evidence(run, {
        action: "deliver",
        intentDigest: c.spec.intentDigest,
        renderedDigests: Object.fromEntries(pkgs.map((p) => [p.site, p.renderedDigest])),
        commit: outcome.head,
        result: outcome.status === "committed" ? "success" : "noop",
        durations: { totalMs: Math.round(performance.now() - started) },
        details: { changes: outcome.changes, pushed: outcome.pushed, attempts: outcome.attempts },
      });
      return data;
    },

    async reconcile(run, signal) {
      const started = performance.now();
      const sites = run.data.sites ?? [];
      const result = await options.reconcile({ run, commit: run.data.deliveryHead ?? "", sites, signal });
      const unhealthy = Object.entries(result.sites).filter(([, s]) => !s.healthy);
      const data: RunData = { reconciled: result.sites };
      data.evidence = await evidence(run, {
        action: "reconcile",
        sites,
        commit: run.data.deliveryHead ?? null,
        result: unhealthy.length ? "failure" : "success",
        durations: { totalMs: Math.round(performance.now() - started) },
        details: { sites: result.sites, ...(result.details ?? {}) },
      });
      if (unhealthy.length) {
        throw new IntentopsError(
          "E_UNHEALTHY",
          `not healthy: ${unhealthy.map(([s]) => `${s}/${run.intentId}`).join(", ")}`,
          {
            subject: run.intentId,
          },
        );
      }
      return data;
    },

    async verify(run, signal) {
      const started = performance.now();
      const { compiled: c } = await compiled(run);
      const result = await options.verify({
        run,
        compiled: c,
        sites: run.data.sites ?? [],
        signal,
        phase: "verify",
      });
      const data: RunData & { verdict: Verdict } = { verdict: result.verdict };
      let alerted: boolean | undefined;
      const { decision, action, reasons } = result.verdict;
      if (decision === "breach" && (action === "alert" || action === "scale")) {
        const event = {
          kind: "slo-alert" as const,
          intentId: run.intentId,
          runId: run.runId,
          action,
          reasons,
          at: new Date().toISOString(),
        };
        alerted = await emitAlert(event, options.alerts ?? { log: () => undefined });
      }
      if (decision === "breach" && action === "scale") {
        // Scaling is a new revision through Git, not a patch of the cluster: write it for the next run.
        const { text } = await compiled(run);
        const raised = raiseReplicaTarget(text);
        if (raised) {
          const file = join(
            options.scaledDir ?? join(".intentops", "scaled"),
            `${run.intentId}.${raised.version}.json`,
          );
          await writeFilesAtomically(cwd, new Map([[file, raised.text]]));
          data.scaledSource = { file, digest: digestBytes(raised.text), from: raised.from, to: raised.to };
        }
      }
      data.evidence = await evidence(run, {
        action: "verify",
        sites: run.data.sites ?? [],
        commit: run.data.deliveryHead ?? null,
        result:
          result.verdict.decision === "pass"
            ? "success"
            : result.verdict.decision === "breach"
              ? "failure"
              : "inconclusive",
        durations: { totalMs: Math.round(performance.now() - started) },
        details: {
          verdict: result.verdict,
          ...(data.scaledSource ? { scaled: data.scaledSource } : {}),
          ...(alerted !== undefined ? { alertDelivered: alerted } : {}),
          ...(result.details ?? {}),
        },
      });
      return data;
    },

    async rollback(run, signal) {
      const started = performance.now();
      const { compiled: c } = await compiled(run);
      let revertCommit = run.data.revertCommit;
      if (!revertCommit) {
        const result = await rollbackIntent(
          {
            ...repo,
            target: run.data.deliveryCommit ?? run.intentId,
            trigger: { kind: "slo-breach", detail: `run ${run.runId}` },
            reason: `SLO breach of revision ${c.spec.intentDigest}: ${(run.data.verdict?.reasons ?? []).join("; ")}`,
            ...(options.secrets ? { secrets: options.secrets } : {}),
          },
          git,
        ).catch((error: unknown) => {
          // Resumed after the revert was pushed but before it was journalled: nothing left to revert.
          if (error instanceof IntentopsError && error.code === "E_REVERT_EMPTY") return undefined;
          throw error;
        });
        revertCommit = result?.outcome.commit ?? undefined;
      }
      const reverted = performance.now();
      const sites = run.data.sites ?? [];
      const applied = await options.reconcile({ run, commit: revertCommit ?? "", sites, signal });
      const reconciled = performance.now();
      // The SLOs that must recover are those of the restored revision (its identity, e.g. its revision
      // label), read from the revert commit; a rollback of an intent's first revision restores nothing.
      const restoredIntent = revertCommit
        ? await intentAt(repo, git, revertCommit, run.intentId, registry)
        : undefined;
      const after = restoredIntent
        ? await options.verify({ run, compiled: restoredIntent, sites, signal, phase: "after-rollback" })
        : {
            verdict: {
              decision: "pass" as const,
              action: "none" as const,
              reasons: ["nothing restored: the intent is removed"],
            },
          };
      const restored = Object.fromEntries(Object.entries(applied.sites).map(([site, s]) => [site, s.commit]));
      const data: RunData = { restored, ...(revertCommit ? { revertCommit } : {}) };
      data.evidence = await evidence(run, {
        action: "rollback",
        sites,
        commit: revertCommit ?? null,
        result: "rolled-back",
        restoredVersion: revertCommit ?? null,
        // decision → revert pushed → sites applied and healthy (restored) → SLOs verified again
        durations: {
          totalMs: Math.round(performance.now() - started),
          revertMs: Math.round(reverted - started),
          restoreMs: Math.round(reconciled - started),
          verifyAfterMs: Math.round(performance.now() - reconciled),
        },
        details: { restored, reconcile: applied.sites, verifyAfter: after.verdict, ...(after.details ?? {}) },
      });
      const unhealthy = Object.entries(applied.sites).filter(([, s]) => !s.healthy);
      if (unhealthy.length) {
        throw new IntentopsError(
          "E_ROLLBACK_UNHEALTHY",
          `sites not healthy after rollback: ${unhealthy.map(([s]) => s).join(", ")}`,
          {
            subject: run.intentId,
          },
        );
      }
      return data;
    },
  };
}

/** Whether a commit delivering this very revision (same Intent-Digest) was reverted by a rollback. */
async function isRevisionQuarantined(
  repo: RepoOptions,
  git: GitDeps,
  intentId: string,
  intentDigest: string,
): Promise<boolean> {
  const entries = await listQuarantined(
    { dir: repo.dir, ...(repo.remote ? { remote: repo.remote } : {}) },
    git,
  );
  const mine = entries.filter((q) => q.intentId === intentId);
  if (mine.length === 0) return false;
  const opened = await openRepo({
    fs: git.fs,
    dir: repo.dir,
    ...(repo.branch ? { branch: repo.branch } : {}),
  });
  for (const entry of mine) {
    const { commit } = await isoGit.readCommit({ fs: opened.fs, gitdir: opened.gitdir, oid: entry.commit });
    if (trailerValue(commit.message, "Intent-Digest") === intentDigest) return true;
  }
  return false;
}

/** The compiled intent as committed at `commit` (`intents/<id>.json`), or undefined when it is not there. */
async function intentAt(
  repo: RepoOptions,
  git: GitDeps,
  commit: string,
  intentId: string,
  registry: SiteRegistry,
): Promise<CompiledIntent | undefined> {
  const opened = await openRepo({ fs: git.fs, dir: repo.dir, init: false });
  const entry = await fileAt(opened, await treeOfCommit(opened, commit), `intents/${intentId}.json`);
  if (!entry) return undefined;
  const { blob } = await isoGit.readBlob({ fs: opened.fs, gitdir: opened.gitdir, oid: entry.oid });
  return compileIntent(new TextDecoder().decode(blob), registry, {
    file: `intents/${intentId}.json@${commit.slice(0, 12)}`,
  });
}
