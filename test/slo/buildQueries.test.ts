import { describe, expect, it } from "vitest";
import { buildQueries } from "../../functions/slo/buildQueries.js";
import { deriveSloPolicy } from "../../functions/slo/deriveSloPolicy.js";
import { quotePromString } from "../../functions/slo/quotePromString.js";
import { readSloIdentity } from "../../functions/slo/readSloIdentity.js";
import { SloError } from "../../functions/slo/SloError.js";
import { validateSloPolicy } from "../../functions/slo/validateSloPolicy.js";
import { compiledExample, latencyPolicy } from "./helpers.js";

describe("buildQueries", () => {
  const compiled = compiledExample("edge-analytics");
  const policy = deriveSloPolicy(compiled, "edge1", { rateWindowSeconds: 60 });
  const identity = readSloIdentity(compiled, "edge1");

  it("GIVEN edge-analytics WHEN read THEN the identity is the delivered application", () => {
    expect(identity).toEqual({
      site: "edge1",
      namespace: "edge-analytics",
      workload: "analytics",
      revision: "1",
    });
  });

  it("GIVEN the identity WHEN built THEN each target has its PromQL in the target's unit", () => {
    const sel = 'site="edge1",namespace="edge-analytics",service="analytics",revision="1"';
    const byId = new Map(buildQueries(policy, identity).map((q) => [q.targetId, q.promql]));
    expect(byId.get("analytics-slo/p95Latency")).toBe(
      `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[60s]))) * 1000`,
    );
    expect(byId.get("analytics-slo/errorRate")).toBe(
      `(sum(rate(http_requests_total{${sel},code=~"5.."}[60s])) or vector(0)) / sum(rate(http_requests_total{${sel}}[60s])) * 100`,
    );
    expect(byId.get("analytics-slo/cpuUtilization")).toBe(
      `sum(rate(container_cpu_usage_seconds_total{${sel}}[60s])) / sum(kube_pod_container_resource_limits{${sel},resource="cpu"}) * 100`,
    );
    expect(byId.get("analytics-slo/memoryUtilization")).toBe(
      `sum(container_memory_working_set_bytes{${sel}}) / sum(kube_pod_container_resource_limits{${sel},resource="memory"}) * 100`,
    );
    expect(byId.get("analytics-slo/podsReady")).toBe(
      `sum(kube_deployment_status_replicas_ready{${sel}}) / sum(kube_deployment_spec_replicas{${sel}}) * 100`,
    );
  });

  it("GIVEN label values with quotes, backslashes and line breaks WHEN built THEN they stay inside their matcher", () => {
    const [query] = buildQueries(validateSloPolicy(latencyPolicy()), {
      site: 'ed"ge}',
      namespace: "a\\b",
      workload: "x\ny",
      revision: '"){a="',
    });
    expect(query?.promql).toContain(
      'site="ed\\"ge}",namespace="a\\\\b",service="x\\ny",revision="\\"){a=\\""',
    );
  });

  it("GIVEN no revision WHEN built THEN the selector matches any revision; an empty field is E_SLO_INVALID_IDENTITY", () => {
    const [query] = buildQueries(validateSloPolicy(latencyPolicy()), {
      site: "s",
      namespace: "n",
      workload: "w",
    });
    expect(query?.promql).toContain('{site="s",namespace="n",service="w"}[3s]');
    const fail = () =>
      buildQueries(validateSloPolicy(latencyPolicy()), { site: "s", namespace: "", workload: "w" });
    expect(fail).toThrow(SloError);
    expect(() => fail()).toThrowError(expect.objectContaining({ code: "E_SLO_INVALID_IDENTITY" }));
  });

  it("GIVEN other label names WHEN built THEN they are used, and null leaves a field out", () => {
    const [query] = buildQueries(
      validateSloPolicy(latencyPolicy()),
      { site: "s", namespace: "n", workload: "w", revision: "7" },
      { site: null, workload: "app", revision: "intentops_revision" },
    );
    expect(query?.promql).toContain('{namespace="n",app="w",intentops_revision="7"}');
    expect(() =>
      buildQueries(
        validateSloPolicy(latencyPolicy()),
        { site: "s", namespace: "n", workload: "w" },
        { site: "bad-name" },
      ),
    ).toThrowError(expect.objectContaining({ code: "E_SLO_INVALID_IDENTITY" }));
  });
});

describe("quotePromString", () => {
  it.each([
    ["plain", '"plain"'],
    ['a"b', '"a\\"b"'],
    ["a\\b", '"a\\\\b"'],
    ["l1\nl2\r\t", '"l1\\nl2\\r\\t"'],
    ["\u0001\u007f", '"\\u0001\\u007f"'],
    ["ünï", '"ünï"'],
  ])("quotes %j as %s", (input, expected) => {
    expect(quotePromString(input)).toBe(expected);
  });
});
