/**
 * runController: `intentops controller` — the runner of `intentops run`, with the journal replaced by the
 * `IntentDeployment` resources' status (kubeRunStore), behind a Lease (electLeader). Only the leader acts;
 * it watches the resources (client-node's informer: list once, then a watch) and, per resource:
 *
 *   new generation of the spec      → its intent written to the work directory, a run submitted
 *   no finalizer                    → `intentops.io/withdraw` added (so a delete waits for the delete flow)
 *   deletionTimestamp               → the delete run (through Git, every site pruned); Deleted → finalizer off
 *   status.phase patched to Failed  → the active run aborted; it ends Failed (E_ABORTED, the reason given)
 *   intentops.io/retry annotation   → a failed run re-entered where it failed (once per annotation value)
 *
 * New revisions start at most `maxActiveRuns` at a time (as serve's intake does): a run holds its slot until
 * it verifies or ends, so a thousand resources created at once are worked off, not compiled, rendered and
 * pushed all at once. The rest wait in the controller's memory, not in the status (a new leader finds them
 * by their generation, which no run has yet). Delete runs, retries and resumed runs do not wait for a slot.
 *
 * A new leader resumes every unfinished run from the status alone. Steps are idempotent (see advanceRun.ts),
 * so a run whose leader died mid-phase is finished once: one commit per revision, no duplicate objects.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { KubernetesObject } from "@kubernetes/client-node";
import pLimit from "p-limit";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import { digestBytes } from "../../compiler/digest.js";
import { shortWindowOverrides } from "../../functions/slo/shortWindowOverrides.js";
import { openRepo } from "../git/openRepo.js";
import { pullBranch } from "../git/updateBranch.js";
import { createKubeClient } from "../reconcile/kubeClient.js";
import type { LocalRunner } from "../run/createRunner.js";
import { openPipeline, type PipelineOptions } from "../run/openPipeline.js";
import { type RunState, TERMINAL } from "../run/runTypes.js";
import { applyCrd } from "./applyCrd.js";
import { electLeader } from "./electLeader.js";
import { informIntentDeployments } from "./informIntentDeployments.js";
import {
  FINALIZER,
  type IntentDeployment,
  intentDeploymentPath,
  RETRY_ANNOTATION,
  runIdOf,
  subjectOf,
} from "./intentDeployment.js";
import { failRequested, kubeRunStore } from "./kubeRunStore.js";
import { updateStatus } from "./updateStatus.js";

export interface ControllerOptions {
  /** The management cluster. */
  kubeconfig: string;
  context: string;
  /** Namespace of the IntentDeployments and the Lease. */
  namespace: string;
  /** This replica's identity in the Lease. */
  identity: string;
  leaseName?: string;
  leaseDurationSeconds?: number;
  renewDeadlineSeconds?: number;
  retrySeconds?: number;
  /** New revisions compiling, rendering, delivering or reconciling at once, at most. Default 4. */
  maxActiveRuns?: number;
  /** The pipeline every run goes through (as `intentops run`), without its store. */
  pipeline: Omit<PipelineOptions, "store">;
  log: (line: string) => void;
}

