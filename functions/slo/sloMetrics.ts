/**
 * The measured quantities: for each target name the SLO stage can verify, its metric, unit, PromQL and
 * defaults (ARCHITECTURE.md "SLO defaults": p95 latency → rollback, error rate → alert, CPU → scale or
 * rollback, memory → alert, pods ready → rollback; throughput and availability → alert).
 *
 * ## Metrics the workload must expose
 * Every series carries the identity labels of `buildQueries` (by default `site`, `namespace`, `service`,
 * `revision`; the demo's workload simulator sets them itself, a real cluster adds them by relabelling):
 * - `http_request_duration_seconds` histogram (`_bucket{le}`): request latency → `p95Latency`;
 * - `http_requests_total` counter with a `code` label (HTTP status): → `errorRate` (5xx / all);
 * - `http_response_size_bytes` histogram or summary (`_sum` is read): → `throughput`;
 * - `container_cpu_usage_seconds_total` counter (CPU seconds used) and
 *   `kube_pod_container_resource_limits{resource="cpu"}` gauge (cores): → `cpuUtilization`;
 * - `container_memory_working_set_bytes` gauge and `kube_pod_container_resource_limits{resource="memory"}`
 *   gauge (bytes): → `memoryUtilization`;
 * - `kube_deployment_status_replicas_ready` and `kube_deployment_spec_replicas` gauges: → `podsReady`;
 * - Prometheus' own `up` of the scrape target (with the identity labels as target labels): → `availability`.
 * The names are cAdvisor's, kube-state-metrics' and the usual HTTP instrumentation names, so the same
 * queries work against a real cluster's exporters once the identity labels are there.
 *
 * Why not `functions/generators/buildSloRules.ts`' expressions: they are written for alerting rules over a
 * fixed 5 m range, produce seconds and ratios (not the intent's ms and %), and select pods by name regex
 * and Deployments by `deployment` label; verification needs a configurable rate window, canonical units
 * and one identity selector (site and revision included) for every series. The metric names are the same.
 */
import type { OnInconclusive, SloAction, SloMetric, SloUnit } from "./types.js";

/** How one target name is measured. `selector` is the inside of `{…}`; `range` a PromQL duration. */
export interface SloMetricSpec {
  targetName: string;
  metric: SloMetric;
  unit: SloUnit;
  defaultAction: SloAction;
  defaultForSeconds: number;
  promql: (selector: string, range: string) => string;
}

const and = (selector: string, extra: string): string => (selector ? `${selector},${extra}` : extra);

/** The table: one row per verifiable target name. */
export const SLO_METRIC_SPECS: readonly SloMetricSpec[] = [
  {
    targetName: "p95Latency",
    metric: "http_latency_p95_ms",
    unit: "ms",
    defaultAction: "rollback",
    defaultForSeconds: 30,
    promql: (s, r) =>
      `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${s}}[${r}]))) * 1000`,
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
      `(sum(rate(http_requests_total{${and(s, 'code=~"5.."')}}[${r}])) or vector(0)) / sum(rate(http_requests_total{${s}}[${r}])) * 100`,
  },
  {
    targetName: "cpuUtilization",
    metric: "cpu_utilization_percent",
    unit: "%",
    defaultAction: "scale",
    defaultForSeconds: 60,
    promql: (s, r) =>
      `sum(rate(container_cpu_usage_seconds_total{${s}}[${r}])) / sum(kube_pod_container_resource_limits{${and(s, 'resource="cpu"')}}) * 100`,
  },
  {
    targetName: "memoryUtilization",
    metric: "memory_utilization_percent",
    unit: "%",
    defaultAction: "alert",
    defaultForSeconds: 60,
    promql: (s) =>
      `sum(container_memory_working_set_bytes{${s}}) / sum(kube_pod_container_resource_limits{${and(s, 'resource="memory"')}}) * 100`,
  },
  {
    targetName: "podsReady",
    metric: "pods_ready_percent",
    unit: "%",
    defaultAction: "rollback",
    defaultForSeconds: 30,
    promql: (s) =>
      `sum(kube_deployment_status_replicas_ready{${s}}) / sum(kube_deployment_spec_replicas{${s}}) * 100`,
  },
  {
    targetName: "throughput",
    metric: "throughput_mbps",
    unit: "Mbps",
    defaultAction: "alert",
    defaultForSeconds: 60,
    promql: (s, r) => `sum(rate(http_response_size_bytes_sum{${s}}[${r}])) * 8 / 1e6`,
  },
  {
    targetName: "availability",
    metric: "availability_percent",
    unit: "%",
    defaultAction: "alert",
    defaultForSeconds: 60,
    promql: (s, r) => `avg(avg_over_time(up{${s}}[${r}])) * 100`,
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
