/**
 * A simulated workload for the verification tests, in the shape a real cluster exposes it: per-pod series
 * of the application (`namespace`, `pod` target labels), of the kubelet (`container`) and of
 * kube-state-metrics (pod ownership, pod labels, limits, readiness, the Deployment's replicas), all under
 * the `site` target label of a shared Prometheus — no `service` or `revision` label of intentops' own.
 * Values are updated on every Prometheus scrape from a state the test changes.
 */
import type { SloIdentity } from "../../functions/slo/types.js";
import { queryInstant } from "../../pipeline/verify/queryInstant.js";
import type { VerifyDeps } from "../../pipeline/verify/verifySlo.js";
import type { MetricsTarget } from "../support/metricsTarget.js";

export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export interface WorkloadState {
  /** Latency of every request served during the next scrape interval, ms. */
  latencyMs: number;
  /** Requests per scrape interval. */
  requests: number;
  /** Share of them answered 5xx, 0–1. */
  errorShare: number;
  /** CPU cores in use, and the limit. */
  cpuCores: number;
  cpuLimitCores: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  readyReplicas: number;
  specReplicas: number;
}

export interface Workload {
  identity: SloIdentity;
  state: WorkloadState;
  /** Serves the next `scrapes` scrape intervals at `latencyMs`, then returns to `state.latencyMs`. */
  spike(latencyMs: number, scrapes: number): void;
  /** Stops exposing the workload's series. */
  remove(): void;
}

/** Registers a workload of `state.specReplicas` pods (default 3) on `target`; it starts healthy. */
export function addWorkload(
  target: MetricsTarget,
  identity: SloIdentity,
  state: Partial<WorkloadState> = {},
): Workload {
  const current: WorkloadState = {
    latencyMs: 20,
    requests: 20,
    errorShare: 0,
    cpuCores: 0.2,
    cpuLimitCores: 0.5,
    memoryBytes: 200e6,
    memoryLimitBytes: 512e6,
    readyReplicas: 3,
    specReplicas: 3,
    ...state,
  };
  const { site, namespace, workload } = identity;
  const replicaSet = `${workload}-6c9f7d5b48`;
  const podCount = current.specReplicas;
  const ksm = { site, namespace };
  target
    .gauge("kube_replicaset_owner", {
      ...ksm,
      replicaset: replicaSet,
      owner_kind: "Deployment",
      owner_name: workload,
      owner_is_controller: "true",
    })
    .set(1);
  const spec = target.gauge("kube_deployment_spec_replicas", { ...ksm, deployment: workload });
  const pods = Array.from({ length: podCount }, (_, i) => {
    const pod = `${replicaSet}-p${i}`;
    const own = { site, namespace, pod };
    const uid = { ...own, uid: `uid-${workload}-${i}` };
    target
      .gauge("kube_pod_owner", {
        ...uid,
        owner_kind: "ReplicaSet",
        owner_name: replicaSet,
        owner_is_controller: "true",
      })
      .set(1);
    target
      .gauge("kube_pod_labels", {
        ...uid,
        label_app_kubernetes_io_name: workload,
        ...(identity.revision !== undefined ? { label_intentops_io_revision: identity.revision } : {}),
      })
      .set(1);
    const limit = (resource: string, unit: string) =>
      target.gauge("kube_pod_container_resource_limits", {
        ...uid,
        container: "app",
        node: "kwok-node-0",
        resource,
        unit,
      });
    return {
      pod,
      latency: target.histogram("http_request_duration_seconds", own, LATENCY_BUCKETS),
      ok: target.counter("http_requests_total", { ...own, code: "200" }),
      failed: target.counter("http_requests_total", { ...own, code: "503" }),
      cpu: target.counter("container_cpu_usage_seconds_total", { ...own, container: "app" }),
      memory: target.gauge("container_memory_working_set_bytes", { ...own, container: "app" }),
      cpuLimit: limit("cpu", "core"),
      memoryLimit: limit("memory", "byte"),
      ready: target.gauge("kube_pod_status_ready", { ...uid, condition: "true" }),
    };
  });
  let removed = false;
  let spike: { latencyMs: number; scrapes: number } | undefined;
  let lastScrape = Date.now();
  target.onScrape(() => {
    if (removed) return;
    const now = Date.now();
    const elapsed = (now - lastScrape) / 1000;
    lastScrape = now;
    const errors = Math.round(current.requests * current.errorShare);
    const latencyMs = spike && spike.scrapes > 0 ? spike.latencyMs : current.latencyMs;
    if (spike) spike.scrapes -= 1;
    // All traffic on the first pod; resources shared evenly, so the workload's totals are the state's.
    const [first] = pods;
    first!.latency.observe(latencyMs / 1000, current.requests);
    first!.ok.inc(current.requests - errors);
    first!.failed.inc(errors);
    pods.forEach((p, i) => {
      // The CPU counter carries the same clock reading as its timestamp: its slope between any two samples
      // is then exactly the pod's share of `cpuCores`, however late a loaded machine serves the scrape.
      p.cpu.inc((current.cpuCores / podCount) * elapsed, now);
      p.cpuLimit.set(current.cpuLimitCores / podCount);
      p.memory.set(current.memoryBytes / podCount);
      p.memoryLimit.set(current.memoryLimitBytes / podCount);
      p.ready.set(i < current.readyReplicas ? 1 : 0);
    });
    spec.set(current.specReplicas);
  });
  return {
    identity,
    state: current,
    spike(latencyMs, scrapes) {
      spike = { latencyMs, scrapes };
    },
    remove() {
      removed = true;
      for (const p of pods) target.remove({ site, namespace, pod: p.pod });
      target.remove({ site, namespace, replicaset: replicaSet });
      target.remove({ site, namespace, deployment: workload });
    },
  };
}

/** The real effects: global fetch, wall clock, timers. */
export const realDeps: VerifyDeps = {
  fetch: (input, init) => fetch(input, init),
  clock: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export const sleep = realDeps.sleep;

/** Polls `promql` until it returns one finite value (the workload has been scraped enough for rate()). */
export async function waitForValue(prometheusUrl: string, promql: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const series = await queryInstant({ baseUrl: prometheusUrl, promql, fetch: realDeps.fetch }).catch(
      () => [],
    );
    if (series.length === 1 && Number.isFinite(Number(series[0]!.value[1]))) return;
    if (Date.now() > deadline) throw new Error(`no value for ${promql} within ${timeoutMs} ms`);
    await sleep(250);
  }
}
