/**
 * SLO policy + workload identity → one PromQL instant query per target, each returning one number in the
 * target's unit (ms, %, Mbps). The workload's series are found by `buildSelector` from the labels real
 * exporters carry (kube-state-metrics, the kubelet, the application's ServiceMonitor targets), so the
 * queries neither depend on pod names nor pick up another revision's or site's series.
 */

import { buildSelector, type SloSelectorOptions } from "./buildSelector.js";
import { SLO_METRIC_SPECS } from "./sloMetrics.js";
import type { SloIdentity, SloPolicy, SloQuery } from "./types.js";

/**
 * Builds the queries of `policy` for the workload `identity`, in the policy's target order.
 *
 * @throws SloError `E_SLO_INVALID_IDENTITY` when a required identity field is empty or a label name invalid
 * @example buildQueries(policy, { site: "edge1", namespace: "analytics", workload: "analytics", revision: "1" })
 *   // → [{ targetId: "analytics-slo/p95Latency", promql: 'histogram_quantile(0.95, sum by (le) (rate(
 *   //      http_request_duration_seconds_bucket{site="edge1",namespace="analytics"}[60s]) * on (site,
 *   //      namespace, pod) group_left () (…the workload's pods of revision 1…))) * 1000' }, …]
 */
export function buildQueries(
  policy: Readonly<SloPolicy>,
  identity: SloIdentity,
  options: SloSelectorOptions = {},
): SloQuery[] {
  const selector = buildSelector(identity, options);
  const range = promDuration(policy.rateWindowSeconds);
  return policy.targets.map((target) => {
    const spec = SLO_METRIC_SPECS.find((m) => m.metric === target.metric);
    // The schema admits only metrics of the table, so this is a broken invariant, not bad input.
    if (spec === undefined) throw new Error(`no query for metric ${target.metric}`);
    return { targetId: target.id, promql: spec.promql(selector, range) };
  });
}

/** Seconds as a PromQL duration: whole seconds as `Ns`, otherwise whole milliseconds. */
function promDuration(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.max(1, Math.round(seconds * 1000))}ms`;
}
