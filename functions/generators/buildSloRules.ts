/**
 * SLO targets of an application → Prometheus recording rules and alerts.
 *
 * Metrics the workload must expose on `http://<pod>:<servicePort>/metrics` (Prometheus text format):
 * - `http_request_duration_seconds` — histogram of request latency in seconds (`_bucket`, `_sum`, `_count`),
 *   for `p95Latency`;
 * - `http_requests_total` — counter of requests with a `code` label holding the HTTP status, for `errorRate`;
 * - `http_response_size_bytes` — histogram or summary of response sizes (`_sum` is used), for `throughput`.
 * Metrics the cluster must provide: cAdvisor `container_cpu_usage_seconds_total` and
 * `container_memory_working_set_bytes`; kube-state-metrics `kube_pod_container_resource_limits`,
 * `kube_pod_container_resource_requests`, `kube_deployment_status_replicas_ready`,
 * `kube_deployment_spec_replicas`; and Prometheus' own `up` for `availability`.
 *
 * Every recorded series is a ratio or a value in the rule's unit (seconds, ratio 0–1, Mbit/s); thresholds
 * are converted from the intent's canonical units (ms, percent, Mbps) to match.
 */
import type { Condition } from "../../compiler/types.js";
import type { Bound } from "./readTargets.js";

/** What the pipeline does when an SLO is breached (ARCHITECTURE.md, "SLO defaults"). */
export type SloAction = "rollback" | "alert" | "scale";

/** Selectors of the workload's series. */
export interface SloSelectors {
  namespace: string;
  service: string;
  deployment: string;
  container: string;
  /** Whether CPU/memory limits are set (utilisation is measured against limits, else requests). */
  cpuLimit: boolean;
  memoryLimit: boolean;
}

/** How one target name becomes a recorded series. */
export interface SloMetric {
  targetName: string;
  /** Suffix of the recording rule name `intentops:<record>`. */
  record: string;
  expr: (s: SloSelectors) => string;
  /** Converts a threshold in the intent's unit to the recorded series' unit. */
  toSeriesUnit: (value: number) => number;
  unit: string;
  /** The intent's canonical unit of the target (compiler/vocabulary.ts). */
  intentUnit: string;
  for: string;
  action: SloAction;
}

/** PromQL string literal (double-quoted, with `\` and `"` escaped). */
export function promString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

const http = (s: SloSelectors, extra = ""): string =>
  `{namespace=${promString(s.namespace)},service=${promString(s.service)}${extra}}`;
// Pods of a Deployment are named <deployment>-<replicaset hash>-<suffix>.
const pods = (s: SloSelectors, extra = ""): string =>
  `{namespace=${promString(s.namespace)},pod=~${promString(`${s.deployment}-[a-z0-9]+-[a-z0-9]+`)},container=${promString(s.container)}${extra}}`;
const deployment = (s: SloSelectors): string =>
  `{namespace=${promString(s.namespace)},deployment=${promString(s.deployment)}}`;
const round = (v: number): number => Number(v.toPrecision(12));

