/**
 * A simulated workload for the verification tests: the series the SLO queries read (functions/slo/
 * sloMetrics.ts), under the identity labels `site`, `namespace`, `service`, `revision`, updated on every
 * Prometheus scrape from a state the test changes (latency now, error share now, CPU, memory, readiness).
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

/** Registers a workload on `target`; it starts with healthy values. */
export function addWorkload(
  target: MetricsTarget,
  identity: SloIdentity,
  state: Partial<WorkloadState> = {},
): Workload {
  const labels = {
    site: identity.site,
    namespace: identity.namespace,
    service: identity.workload,
    ...(identity.revision !== undefined ? { revision: identity.revision } : {}),
  };
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
  const latency = target.histogram("http_request_duration_seconds", labels, LATENCY_BUCKETS);
  const ok = target.counter("http_requests_total", { ...labels, code: "200" });
  const failed = target.counter("http_requests_total", { ...labels, code: "503" });
  const cpu = target.counter("container_cpu_usage_seconds_total", labels);
  const cpuLimit = target.gauge("kube_pod_container_resource_limits", {
    ...labels,
    resource: "cpu",
    unit: "core",
  });
  const memory = target.gauge("container_memory_working_set_bytes", labels);
  const memoryLimit = target.gauge("kube_pod_container_resource_limits", {
    ...labels,
    resource: "memory",
    unit: "byte",
  });
  const ready = target.gauge("kube_deployment_status_replicas_ready", labels);
  const spec = target.gauge("kube_deployment_spec_replicas", labels);
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
    latency.observe(latencyMs / 1000, current.requests);
    ok.inc(current.requests - errors);
    failed.inc(errors);
    // The CPU counter carries the same clock reading as its timestamp: its slope between any two samples
    // is then exactly `cpuCores`, however late a loaded machine serves or timestamps the scrape.
    cpu.inc(current.cpuCores * elapsed, now);
    cpuLimit.set(current.cpuLimitCores);
    memory.set(current.memoryBytes);
    memoryLimit.set(current.memoryLimitBytes);
    ready.set(current.readyReplicas);
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
      target.remove(labels);
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
