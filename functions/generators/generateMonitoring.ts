/**
 * The monitoring objects of an application that the SLO stage reads: a `monitoring.coreos.com/v1`
 * ServiceMonitor scraping `/metrics` on the app port, and a PrometheusRule with one recording rule per
 * measured quantity and one alert per SLO target (see `buildSloRules.ts` for the metric names the workload
 * must expose).
 *
 * Targets come from the ENSURE expectations; with `sloDefaults` (default on) the project defaults fill the
 * target names the intent does not mention. Targets with no metric here (e.g. `DlLatency` on an
 * application) are listed by `planSlos` as unmonitored, never dropped silently.
 */
import { buildMetadata, REVISION_ANNOTATION } from "./buildMetadata.js";
import {
  breachExpr,
  promString,
  SLO_DEFAULTS,
  SLO_METRICS,
  type SloAction,
  type SloMetric,
  type SloSelectors,
} from "./buildSloRules.js";
import { dnsLabel } from "./dnsLabel.js";
import { APP_CONTAINER, type ApplicationParams, selectorLabels } from "./readApplicationParams.js";
import { type Bound, boundOf, type TargetReading } from "./readTargets.js";
import type { WorkloadInput } from "./readWorkloads.js";
import type { GeneratedObject, JsonObject } from "./types.js";

/** One SLO to watch: the metric, its bound (canonical unit) and where it came from. */
export interface PlannedSlo {
  metric: SloMetric;
  bound: Bound;
  /** The ENSURE expectation id, or `"default"`. */
  expectationId: string;
  source: "intent" | "default";
}

/** The SLOs of an application, and the targets that have no metric. */
export interface SloPlan {
  slos: PlannedSlo[];
  unmonitored: TargetReading[];
}

const SEVERITY: Record<SloAction, string> = { rollback: "critical", scale: "warning", alert: "warning" };

/** Which SLOs the PrometheusRule of `input` watches. */
export function planSlos(input: WorkloadInput): SloPlan {
  const slos: PlannedSlo[] = [];
  const unmonitored: TargetReading[] = [];
  for (const reading of input.targets) {
    const metric = SLO_METRICS.find((m) => m.targetName === reading.targetName);
    if (metric === undefined) {
      unmonitored.push(reading);
      continue;
    }
    slos.push({
      metric,
      bound: boundOf(reading, input.where),
      expectationId: reading.expectationId,
      source: "intent",
    });
  }
  if (input.options.sloDefaults) {
    for (const d of SLO_DEFAULTS) {
      const metric = SLO_METRICS.find((m) => m.targetName === d.targetName);
      if (metric === undefined || slos.some((s) => s.metric.targetName === d.targetName)) continue;
      const bound: Bound =
        d.condition === "IS_LESS_THAN" || d.condition === "IS_EQUAL_TO_OR_LESS_THAN"
          ? { kind: "upper", value: d.value, strict: d.condition === "IS_LESS_THAN" }
          : { kind: "lower", value: d.value, strict: d.condition === "IS_GREATER_THAN" };
      slos.push({ metric, bound, expectationId: "default", source: "default" });
    }
  }
  return { slos, unmonitored };
}

/** ServiceMonitor and PrometheusRule (the latter only when there is at least one SLO). */
export function generateMonitoring(input: WorkloadInput, app: ApplicationParams): GeneratedObject[] {
  const labels = selectorLabels(app);
  const meta = () => buildMetadata(input, app.name, app.namespace, { labels });
  const serviceMonitor: GeneratedObject = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: meta(),
    spec: {
      selector: { matchLabels: labels },
      namespaceSelector: { matchNames: [app.namespace] },
      // The SLO queries join the application's series to kube-state-metrics on the target labels
      // `namespace` and `pod` that the operator sets from discovery: `honorLabels: false` keeps an
      // application's own `namespace`/`pod` label (renamed `exported_…`) from replacing them. The pod's
      // revision and version become target labels too, so the series can be read per revision directly.
      podTargetLabels: [REVISION_ANNOTATION, "app.kubernetes.io/version"],
      endpoints: [
        {
          port: "http",
          path: "/metrics",
          interval: "30s",
          honorLabels: false,
          // A pod that is not Ready is not serving traffic: its series would only blur the revision's.
          relabelings: [
            {
              action: "drop",
              sourceLabels: ["__meta_kubernetes_endpoint_ready"],
              regex: "false",
            },
          ],
        },
      ],
    },
  };
  const { slos } = planSlos(input);
  if (slos.length === 0) return [serviceMonitor];

  const selectors: SloSelectors = {
    namespace: app.namespace,
    service: app.serviceName,
    deployment: app.name,
    container: APP_CONTAINER,
    cpuLimit: app.limits.cpu !== undefined,
    memoryLimit: app.limits.memory !== undefined,
  };
  const seriesLabels = { namespace: app.namespace, service: app.serviceName };
  const seriesSelector = `{namespace=${promString(app.namespace)},service=${promString(app.serviceName)}}`;
  const metrics = SLO_METRICS.filter((m) => slos.some((s) => s.metric === m));
  const records: JsonObject[] = metrics.map((m) => ({
    record: `intentops:${m.record}`,
    expr: m.expr(selectors),
    labels: { ...seriesLabels, intentops_intent_id: input.intentId },
  }));
  const alerts: JsonObject[] = slos.map((slo) => {
    const series = `intentops:${slo.metric.record}${seriesSelector}`;
    return {
      alert: `IntentopsSlo${slo.metric.targetName[0]?.toUpperCase()}${slo.metric.targetName.slice(1)}Breach`,
      expr: breachExpr(series, slo.bound, slo.metric.toSeriesUnit),
      for: slo.metric.for,
      labels: {
        severity: SEVERITY[slo.metric.action],
        intentops_action: slo.metric.action,
        intentops_intent_id: input.intentId,
        intentops_site: input.site.id,
        intentops_expectation_id: slo.expectationId,
        intentops_target: slo.metric.targetName,
        intentops_source: slo.source,
      },
      annotations: {
        summary: `${app.appName} in ${app.namespace}: SLO ${slo.metric.targetName} ${describe(slo.bound)} ${slo.metric.intentUnit} breached`,
        description: `Series ${series} (${slo.metric.unit}) breaches the target; intent ${input.intentId}, expectation ${slo.expectationId}.`,
      },
    };
  });
  const prometheusRule: GeneratedObject = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: meta(),
    spec: {
      groups: [
        { name: `intentops.${dnsLabel([app.namespace, app.name])}.records`, rules: records },
        { name: `intentops.${dnsLabel([app.namespace, app.name])}.slo`, rules: alerts },
      ],
    },
  };
  return [serviceMonitor, prometheusRule];
}

function describe(bound: Bound): string {
  switch (bound.kind) {
    case "upper":
      return `${bound.strict ? "<" : "<="} ${bound.value}`;
    case "lower":
      return `${bound.strict ? ">" : ">="} ${bound.value}`;
    case "range":
      return `in [${bound.min}, ${bound.max}]`;
  }
}
