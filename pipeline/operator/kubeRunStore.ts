/**
 * kubeRunStore: the run store of operator mode — each run lives in the status of its intent's
 * `IntentDeployment` (name = intent id) in the management cluster. Every event is folded (applyRunEvent,
 * the journal's fold) into the run as last written and written back conditionally on that resourceVersion;
 * a conflict re-reads and folds the same event into the fresh status (updateStatus.ts). Writes to one
 * resource are serialised, so a run's events land in order; an append resolves once etcd has the write.
 *
 * A person's `kubectl patch … --subresource=status` setting `phase: Failed` on an active run is kept while
 * the run is still active (the controller aborts it; its final write then says Failed with the reason).
 */
import { IntentopsError } from "../../compiler/errors.js";
import type { KubeClient } from "../reconcile/kubeClient.js";
import { applyRunEvent } from "../run/applyRunEvent.js";
import type { RunStore } from "../run/runStore.js";
import { type RunEvent, type RunState, TERMINAL } from "../run/runTypes.js";
import {
  type IntentDeployment,
  type IntentDeploymentStatus,
  intentDeploymentPath,
} from "./intentDeployment.js";
import { statusOfRun } from "./statusOfRun.js";
import { updateStatus } from "./updateStatus.js";

export interface KubeRunStoreOptions {
  kube: KubeClient;
  namespace: string;
  clock: () => Date;
  /** Called on every 409 a write met (and then retried). */
  onConflict?: (name: string) => void;
  log?: (line: string) => void;
}

export interface KubeRunStore extends RunStore {
  /** Conflicts met so far (each one re-read and retried). */
  conflicts(): number;
}

/** True when a person marked an active run Failed (the runbook's patch) and the run has not stopped yet. */
export function failRequested(status: IntentDeploymentStatus | undefined): boolean {
  return status?.phase === "Failed" && status.run !== undefined && !TERMINAL.has(status.run.phase);
}

/** @example const store = kubeRunStore({ kube, namespace: "intentops", clock: () => new Date() }); */
export function kubeRunStore(options: KubeRunStoreOptions): KubeRunStore {
  const { kube, namespace, clock } = options;
  const nameOfRun = new Map<string, string>();
  const last = new Map<string, IntentDeployment>();
  const tails = new Map<string, Promise<unknown>>();
  let conflicts = 0;

  const write = (
    name: string,
    change: (resource: IntentDeployment) => IntentDeploymentStatus | undefined,
  ) => {
    const before = tails.get(name) ?? Promise.resolve();
    const next = before
      .catch(() => undefined)
      .then(async () => {
        const known = last.get(name);
        const written = await updateStatus({
          kube,
          namespace,
          name,
          change,
          ...(known ? { known } : {}),
          onConflict: () => {
            conflicts++;
            options.onConflict?.(name);
          },
        });
        last.set(name, written);
      });
    tails.set(name, next);
    return next;
  };

  return {
    async load() {
      const res = await kube.request({ method: "GET", path: intentDeploymentPath(namespace) });
      if (res.status !== 200) {
        throw new IntentopsError(
          "E_REMOTE",
          `listing IntentDeployments in ${namespace} answered ${res.status}`,
        );
      }
      const items = ((res.body?.["items"] ?? []) as IntentDeployment[]).sort((a, b) =>
        `${a.metadata.creationTimestamp}/${a.metadata.name}`.localeCompare(
          `${b.metadata.creationTimestamp}/${b.metadata.name}`,
        ),
      );
      const runs: RunState[] = [];
      for (const item of items) {
        last.set(item.metadata.name, item);
        const run = item.status?.run;
        if (!run) continue;
        nameOfRun.set(run.runId, item.metadata.name);
        runs.push(structuredClone(run));
      }
      return runs;
    },
    async append(event: RunEvent) {
      const at = clock().toISOString();
      if (event.type === "created") {
        const name = event.run.intentId;
        nameOfRun.set(event.run.runId, name);
        await write(name, (resource) => statusOfRun(structuredClone(event.run), resource.status, at));
        return;
      }
      const name = nameOfRun.get(event.runId);
      if (!name) return; // not a run of this store
      try {
        await write(name, (resource) => {
          const current = resource.status?.run;
          // A superseded run's late events: the newer run owns the status now.
          if (!current || current.runId !== event.runId) return undefined;
          const run = applyRunEvent(structuredClone(current), event);
          const status = statusOfRun(run, resource.status, at);
          if (failRequested(resource.status) && !TERMINAL.has(run.phase)) status.phase = "Failed";
          return status;
        });
      } catch (error) {
        // The resource was removed by hand (its finalizer taken off): there is nothing left to record to.
        if (error instanceof IntentopsError && error.code === "E_NOT_FOUND") {
          options.log?.(`${error.subject}: gone; run ${event.runId}'s ${event.type} event not recorded`);
          return;
        }
        throw error;
      }
    },
    async close() {
      await Promise.allSettled([...tails.values()]);
    },
    conflicts: () => conflicts,
  };
}
