import { describe, expect, it } from "vitest";
import { generateApplication } from "../../functions/generators/generateApplication.js";
import { readWorkloads } from "../../functions/generators/readWorkloads.js";
import { buildQueries } from "../../functions/slo/buildQueries.js";
import { deriveSloPolicy } from "../../functions/slo/deriveSloPolicy.js";
import { quotePromString } from "../../functions/slo/quotePromString.js";
import { readSloIdentity } from "../../functions/slo/readSloIdentity.js";
import { SloError } from "../../functions/slo/SloError.js";
import { siteLabelOf } from "../../functions/slo/siteLabelOf.js";
import { validateSloPolicy } from "../../functions/slo/validateSloPolicy.js";
import { compiledExample, latencyPolicy, REGISTRY } from "./helpers.js";

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

  it("GIVEN the identity WHEN built THEN each target has its PromQL on standard exporter labels", () => {
    const m = 'site="edge1",namespace="edge-analytics"';
    const key = "site, namespace, pod";
    const pods =
      `(max by (${key}) (kube_pod_owner{${m},owner_kind="ReplicaSet"} * on (site, namespace, owner_name) group_left () ` +
      `max by (site, namespace, owner_name) (label_replace(kube_replicaset_owner{${m},owner_kind="Deployment",owner_name="analytics"}, ` +
      `"owner_name", "$1", "replicaset", "(.+)"))) and on (${key}) kube_pod_labels{${m},label_intentops_io_revision="1"})`;
    const of = (expr: string) => `${expr} * on (${key}) group_left () ${pods}`;
    const byId = new Map(buildQueries(policy, identity).map((q) => [q.targetId, q.promql]));
    expect(byId.get("analytics-slo/p95Latency")).toBe(
      `histogram_quantile(0.95, sum by (le) (${of(`rate(http_request_duration_seconds_bucket{${m}}[60s])`)})) * 1000`,
    );
    expect(byId.get("analytics-slo/errorRate")).toBe(
      `(sum(${of(`rate(http_requests_total{${m},code=~"5.."}[60s])`)}) or vector(0)) / sum(${of(`rate(http_requests_total{${m}}[60s])`)}) * 100`,
    );
    expect(byId.get("analytics-slo/cpuUtilization")).toBe(
      `sum(${of(`rate(container_cpu_usage_seconds_total{${m},container!="",container!="POD"}[60s])`)}) / ` +
        `sum(${of(`kube_pod_container_resource_limits{${m},resource="cpu",unit="core"}`)}) * 100`,
    );
    expect(byId.get("analytics-slo/memoryUtilization")).toBe(
      `sum(${of(`container_memory_working_set_bytes{${m},container!="",container!="POD"}`)}) / ` +
        `sum(${of(`kube_pod_container_resource_limits{${m},resource="memory",unit="byte"}`)}) * 100`,
    );
    expect(byId.get("analytics-slo/podsReady")).toBe(
      `sum(${of(`kube_pod_status_ready{${m},condition="true"}`)}) / sum(kube_deployment_spec_replicas{${m},deployment="analytics"}) * 100`,
    );
    // No query selects on a label of intentops' own making.
    for (const promql of byId.values()) expect(promql).not.toMatch(/[{,](service|revision)=/);
  });

  it("GIVEN label values with quotes, backslashes and line breaks WHEN built THEN they stay inside their matcher", () => {
    const [query] = buildQueries(validateSloPolicy(latencyPolicy()), {
      site: 'ed"ge}',
      namespace: "a\\b",
      workload: "x\ny",
      revision: '"){a="',
    });
    expect(query?.promql).toContain('{site="ed\\"ge}",namespace="a\\\\b"}');
    expect(query?.promql).toContain('owner_name="x\\ny"');
    // the revision is matched as the pod label value generateApplication writes (labelValue), never raw
    expect(query?.promql).toContain('label_intentops_io_revision="a"');
  });

  it("GIVEN a revision that is not a valid label value WHEN built THEN it is matched as the rendered pod label carries it", () => {
    const compiled = compiledExample("edge-analytics");
    compiled.spec.revision = "2026-11 rc/1";
    const site = REGISTRY.sites.find((s) => s.id === "edge1")!;
    const [input] = readWorkloads(compiled, site);
    const deployment = generateApplication(input!).find((o) => o.kind === "Deployment") as unknown as {
      spec: { template: { metadata: { labels: Record<string, string> } } };
    };
    const value = deployment.spec.template.metadata.labels["intentops.io/revision"];
    expect(value).toBe("2026-11-rc-1");
    const [query] = buildQueries(validateSloPolicy(latencyPolicy()), {
      site: "s",
      namespace: "n",
      workload: "w",
      revision: compiled.spec.revision,
    });
    expect(query?.promql).toContain(`label_intentops_io_revision="${value}"`);
  });

  it("GIVEN no revision WHEN built THEN every pod of the Deployment counts; an empty field is E_SLO_INVALID_IDENTITY", () => {
    const [query] = buildQueries(validateSloPolicy(latencyPolicy()), {
      site: "s",
      namespace: "n",
      workload: "w",
    });
    expect(query?.promql).toContain('rate(http_request_duration_seconds_bucket{site="s",namespace="n"}[3s])');
    expect(query?.promql).toContain('owner_kind="Deployment",owner_name="w"');
    expect(query?.promql).not.toContain("kube_pod_labels");
    const fail = () =>
      buildQueries(validateSloPolicy(latencyPolicy()), { site: "s", namespace: "", workload: "w" });
    expect(fail).toThrow(SloError);
    expect(() => fail()).toThrowError(expect.objectContaining({ code: "E_SLO_INVALID_IDENTITY" }));
  });

  it("GIVEN one Prometheus per site and another revision label WHEN built THEN no site matcher, the label sanitised as kube-state-metrics does", () => {
    const [query] = buildQueries(
      validateSloPolicy(latencyPolicy()),
      { site: "s", namespace: "n", workload: "w", revision: "7" },
      { siteLabel: null, revisionPodLabel: "example.com/rev-id" },
    );
    expect(query?.promql).not.toContain("site");
    expect(query?.promql).toContain("on (namespace, pod) group_left ()");
    expect(query?.promql).toContain('kube_pod_labels{namespace="n",label_example_com_rev_id="7"}');
    expect(() =>
      buildQueries(
        validateSloPolicy(latencyPolicy()),
        { site: "s", namespace: "n", workload: "w" },
        { siteLabel: "bad-name" },
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

describe("siteLabelOf", () => {
  const shared = { url: "http://prometheus:9090" };
  it("GIVEN a Prometheus shared by two sites THEN a site label; one of its own THEN none; explicit wins", () => {
    const sites = [
      { id: "a", prometheus: shared },
      { id: "b", prometheus: shared },
      { id: "c", prometheus: { url: "http://c:9090" } },
      { id: "d", prometheus: { url: "http://prometheus:9090", siteLabel: "cluster" } },
      { id: "e", prometheus: { url: "http://e:9090", siteLabel: null } },
    ];
    expect(sites.map((s) => siteLabelOf(sites, s.id))).toEqual(["site", "site", null, "cluster", null]);
    // Unknown site or no Prometheus: the label is required (a query then fails closed rather than mixing sites).
    expect(siteLabelOf(sites, "zz")).toBe("site");
  });
});
