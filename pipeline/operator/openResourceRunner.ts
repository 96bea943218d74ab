/**
 * openResourceRunner: the `Runner` of `intentops serve --operator` — it runs nothing itself. A submit
 * creates the intent's `IntentDeployment` (or replaces its spec: a new generation, the controller's next
 * revision) or deletes it (the controller's finalizer runs the delete flow); everything read about runs
 * comes from the resources' status, kept current by an informer (one list, then a watch). So any number of
 * API replicas against one management cluster answer alike, and none holds state a kill -9 could lose.
 *
 * A resource's runs as the API shows them: the run its status holds (the controller's), and — while the
 * controller has not yet taken up the newest generation or the deletion — that revision's run as Pending,
 * under the id the controller will give it (runIdOf), so a report named in a 201 keeps its id. Only the
 * latest run lives in the status: older revisions' runs are in the evidence in Git, not here.
 *
 * Status changes seen through the watch (after the first list) are reported as run transitions
 * (`onTransition`), as the pipeline reports its own: the hub's status events, the metrics and the request
 * records follow them.
 */
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import { digestBytes } from "../../compiler/digest.js";
import { IntentopsError } from "../../compiler/errors.js";
import type { KubeClient } from "../reconcile/kubeClient.js";
import type { Runner, SubmitInput } from "../run/createRunner.js";
import { type Phase, type RunState, TERMINAL } from "../run/runTypes.js";
import { informIntentDeployments } from "./informIntentDeployments.js";
import {
  FINALIZER,
  type IntentDeployment,
  intentDeploymentPath,
  RETRY_ANNOTATION,
  runIdOf,
  subjectOf,
} from "./intentDeployment.js";
import { read } from "./updateStatus.js";

export interface ResourceRunnerOptions {
  kube: KubeClient;
  /** The management cluster, for the informer. */
  kubeconfig: string;
  context: string;
  namespace: string;
  clock: () => Date;
  onTransition?: (run: RunState, from: Phase, to: Phase) => void;
  log?: (line: string) => void;
}

/** What a submit records on the resource beyond the intent (the intake's annotations). */
export type ResourceSubmit = SubmitInput & {
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  /** `create`: refuse (E_CONFLICT) when the resource exists; `replace`: refuse (E_NOT_FOUND) when it does not. */
  mode?: "create" | "replace";
  /** Replace only the resource at this resourceVersion (a 409 is then an `E_CONFLICT`, not retried). */
  resourceVersion?: string;
};

export interface ResourceRunner extends Runner {
  submit(input: ResourceSubmit): Promise<RunState>;
  /** Resolves once the informer has listed the resources (rejects when the first list fails). */
  synced: Promise<void>;
  /** The resource as last seen (by the watch or by this replica's own writes). */
  resource(name: string): IntentDeployment | undefined;
  resources(): IntentDeployment[];
  /** The resource as the API server has it now (not the informer's copy), or undefined. */
  read(name: string): Promise<IntentDeployment | undefined>;
  /** Every resource as the API server has it now (with a label selector: those it selects). */
  list(labelSelector?: string): Promise<IntentDeployment[]>;
}

/** The runs the API shows for a resource (see the file comment). */
export function runsOfResource(obj: IntentDeployment): RunState[] {
  const { name, uid, generation = 0, deletionTimestamp, creationTimestamp } = obj.metadata;
  const run = obj.status?.run;
  const runs = run ? [run] : [];
  if (!uid) return runs;
  const at = deletionTimestamp ?? obj.metadata.annotations?.["intentops.io/updated-at"] ?? creationTimestamp;
  const pending = (runId: string, rest: Partial<RunState>): RunState => ({
    runId,
    intentId: name,
    source: { file: `intents/${name}.json`, digest: digestBytes(stringifyCanonical(obj.spec.intent)) },
    phase: "Pending",
    attempt: 0,
    createdAt: at ?? "",
    updatedAt: at ?? "",
    data: {},
    ...rest,
  });
  if (deletionTimestamp) {
    if (run?.operation !== "delete")
      runs.push(pending(runIdOf(uid, "delete"), { operation: "delete", source: deleteSource(name) }));
  } else if (!run || (run.revision !== undefined && run.revision < generation)) {
    runs.push(pending(runIdOf(uid, generation), { revision: generation }));
  }
  return runs;
}

const deleteSource = (name: string) => ({ file: `intents/${name}.json`, digest: "delete" });

/** resourceVersions are opaque, but etcd's are increasing integers: the newer of two copies wins. */
function newer(a: IntentDeployment | undefined, b: IntentDeployment): boolean {
  if (!a) return true;
  const [x, y] = [a.metadata.resourceVersion ?? "", b.metadata.resourceVersion ?? ""];
  return /^\d+$/.test(x) && /^\d+$/.test(y) ? BigInt(y) >= BigInt(x) : true;
}