export interface Controller {
  /** Resolves once this replica leads and has resumed the unfinished runs. */
  leading: Promise<void>;
  /** Resolves with why, when the lease was lost (the process must stop acting: exit). */
  lost: Promise<string>;
  /** Stops watching, releases the lease; runs in flight are left to the next leader. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** @example const controller = await startController({ kubeconfig, context: "mgmt", namespace: "intentops", identity: hostname(), pipeline, log }); */
export async function startController(options: ControllerOptions): Promise<Controller> {
  const { namespace, log } = options;
  const kube = await createKubeClient({ kubeconfig: options.kubeconfig, context: options.context });
  await applyCrd(kube, { sleep });
  const election = electLeader({
    kube,
    namespace,
    name: options.leaseName ?? "intentops-controller",
    identity: options.identity,
    ...(options.leaseDurationSeconds ? { leaseDurationSeconds: options.leaseDurationSeconds } : {}),
    ...(options.renewDeadlineSeconds ? { renewDeadlineSeconds: options.renewDeadlineSeconds } : {}),
    ...(options.retrySeconds ? { retrySeconds: options.retrySeconds } : {}),
    now: () => performance.now(),
    clock: () => new Date(),
    sleep,
    log,
  });
  let stopped = false;
  let stopInformer: (() => Promise<void>) | undefined;
  let runner: LocalRunner | undefined;
  const slots = pLimit(options.maxActiveRuns ?? 4);
  /** runId → frees its slot (once it verifies or ends). */
  const releases = new Map<string, () => void>();

  const leading = (async () => {
    await election.acquired;
    if (stopped) return;
    log(`${options.identity}: leading`);
    const store = kubeRunStore({ kube, namespace, clock: () => new Date(), log });
    // Every resource's intent in the work directory before any run is resumed (runs read it from there).
    const listed = await kube.request({ method: "GET", path: intentDeploymentPath(namespace) });
    for (const item of (listed.body?.["items"] ?? []) as IntentDeployment[]) await materialize(item);
    // This replica's clone may never have seen the commits a dead leader pushed: resumed steps read them.
    const { repo, git } = options.pipeline;
    if (repo.remote) {
      const opened = await openRepo({ fs: git.fs, dir: repo.dir, branch: repo.branch ?? "main" });
      await pullBranch(opened, git, repo.branch ?? "main", repo.remote);
    }
    const pipeline = await openPipeline({
      ...options.pipeline,
      store,
      onTransition: (run, from, to) => {
        options.pipeline.onTransition?.(run, from, to);
        if (to === "Verifying" || TERMINAL.has(to)) releases.get(run.runId)?.();
      },
    });
    runner = pipeline.runner;
    for (const run of await runner.resume())
      log(`resuming ${run.intentId} (run ${run.runId.slice(0, 8)}) in ${run.phase}`);
    stopInformer = watchResources(runner);
  })();

  /** The resource's intent as a file of the work directory; its digest names the run's source. */
  async function materialize(resource: IntentDeployment) {
    const file = join(
      ".intentops",
      "operator",
      resource.metadata.name,
      `${resource.metadata.generation ?? 0}.json`,
    );
    const text = stringifyCanonical(resource.spec.intent);
    const path = join(options.pipeline.cwd, file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    return { file, digest: digestBytes(text) };
  }

  function watchResources(runner: LocalRunner): () => Promise<void> {
    const informer = informIntentDeployments({
      kube,
      kubeconfig: options.kubeconfig,
      context: options.context,
      namespace,
      stopped: () => stopped,
      log,
    });
    const chains = new Map<string, Promise<void>>();
    const submitted = new Set<string>();
    const schedule = (object: KubernetesObject) => {
      const obj = object as unknown as IntentDeployment;
      const name = obj.metadata.name;
      const next = (chains.get(name) ?? Promise.resolve())
        .then(() => {
          if (stopped) return;
          // Act on the newest version the informer holds, not the one that queued this.
          const latest = (informer.get(name, namespace) as unknown as IntentDeployment | undefined) ?? obj;
          return reconcileResource(latest);
        })
        .catch((error: unknown) =>
          log(`${subjectOf(namespace, name)}: ${error instanceof Error ? error.message : String(error)}`),
        );
      chains.set(name, next);
    };

    async function reconcileResource(obj: IntentDeployment) {
      const { name, generation = 0, finalizers = [], annotations = {} } = obj.metadata;
      const status = obj.status;
      const run: RunState | undefined = status?.run;
      const active = run !== undefined && !TERMINAL.has(run.phase);
      if (obj.metadata.deletionTimestamp) {
        if (!finalizers.includes(FINALIZER)) return;
        if (run?.operation === "delete") {
          if (run.phase === "Deleted") await setFinalizer(obj, false);
          return; // in flight, or failed: `intentops.io/retry` re-enters it
        }
        const key = `${obj.metadata.uid}@delete`;
        if (submitted.has(key)) return;
        submitted.add(key);
        if (active) runner.abort(run.runId, "the IntentDeployment is being deleted");
        await runner.submit({
          intentId: name,
          source: { file: `intents/${name}.json`, digest: "delete" },
          operation: "delete",
          ...(obj.metadata.uid ? { runId: runIdOf(obj.metadata.uid, "delete") } : {}),
        });
        return;
      }
      if (!finalizers.includes(FINALIZER)) {
        await setFinalizer(obj, true);
        return; // the update it makes brings the resource back here
      }
      if (failRequested(status) && run) {
        runner.abort(run.runId, "status.phase was set to Failed by hand (kubectl runbook)");
      }
      const token = annotations[RETRY_ANNOTATION];
      if (token && token !== status?.retried && run && !active) {
        await updateStatus({
          kube,
          namespace,
          name,
          change: (r) => (r.status?.retried === token ? undefined : { ...r.status, retried: token }),
        });
        log(`${subjectOf(namespace, name)}: retry ${token} of run ${run.runId.slice(0, 8)} (${run.phase})`);
        runner
          .retry(run.runId)
          .catch((error: unknown) =>
            log(`${subjectOf(namespace, name)}: retry refused: ${(error as Error).message}`),
          );
      }
      const key = `${obj.metadata.uid}@${generation}`;
      if (run?.revision === generation || submitted.has(key)) return;
      if (run?.revision !== undefined && run.revision > generation) return;
      submitted.add(key);
      const source = await materialize(obj);
      const windowSeconds = obj.spec.policy?.slo?.windowSeconds;
      const slo = {
        ...(windowSeconds ? shortWindowOverrides(windowSeconds) : {}),
        ...(obj.spec.policy?.slo?.onInconclusive
          ? { onInconclusive: obj.spec.policy.slo.onInconclusive }
          : {}),
        ...(obj.spec.policy?.slo?.onUnmonitored ? { onUnmonitored: obj.spec.policy.slo.onUnmonitored } : {}),
      };
      void slots(async () => {
        // Waited for a slot: a newer generation, or a delete, makes this revision moot.
        const latest = informer.get(name, namespace) as unknown as IntentDeployment | undefined;
        if (stopped || !latest || latest.metadata.uid !== obj.metadata.uid) return;
        if (latest.metadata.deletionTimestamp || (latest.metadata.generation ?? 0) > generation) return;
        const run = await runner.submit({
          intentId: name,
          source,
          revision: generation,
          ...(obj.metadata.uid ? { runId: runIdOf(obj.metadata.uid, generation) } : {}),
          ...(Object.keys(slo).length ? { slo } : {}),
        });
        await new Promise<void>((free) => {
          releases.set(run.runId, free);
          runner.wait(run.runId).then(
            () => free(),
            () => free(),
          );
        });
        releases.delete(run.runId);
      }).catch((error: unknown) =>
        log(`${subjectOf(namespace, name)}: ${error instanceof Error ? error.message : String(error)}`),
      );
    }

    /** Adds or removes the finalizer, conditional on the resourceVersion read (a 409 waits for the next event). */
    async function setFinalizer(obj: IntentDeployment, present: boolean) {
      const others = (obj.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
      const res = await kube.request({
        method: "PATCH",
        path: intentDeploymentPath(namespace, obj.metadata.name),
        contentType: "application/merge-patch+json",
        body: {
          metadata: {
            resourceVersion: obj.metadata.resourceVersion,
            finalizers: present ? [...others, FINALIZER] : others,
          },
        },
      });
      if (res.status !== 200 && res.status !== 409 && res.status !== 404) {
        throw new Error(`finalizer ${present ? "add" : "removal"} answered ${res.status}`);
      }
    }

    informer.on("add", schedule);
    informer.on("update", schedule);
    void informer
      .start()
      .catch((error: unknown) => log(`watch of ${intentDeploymentPath(namespace)}: ${String(error)}`));
    return () => informer.stop();
  }

  return {
    leading,
    lost: election.lost,
    async stop() {
      stopped = true;
      await stopInformer?.().catch(() => undefined);
      await election.stop();
      await runner?.close().catch(() => undefined);
      kube.close();
    },
  };
}