/** The metrics table: one row per supported target name. */
export const SLO_METRICS: readonly SloMetric[] = [
  {
    targetName: "p95Latency",
    record: "http_request_duration_seconds:p95_5m",
    expr: (s) =>
      `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket${http(s)}[5m])))`,
    toSeriesUnit: (ms) => round(ms / 1000),
    unit: "s",
    intentUnit: "ms",
    for: "5m",
    action: "rollback",
  },
  {
    targetName: "errorRate",
    record: "http_requests:error_ratio_5m",
    expr: (s) =>
      // No 5xx series at all means no errors (0), not missing data; no traffic still gives no series.
      `(sum(rate(http_requests_total${http(s, ',code=~"5.."')}[5m])) or vector(0)) / sum(rate(http_requests_total${http(s)}[5m]))`,
    toSeriesUnit: (percent) => round(percent / 100),
    unit: "ratio",
    intentUnit: "%",
    for: "5m",
    action: "alert",
  },
  {
    targetName: "cpuUtilization",
    record: "container_cpu:utilization_ratio_5m",
    expr: (s) =>
      `sum(rate(container_cpu_usage_seconds_total${pods(s)}[5m])) / sum(${s.cpuLimit ? "kube_pod_container_resource_limits" : "kube_pod_container_resource_requests"}${pods(s, ',resource="cpu"')})`,
    toSeriesUnit: (percent) => round(percent / 100),
    unit: "ratio",
    intentUnit: "%",
    for: "10m",
    action: "scale",
  },
  {
    targetName: "memoryUtilization",
    record: "container_memory:utilization_ratio",
    expr: (s) =>
      `sum(container_memory_working_set_bytes${pods(s)}) / sum(${s.memoryLimit ? "kube_pod_container_resource_limits" : "kube_pod_container_resource_requests"}${pods(s, ',resource="memory"')})`,
    toSeriesUnit: (percent) => round(percent / 100),
    unit: "ratio",
    intentUnit: "%",
    for: "10m",
    action: "alert",
  },
  {
    targetName: "podsReady",
    record: "deployment:pods_ready_ratio",
    expr: (s) =>
      `kube_deployment_status_replicas_ready${deployment(s)} / kube_deployment_spec_replicas${deployment(s)}`,
    toSeriesUnit: (percent) => round(percent / 100),
    unit: "ratio",
    intentUnit: "%",
    for: "5m",
    action: "rollback",
  },
  {
    targetName: "throughput",
    record: "http_response:throughput_mbps_5m",
    expr: (s) => `sum(rate(http_response_size_bytes_sum${http(s)}[5m])) * 8 / 1e6`,
    toSeriesUnit: (mbps) => mbps,
    unit: "Mbit/s",
    intentUnit: "Mbps",
    for: "10m",
    action: "alert",
  },
  {
    targetName: "availability",
    record: "up:availability_ratio_5m",
    expr: (s) => `avg(avg_over_time(up${http(s)}[5m]))`,
    toSeriesUnit: (percent) => round(percent / 100),
    unit: "ratio",
    intentUnit: "%",
    for: "5m",
    action: "alert",
  },
];

/** One SLO default: target name, condition and value in the canonical unit. */
export interface SloDefault {
  targetName: string;
  condition: Condition;
  value: number;
}

/** The project's SLO defaults (ARCHITECTURE.md): used for targets the intent does not state. */
export const SLO_DEFAULTS: readonly SloDefault[] = [
  { targetName: "p95Latency", condition: "IS_LESS_THAN", value: 100 },
  { targetName: "errorRate", condition: "IS_LESS_THAN", value: 1 },
  { targetName: "cpuUtilization", condition: "IS_LESS_THAN", value: 80 },
  { targetName: "memoryUtilization", condition: "IS_LESS_THAN", value: 85 },
  { targetName: "podsReady", condition: "IS_EQUAL_TO_OR_GREATER_THAN", value: 100 },
];

/**
 * The PromQL condition that is true while `series` breaches `bound` (values already in the series' unit):
 * IS_LESS_THAN x → `>= x`; IS_EQUAL_TO_OR_LESS_THAN x → `> x`; IS_GREATER_THAN x → `<= x`;
 * IS_EQUAL_TO_OR_GREATER_THAN x → `< x`; IS_WITHIN_RANGE [a, b] → `< a or > b`.
 */
export function breachExpr(series: string, bound: Bound, convert: (v: number) => number): string {
  switch (bound.kind) {
    case "upper":
      return `${series} ${bound.strict ? ">=" : ">"} ${convert(bound.value)}`;
    case "lower":
      return `${series} ${bound.strict ? "<=" : "<"} ${convert(bound.value)}`;
    case "range":
      return `(${series} < ${convert(bound.min)}) or (${series} > ${convert(bound.max)})`;
  }
}
