/**
 * SLO policy + workload identity → one PromQL instant query per target, each returning one number in the
 * target's unit (ms, %, Mbps). The series of the workload are selected by its identity labels only, so
 * the queries neither depend on pod names nor pick up another revision's or site's series.
 */

import { quotePromString } from "./quotePromString.js";
import { SloError } from "./SloError.js";
import { SLO_METRIC_SPECS } from "./sloMetrics.js";
import type { SloIdentity, SloPolicy, SloQuery } from "./types.js";

/** Label name for each identity field; `null` leaves that field out of the selector. */
export type SloLabelNames = { [K in keyof SloIdentity]-?: string | null };

/**
 * Default label names: `site`, `namespace`, `service` (the workload), `revision`. The workload simulator of
 * the demo exposes exactly these; in a real cluster the ServiceMonitor adds `namespace` and `service`, and
 * relabelling adds `site` and `revision`.
 */
export const DEFAULT_SLO_LABELS: Readonly<SloLabelNames> = Object.freeze({
  site: "site",
  namespace: "namespace",
  workload: "service",
  revision: "revision",
});

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Builds the queries of `policy` for the workload `identity`, in the policy's target order.
 *
 * @throws SloError `E_SLO_INVALID_IDENTITY` when a selected identity field is empty or a label name invalid
 * @example buildQueries(policy, { site: "edge1", namespace: "analytics", workload: "analytics", revision: "1" })
 *   // → [{ targetId: "analytics-slo/p95Latency", promql: 'histogram_quantile(0.95, sum by (le) (rate(
 *   //      http_request_duration_seconds_bucket{site="edge1",namespace="analytics",…}[60s]))) * 1000' }, …]
 */
export function buildQueries(
  policy: Readonly<SloPolicy>,
  identity: SloIdentity,
  labels: Partial<SloLabelNames> = {},
): SloQuery[] {
  const names: SloLabelNames = { ...DEFAULT_SLO_LABELS, ...labels };
  const subject = `${identity.site}/${policy.intentId}`;
  const matchers: string[] = [];
  for (const field of ["site", "namespace", "workload", "revision"] as const) {
    const name = names[field];
    if (name === null) continue;
    if (!LABEL_NAME.test(name)) {
      throw new SloError("E_SLO_INVALID_IDENTITY", `label name ${JSON.stringify(name)} is not valid`, {
        subject,
      });
    }
    const value = identity[field];
    // No revision means "any revision"; every other identity field must be known, or the query could
    // measure some other workload and pass on its behalf.
    if (value === undefined && field === "revision") continue;
    if (value === undefined || value === "") {
      throw new SloError("E_SLO_INVALID_IDENTITY", `identity field ${field} is empty`, { subject });
    }
    matchers.push(`${name}=${quotePromString(value)}`);
  }
  const selector = matchers.join(",");
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