/** @example const runner = openResourceRunner({ kube, kubeconfig, context: "mgmt", namespace: "intentops", clock }); await runner.synced; */
export function openResourceRunner(options: ResourceRunnerOptions): ResourceRunner {
  const { kube, namespace, clock } = options;
  const path = intentDeploymentPath(namespace);
  const objects = new Map<string, IntentDeployment>();
  /** The last copy of resources the watch saw deleted (a delete run's end is read from it). */
  const gone = new Map<string, IntentDeployment>();
  const waiters = new Map<string, Array<(run: RunState) => void>>();
  const writes = new Set<Promise<unknown>>();
  let stopped = false;

  const latestRun = (obj: IntentDeployment | undefined) => (obj ? runsOfResource(obj).at(-1) : undefined);

  /** Takes a copy of a resource in (when newer), reports its run's transition, wakes its run's waiters. */
  const see = (obj: IntentDeployment, deleted = false) => {
    const name = obj.metadata.name;
    const before = objects.get(name);
    if (!deleted && !newer(before, obj)) return;
    const was = latestRun(before);
    if (deleted) {
      objects.delete(name);
      gone.set(name, obj);
    } else {
      objects.set(name, obj);
      gone.delete(name);
    }
    const now = latestRun(obj);
    // The first list is what is, not what changed: a restarted replica does not announce every run again.
    if (listed && now && (was?.runId !== now.runId || was.phase !== now.phase)) {
      const from: Phase = was?.runId === now.runId ? was.phase : "Pending";
      if (from !== now.phase) options.onTransition?.(now, from, now.phase);
    }
    for (const run of runsOfResource(obj)) {
      if (!TERMINAL.has(run.phase)) continue;
      for (const wake of waiters.get(run.runId) ?? []) wake(run);
      waiters.delete(run.runId);
    }
  };

  const informer = informIntentDeployments({
    kube,
    kubeconfig: options.kubeconfig,
    context: options.context,
    namespace,
    stopped: () => stopped,
    ...(options.log ? { log: options.log } : {}),
  });
  informer.on("add", (o) => see(o as unknown as IntentDeployment));
  informer.on("update", (o) => see(o as unknown as IntentDeployment));
  informer.on("delete", (o) => see(o as unknown as IntentDeployment, true));
  let listed = false;
  const synced = informer.start().then(() => {
    listed = true;
  });

  const track = <T>(work: Promise<T>): Promise<T> => {
    writes.add(work);
    const forget = () => writes.delete(work);
    work.then(forget, forget);
    return work;
  };

  const readNow = async (name: string) => {
    try {
      const obj = await read(kube, namespace, name);
      see(obj);
      return obj;
    } catch (error) {
      if (error instanceof IntentopsError && error.code === "E_NOT_FOUND") return undefined;
      throw error;
    }
  };

  const failed = (what: string, name: string, res: { status: number; body: unknown }) =>
    new IntentopsError("E_REMOTE", `${what} answered ${res.status}: ${JSON.stringify(res.body)}`, {
      subject: subjectOf(namespace, name),
    });

  /** Creates the resource, or replaces its intent and annotations (a new generation when the intent changed). */
  const put = async (input: ResourceSubmit): Promise<IntentDeployment> => {
    const name = input.intentId;
    const subject = subjectOf(namespace, name);
    const intent = JSON.parse(input.text!) as IntentDeployment["spec"]["intent"];
    for (;;) {
      const current = await readNow(name);
      if (current?.metadata.deletionTimestamp) {
        throw new IntentopsError("E_CONFLICT", `${subject} is being deleted`, { subject });
      }
      if (input.mode === "create" && current) {
        throw new IntentopsError("E_CONFLICT", `${subject} already exists`, { subject });
      }
      if (input.mode === "replace" && !current) {
        throw new IntentopsError("E_NOT_FOUND", `${subject} does not exist`, { subject });
      }
      if (
        input.resourceVersion !== undefined &&
        current?.metadata.resourceVersion !== input.resourceVersion
      ) {
        throw new IntentopsError("E_CONFLICT", `${subject} changed since it was read`, { subject });
      }
      if (!current) {
        const res = await kube.request({
          method: "POST",
          path: `${path}?fieldManager=intentops`,
          body: {
            apiVersion: "intentops.io/v1alpha1",
            kind: "IntentDeployment",
            // The finalizer from the start: a deletion before the controller first saw it still runs the delete flow.
            metadata: {
              name,
              namespace,
              finalizers: [FINALIZER],
              annotations: input.annotations ?? {},
              ...(input.labels ? { labels: input.labels } : {}),
            },
            spec: { intent },
          },
        });
        if (res.status === 201) {
          const created = res.body as unknown as IntentDeployment;
          see(created);
          return created;
        }
        if (res.status === 409) {
          throw new IntentopsError("E_CONFLICT", `${subject} already exists`, { subject });
        }
        throw failed("create", name, res);
      }
      const res = await kube.request({
        method: "PUT",
        path: `${intentDeploymentPath(namespace, name)}?fieldManager=intentops`,
        body: {
          ...current,
          metadata: {
            ...current.metadata,
            annotations: { ...current.metadata.annotations, ...input.annotations },
            ...(input.labels || current.metadata.labels
              ? { labels: { ...current.metadata.labels, ...input.labels } }
              : {}),
          },
          spec: { ...current.spec, intent },
        },
      });
      if (res.status === 200) {
        const replaced = res.body as unknown as IntentDeployment;
        see(replaced);
        return replaced;
      }
      if (res.status === 409 && input.resourceVersion === undefined) continue; // someone wrote: re-read
      if (res.status === 409) throw new IntentopsError("E_CONFLICT", `${subject} changed`, { subject });
      if (res.status === 404) continue; // deleted meanwhile: the next pass sees it gone
      throw failed("replace", name, res);
    }
  };

  const remove = async (name: string): Promise<IntentDeployment> => {
    const subject = subjectOf(namespace, name);
    const res = await kube.request({ method: "DELETE", path: intentDeploymentPath(namespace, name) });
    if (res.status === 404) throw new IntentopsError("E_NOT_FOUND", `${subject} does not exist`, { subject });
    if (res.status !== 200 && res.status !== 202) throw failed("delete", name, res);
    const obj = res.body as unknown as IntentDeployment;
    // 200 with the object marked for deletion (the finalizer holds it), or already gone without one.
    if (obj?.kind === "IntentDeployment") see(obj, !obj.metadata.finalizers?.length);
    return obj;
  };

  const runsOf = (intentId: string) => {
    const obj = objects.get(intentId) ?? gone.get(intentId);
    return obj ? runsOfResource(obj) : [];
  };

  return {
    synced,
    resource: (name) => objects.get(name),
    resources: () => [...objects.values()],
    read: readNow,
    async list(labelSelector) {
      const selector = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : "";
      const res = await kube.request({ method: "GET", path: `${path}${selector}` });
      if (res.status !== 200) throw failed("list", "*", res);
      return (res.body?.["items"] ?? []) as IntentDeployment[];
    },
    // Nothing runs here: the controller resumes its runs.
    resume: async () => [],
    submit(input) {
      return track(
        (async () => {
          if (input.operation === "delete") {
            const obj = await remove(input.intentId);
            return (
              runsOfResource(obj).find((r) => r.operation === "delete") ?? {
                runId: runIdOf(obj.metadata.uid ?? input.intentId, "delete"),
                intentId: input.intentId,
                operation: "delete",
                source: deleteSource(input.intentId),
                phase: "Deleted",
                attempt: 0,
                createdAt: clock().toISOString(),
                updatedAt: clock().toISOString(),
                data: {},
              }
            );
          }
          if (input.text === undefined) {
            throw new IntentopsError("E_USAGE", "operator mode: a submit carries the intent's text");
          }
          return runsOfResource(await put(input)).at(-1)!;
        })(),
      );
    },
    /** Asks the controller to retry (the runbook's annotation); resolves with the run as it stands. */
    async retry(runId) {
      const obj = [...objects.values()].find((o) => o.status?.run?.runId === runId);
      if (!obj) throw new IntentopsError("E_NOT_FOUND", `no run ${runId}`, { subject: runId });
      const res = await kube.request({
        method: "PATCH",
        path: intentDeploymentPath(namespace, obj.metadata.name),
        contentType: "application/merge-patch+json",
        body: { metadata: { annotations: { [RETRY_ANNOTATION]: clock().toISOString() } } },
      });
      if (res.status !== 200) throw failed("retry annotation", obj.metadata.name, res);
      see(res.body as unknown as IntentDeployment);
      return obj.status!.run!;
    },
    wait(runId) {
      for (const obj of [...objects.values(), ...gone.values()]) {
        const run = runsOfResource(obj).find((r) => r.runId === runId);
        if (run && TERMINAL.has(run.phase)) return Promise.resolve(run);
      }
      return new Promise<RunState>((resolve) => {
        const list = waiters.get(runId) ?? [];
        list.push(resolve);
        waiters.set(runId, list);
      });
    },
    /** This replica's own writes done (the runs themselves are the controller's). */
    async idle() {
      while (writes.size) await Promise.allSettled([...writes]);
    },
    runs: () => [...objects.values()].flatMap(runsOfResource),
    runsOf,
    async close() {
      stopped = true;
      await informer.stop();
    },
  };
}
