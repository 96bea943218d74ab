import { describe, expect, it } from "vitest";
import { breachExpr } from "../../functions/generators/buildSloRules.js";
import type { GeneratedObject } from "../../functions/generators/index.js";
import { generatePackage } from "../../functions/generators/index.js";
import type { Bound } from "../../functions/generators/readTargets.js";
import { appIntent, EDGE1, field } from "./support/compiledIntent.js";

type Rule = { record?: string; alert?: string; expr: string; for?: string; labels?: Record<string, string> };

function rulesOf(objects: GeneratedObject[]): { records: Rule[]; alerts: Rule[] } {
  const rule = objects.find((o) => o.kind === "PrometheusRule");
  if (rule === undefined) throw new Error("no PrometheusRule");
  const groups = field(rule, "spec.groups") as { name: string; rules: Rule[] }[];
  return { records: groups[0]?.rules ?? [], alerts: groups[1]?.rules ?? [] };
}

describe("monitoring objects", () => {
  it("records p95 with histogram_quantile and alerts with the right comparison and for:", () => {
    const pkg = generatePackage(appIntent({}, [["p95Latency", "IS_LESS_THAN", 100]]), EDGE1, {
      sloDefaults: false,
    });
    const { records, alerts } = rulesOf(pkg.objects);
    expect(records).toEqual([
      {
        record: "intentops:http_request_duration_seconds:p95_5m",
        expr: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="demo",service="shop"}[5m])))',
        labels: { namespace: "demo", service: "shop", intentops_intent_id: "demo" },
      },
    ]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.expr).toBe(
      'intentops:http_request_duration_seconds:p95_5m{namespace="demo",service="shop"} >= 0.1',
    );
    expect(alerts[0]?.for).toBe("5m");
    expect(alerts[0]?.labels).toMatchObject({
      severity: "critical",
      intentops_action: "rollback",
      intentops_expectation_id: "ensure-app",
      intentops_source: "intent",
      intentops_site: "edge1",
    });
  });

  it("derives error ratio, CPU/memory utilisation and pods ready from the standard series", () => {
    const pkg = generatePackage(
      appIntent({ cpuLimit: "1", memoryLimit: "1Gi" }, [
        ["errorRate", "IS_EQUAL_TO_OR_LESS_THAN", 0.5],
        ["cpuUtilization", "IS_LESS_THAN", 75],
        ["memoryUtilization", "IS_WITHIN_RANGE", [10, 90]],
        ["podsReady", "IS_EQUAL_TO_OR_GREATER_THAN", 100],
      ]),
      EDGE1,
      { sloDefaults: false },
    );
    const { records, alerts } = rulesOf(pkg.objects);
    const expr = (name: string) => records.find((r) => r.record === name)?.expr;
    expect(expr("intentops:http_requests:error_ratio_5m")).toBe(
      '(sum(rate(http_requests_total{namespace="demo",service="shop",code=~"5.."}[5m])) or vector(0)) / sum(rate(http_requests_total{namespace="demo",service="shop"}[5m]))',
    );
    expect(expr("intentops:container_cpu:utilization_ratio_5m")).toBe(
      'sum(rate(container_cpu_usage_seconds_total{namespace="demo",pod=~"shop-[a-z0-9]+-[a-z0-9]+",container="app"}[5m])) / sum(kube_pod_container_resource_limits{namespace="demo",pod=~"shop-[a-z0-9]+-[a-z0-9]+",container="app",resource="cpu"})',
    );
    expect(expr("intentops:container_memory:utilization_ratio")).toContain(
      "container_memory_working_set_bytes",
    );
    expect(expr("intentops:deployment:pods_ready_ratio")).toBe(
      'kube_deployment_status_replicas_ready{namespace="demo",deployment="shop"} / kube_deployment_spec_replicas{namespace="demo",deployment="shop"}',
    );
    const alert = (target: string) => alerts.find((a) => a.labels?.["intentops_target"] === target);
    expect(alert("errorRate")?.expr).toMatch(/ > 0\.005$/);
    expect(alert("cpuUtilization")?.expr).toMatch(/ >= 0\.75$/);
    expect(alert("cpuUtilization")?.for).toBe("10m");
    expect(alert("memoryUtilization")?.expr).toMatch(/^\(.* < 0\.1\) or \(.* > 0\.9\)$/);
    expect(alert("podsReady")?.expr).toMatch(/ < 1$/);
  });

  it("measures utilisation against requests when no limit is set", () => {
    const pkg = generatePackage(appIntent({}, [["cpuUtilization", "IS_LESS_THAN", 75]]), EDGE1, {
      sloDefaults: false,
    });
    expect(rulesOf(pkg.objects).records[0]?.expr).toContain("kube_pod_container_resource_requests");
  });

  it("maps every condition to the breach comparison", () => {
    const id = (v: number) => v;
    const cases: [Bound, string][] = [
      [{ kind: "upper", value: 5, strict: true }, "s >= 5"],
      [{ kind: "upper", value: 5, strict: false }, "s > 5"],
      [{ kind: "lower", value: 5, strict: true }, "s <= 5"],
      [{ kind: "lower", value: 5, strict: false }, "s < 5"],
      [{ kind: "range", min: 1, max: 2 }, "(s < 1) or (s > 2)"],
    ];
    for (const [bound, expected] of cases) expect(breachExpr("s", bound, id)).toBe(expected);
  });

  it("fills unstated targets with the project SLO defaults, intent first", () => {
    const pkg = generatePackage(appIntent({}, [["p95Latency", "IS_LESS_THAN", 50]]), EDGE1);
    const { alerts } = rulesOf(pkg.objects);
    expect(alerts.map((a) => [a.labels?.["intentops_target"], a.labels?.["intentops_source"]])).toEqual([
      ["p95Latency", "intent"],
      ["errorRate", "default"],
      ["cpuUtilization", "default"],
      ["memoryUtilization", "default"],
      ["podsReady", "default"],
    ]);
    expect(alerts[0]?.expr).toMatch(/ >= 0\.05$/);
    expect(alerts[1]?.expr).toMatch(/ >= 0\.01$/);
    expect(alerts[3]?.expr).toMatch(/ >= 0\.85$/);
  });

  it("has a ServiceMonitor on the http port, and no PrometheusRule without SLOs", () => {
    const pkg = generatePackage(appIntent(), EDGE1, { sloDefaults: false });
    expect(pkg.objects.some((o) => o.kind === "PrometheusRule")).toBe(false);
    const sm = pkg.objects.find((o) => o.kind === "ServiceMonitor");
    expect(field(sm, "spec.endpoints")).toEqual([
      {
        port: "http",
        path: "/metrics",
        interval: "30s",
        honorLabels: false,
        relabelings: [{ action: "drop", sourceLabels: ["__meta_kubernetes_endpoint_ready"], regex: "false" }],
      },
    ]);
    // The pod labels the SLO queries and dashboards read per revision become target labels.
    expect(field(sm, "spec.podTargetLabels")).toEqual(["intentops.io/revision", "app.kubernetes.io/version"]);
    expect(field(sm, "spec.selector.matchLabels")).toEqual({
      "app.kubernetes.io/name": "shop",
      "app.kubernetes.io/instance": "shop",
    });
  });

  it("lists targets without a metric in the README instead of dropping them", () => {
    const pkg = generatePackage(appIntent({}, [["DlLatency", "IS_LESS_THAN", 20]]), EDGE1);
    expect(pkg.readme).toContain("not enforced by this package: DlLatency IS_LESS_THAN 20 (ensure-app)");
  });
});
