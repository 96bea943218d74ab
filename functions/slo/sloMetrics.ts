/**
 * The measured quantities: for each target name the SLO stage can verify, its metric, unit, PromQL and
 * defaults (ARCHITECTURE.md "SLO defaults": p95 latency → rollback, error rate → alert, CPU → scale or
 * rollback, memory → alert, pods ready → rollback; throughput and availability → alert).
 *
 * ## The series the queries read, and who exposes them
 * - the application, scraped through its ServiceMonitor (target labels `namespace`, `pod` from discovery):
 *   `http_request_duration_seconds_bucket{le}` → `p95Latency`; `http_requests_total{code}` → `errorRate`;
 *   `http_response_size_bytes_sum` → `throughput`; its targets' `up` → `availability`;
 * - the kubelet's resource metrics (cAdvisor names; `namespace`, `pod`, `container`):
 *   `container_cpu_usage_seconds_total` → `cpuUtilization`, `container_memory_working_set_bytes` →
 *   `memoryUtilization`;
 * - kube-state-metrics: `kube_pod_container_resource_limits{resource,unit}` (the denominators of CPU and
 *   memory), `kube_pod_status_ready{condition}` and `kube_deployment_spec_replicas{deployment}` →
 *   `podsReady`; `kube_pod_owner`, `kube_replicaset_owner` and `kube_pod_labels` → which pods are the
 *   workload's (`buildSelector`).
 * No series needs a label of intentops' own: identity comes from `buildSelector`'s pod set.
 *
 * Why not `functions/generators/buildSloRules.ts`' expressions: they are written for alerting rules over a
 * fixed 5 m range, produce seconds and ratios (not the intent's ms and %), and select pods by name regex;
 * verification needs a configurable rate window, canonical units and one revision's pods exactly.
 */
import type { SloSelector } from "./buildSelector.js";
import type { OnInconclusive, SloAction, SloMetric, SloUnit } from "./types.js";

/** How one target name is measured: `promql` from the workload's selector and a PromQL duration. */
export interface SloMetricSpec {
  targetName: string;
  metric: SloMetric;
  unit: SloUnit;
  defaultAction: SloAction;
  defaultForSeconds: number;
  promql: (selector: SloSelector, range: string) => string;
}

/** cAdvisor also reports a pod-level series (`container=""`) and the pause container (`POD`). */
const CONTAINERS = 'container!="",container!="POD"';

/** The table: one row per verifiable target name. */
export const SLO_METRIC_SPECS: readonly SloMetricSpec[] = [
  {
    targetName: "p95Latency",
    metric: "http_latency_p95_ms",
    unit: "ms",
    defaultAction: "rollback",
    defaultForSeconds: 30,
    promql: (s, r) =>
      `histogram_quantile(0.95, sum by (le) (${s.ofPods(`rate(http_request_duration_seconds_bucket{${s.matchers()}}[${r}])`)})) * 1000`,
  },
  {
    targetName: "errorRate",
    metric: "http_error_ratio_percent",
    unit: "%",
    defaultAction: "alert",
    defaultForSeconds: 30,
    // A service that never failed often has no 5xx series at all: that is 0 errors, not missing data. The
    // denominator has no such fallback, so no traffic series still means no data, and no traffic is NaN.
    promql: (s, r) =>
      `(sum(${s.ofPods(`rate(http_requests_total{${s.matchers('code=~"5.."')}}[${r}])`)}) or vector(0)) / sum(${s.ofPods(`rate(http_requests_total{${s.matchers()}}[${r}])`)}) * 100`,
  },
  {
    targetName: "cpuUtilization",
    metric: "cpu_utilization_percent",
    unit: "%",
    defaultAction: "scale",
    defaultForSeconds: 60,
    promql: (s, r) =>
      `sum(${s.ofPods(`rate(container_cpu_usage_seconds_total{${s.matchers(CONTAINERS)}}[${r}])`)}) / sum(${s.ofPods(`kube_pod_container_resource_limits{${s.matchers('resource="cpu",unit="core"')}}`)}) * 100`,
  },
  {
    targetName: "memoryUtilization",
    metric: "memory_utilization_percent",
    unit: "%",
    defaultAction: "alert",
    defaultForSeconds: 60,
    promql: (s) =>
      `sum(${s.ofPods(`container_memory_working_set_bytes{${s.matchers(CONTAINERS)}}`)}) / sum(${s.ofPods(`kube_pod_container_resource_limits{${s.matchers('resource="memory",unit="byte"')}}`)}) * 100`,
  },
  {
    targetName: "podsReady",
    metric: "pods_ready_percent",
    unit: "%",
    defaultAction: "rollback",
    defaultForSeconds: 30,
    // Ready pods of this revision over the replicas the Deployment asks for: pods of another revision
    // (the old one still terminating, or a rollout stuck half way) are not counted as ready.
    promql: (s) =>
      `sum(${s.ofPods(`kube_pod_status_ready{${s.matchers('condition="true"')}}`)}) / sum(kube_deployment_spec_replicas{${s.deployment}}) * 100`,
  },
  {
    targetName: "throughput",
    metric: "throughput_mbps",
    unit: "Mbps",
    defaultAction: "alert",
    defaultForSeconds: 60,
    promql: (s, r) =>
      `sum(${s.ofPods(`rate(http_response_size_bytes_sum{${s.matchers()}}[${r}])`)}) * 8 / 1e6`,
  },
  {
    targetName: "availability",
    metric: "availability_percent",
    unit: "%",
    defaultAction: "alert",
    defaultForSeconds: 60,
    promql: (s, r) => `avg(${s.ofPods(`avg_over_time(up{${s.matchers()}}[${r}])`)}) * 100`,
  },
];

export const SLO_METRIC_BY_TARGET: ReadonlyMap<string, SloMetricSpec> = new Map(
  SLO_METRIC_SPECS.map((m) => [m.targetName, m]),
);

/** The policy-wide defaults; see `deriveSloPolicy`. */
export const SLO_POLICY_DEFAULTS: {
  readonly windowSeconds: number;
  readonly intervalSeconds: number;
  readonly rateWindowSeconds: number;
  readonly onInconclusive: OnInconclusive;
  readonly onUnmonitored: "inconclusive" | "ignore";
} = {
  windowSeconds: 120,
  intervalSeconds: 10,
  rateWindowSeconds: 60,
  onInconclusive: "rollback",
  onUnmonitored: "inconclusive",
};
