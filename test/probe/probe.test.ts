/**
 * `intentops probe` against a real API server (the Go-built test control plane): a TMF921 ProbeIntent is
 * compiled, rendered in memory and dry-run on its site. Not feasible while the site lacks the Prometheus
 * Operator's kinds, feasible once their CRDs are there, not feasible again when a ResourceQuota in the
 * namespace forbids the Deployment or when another intent owns the namespace — and after every probe the
 * cluster holds no object of the intent and the work directory is byte for byte what it was.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { memoryIo } from "../../pipeline/cli/io.js";
import { runCli } from "../../pipeline/cli/main.js";
import { MONITORING_CRDS } from "../../pipeline/demo/monitoringCrds.js";
import { createKubeClient, type KubeClient } from "../../pipeline/reconcile/kubeClient.js";
import { type Clusters, startClusters } from "../support/controlPlane.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const NS = "edge-analytics";
let clusters: Clusters;
let kube: KubeClient;
let work: string;

/** The repository's edge-analytics intent, asked as a ProbeIntent for edge1 only. */
function probeIntentText(): string {
  const intent = JSON.parse(readFileSync(join(ROOT, "intents", "edge-analytics.json"), "utf8"));
  intent["@type"] = "ProbeIntent";
  intent.id = "edge-analytics";
  const expectations = intent.expression.expressionValue["icm:hasExpectation"];
  expectations[0]["icm:params"]["io:site"] = ["edge1"];
  return `${JSON.stringify(intent, null, 2)}\n`;
}

/** Every file under `dir` with its bytes: the probe must leave it exactly as it was. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[path.slice(dir.length)] = readFileSync(path, "base64");
    }
  };
  walk(dir);
  return files;
}

async function apply(object: Record<string, unknown>, path: string): Promise<void> {
  const res = await kube.request({
    method: "PATCH",
    path: `${path}?fieldManager=test-setup&force=true`,
    body: object,
    contentType: "application/apply-patch+yaml",
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`setup ${path}: HTTP ${res.status}`);
}

/** Names of the objects an apply of the package would have made, listed from the live cluster. */
async function intentObjectsOnCluster(): Promise<string[]> {
  const found: string[] = [];
  const ns = await kube.request({ method: "GET", path: `/api/v1/namespaces/${NS}` });
  if (ns.status === 200) {
    const metadata = (ns.body?.["metadata"] ?? {}) as { annotations?: Record<string, string> };
    const annotations = metadata.annotations ?? {};
    if (annotations["intentops.io/inventory"]) found.push(`Namespace/${NS}`);
  }
  for (const [path, kind] of [
    ["/apis/apps/v1/deployments", "Deployment"],
    ["/api/v1/services", "Service"],
    ["/api/v1/configmaps", "ConfigMap"],
    ["/apis/autoscaling/v2/horizontalpodautoscalers", "HorizontalPodAutoscaler"],
    ["/apis/policy/v1/poddisruptionbudgets", "PodDisruptionBudget"],
    ["/apis/networking.k8s.io/v1/networkpolicies", "NetworkPolicy"],
  ] as const) {
    const res = await kube.request({ method: "GET", path });
    expect(res.status).toBe(200);
    for (const item of (res.body?.["items"] ?? []) as Array<{
      metadata: { namespace: string; name: string };
    }>) {
      if (item.metadata.name === "analytics" || item.metadata.name.startsWith("analytics-")) {
        found.push(`${kind}/${item.metadata.namespace}/${item.metadata.name}`);
      }
    }
  }
  for (const plural of ["prometheusrules", "servicemonitors"]) {
    const res = await kube.request({ method: "GET", path: `/apis/monitoring.coreos.com/v1/${plural}` });
    if (res.status === 200) {
      for (const item of (res.body?.["items"] ?? []) as Array<{
        metadata: { namespace: string; name: string };
      }>) {
        found.push(`${plural}/${item.metadata.namespace}/${item.metadata.name}`);
      }
    }
  }
  return found;
}

async function probe(...extra: string[]) {
  const before = snapshot(work);
  const io = memoryIo(work, {});
  const code = await runCli(["probe", "probe.json", ...extra], io);
  expect(snapshot(work), "the probe wrote into the work directory").toEqual(before);
  expect(await intentObjectsOnCluster(), "the probe created objects").toEqual([]);
  return { code, out: io.out(), err: io.err() };
}

interface Answer {
  probes: Array<{
    intentId: string;
    probeIntent: boolean;
    verdict: string;
    sites: Array<{
      subject: string;
      verdict: string;
      reasons: string[];
      objects: Array<{
        ref: string;
        outcome: string;
        action?: string;
        code?: string;
        reason?: string;
        note?: string;
      }>;
    }>;
  }>;
}

beforeAll(async () => {
  clusters = await startClusters(1, { names: ["edge1"] });
  kube = await createKubeClient({ kubeconfig: clusters.kubeconfigPath, context: "edge1" });
  work = mkdtempSync(join(tmpdir(), "intentops-probe-"));
  writeFileSync(
    join(work, "sites.yaml"),
    stringify({
      apiVersion: "intentops.io/v1alpha1",
      kind: "SiteRegistry",
      sites: [
        {
          id: "edge1",
          kind: "kubernetes",
          kubernetes: { context: "edge1", kubeconfig: clusters.kubeconfigPath },
        },
      ],
    }),
  );
  writeFileSync(join(work, "probe.json"), probeIntentText());
}, 600_000);

afterAll(async () => {
  kube?.close();
  await clusters?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

describe("intentops probe against the test control plane", () => {
  it("a site without the Prometheus Operator's kinds: not feasible, the two kinds named, exit 1", async () => {
    const { code, out } = await probe("--json");
    expect(code).toBe(1);
    const answer = JSON.parse(out) as Answer;
    expect(answer.probes).toHaveLength(1);
    const [p] = answer.probes;
    expect(p!.probeIntent).toBe(true);
    expect(p!.verdict).toBe("not-feasible");
    const site = p!.sites[0]!;
    expect(site.subject).toBe("edge1/edge-analytics");
    const refused = site.objects.filter((o) => o.outcome === "refused");
    expect(refused.map((o) => [o.ref, o.code])).toEqual([
      [`PrometheusRule/${NS}/analytics`, "E_UNKNOWN_KIND"],
      [`ServiceMonitor/${NS}/analytics`, "E_UNKNOWN_KIND"],
    ]);
    expect(site.reasons.join("\n")).toContain("does not serve monitoring.coreos.com/v1 PrometheusRule");
    // Everything else was dry-run by the server and accepted; the namespace's objects in its stand-in.
    const accepted = site.objects.filter((o) => o.outcome === "accepted");
    expect(accepted.map((o) => o.ref)).toContain(`Deployment/${NS}/analytics`);
    expect(accepted.find((o) => o.ref === `Namespace/${NS}`)?.action).toBe("create");
    expect(accepted.find((o) => o.ref === `Deployment/${NS}/analytics`)?.note).toContain(
      "dry-run in namespace default",
    );
  });

  it("once the CRDs are there: feasible, every object accepted as a create, exit 0; people's output says so", async () => {
    for (const crd of MONITORING_CRDS) {
      await apply(crd, `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
    }
    for (;;) {
      const res = await kube.request({ method: "GET", path: "/apis/monitoring.coreos.com/v1" });
      const kinds = ((res.body?.["resources"] ?? []) as Array<{ kind: string }>).map((r) => r.kind);
      if (kinds.includes("PrometheusRule") && kinds.includes("ServiceMonitor")) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const json = await probe("--json");
    expect(json.code).toBe(0);
    const site = (JSON.parse(json.out) as Answer).probes[0]!.sites[0]!;
    expect(site.verdict).toBe("feasible");
    expect(site.reasons).toEqual([]);
    expect(site.objects.length).toBeGreaterThanOrEqual(9);
    for (const o of site.objects) expect([o.ref, o.outcome, o.action]).toEqual([o.ref, "accepted", "create"]);

    const text = await probe();
    expect(text.code).toBe(0);
    expect(text.out).toContain("edge-analytics (ProbeIntent): feasible");
    expect(text.out).toContain("edge1/edge-analytics: feasible");
  });

  it("a ResourceQuota in the namespace that allows no Deployment: not feasible with the server's reason", async () => {
    await apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }, `/api/v1/namespaces/${NS}`);
    await apply(
      {
        apiVersion: "v1",
        kind: "ResourceQuota",
        metadata: { name: "no-deployments", namespace: NS },
        spec: { hard: { "count/deployments.apps": "0" } },
      },
      `/api/v1/namespaces/${NS}/resourcequotas/no-deployments`,
    );
    // The quota controller fills status.hard before admission enforces it.
    for (;;) {
      const res = await kube.request({
        method: "GET",
        path: `/api/v1/namespaces/${NS}/resourcequotas/no-deployments`,
      });
      if ((res.body?.["status"] as { hard?: object } | undefined)?.hard) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const { code, out } = await probe("--json");
    expect(code).toBe(1);
    const site = (JSON.parse(out) as Answer).probes[0]!.sites[0]!;
    expect(site.verdict).toBe("not-feasible");
    const refused = site.objects.filter((o) => o.outcome === "refused");
    expect(refused.map((o) => o.ref)).toEqual([`Deployment/${NS}/analytics`]);
    expect(refused[0]!.reason).toMatch(/exceeded quota: no-deployments/);
    // The namespace exists now: the Deployment was dry-run in it, not in a stand-in.
    expect(refused[0]!.note).toBeUndefined();
    const deployments = await kube.request({
      method: "GET",
      path: `/apis/apps/v1/namespaces/${NS}/deployments`,
    });
    expect(deployments.body?.["items"]).toEqual([]);
  });

  it("a namespace another intent owns: not feasible, the owner named", async () => {
    await apply(
      {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: NS, annotations: { "intentops.io/inventory": "edge1/someone-else" } },
      },
      `/api/v1/namespaces/${NS}`,
    );
    const before = snapshot(work);
    const io = memoryIo(work, {});
    const code = await runCli(["probe", "probe.json", "--json"], io);
    expect(code).toBe(1);
    expect(snapshot(work)).toEqual(before);
    const site = (JSON.parse(io.out()) as Answer).probes[0]!.sites[0]!;
    const ns = site.objects.find((o) => o.ref === `Namespace/${NS}`)!;
    expect([ns.outcome, ns.code]).toEqual(["refused", "E_OWNED_BY_OTHER"]);
    expect(ns.reason).toContain("edge1/someone-else");
  });

  it("a site whose API server cannot be reached: undetermined, exit 3, nothing written", async () => {
    const registry = readFileSync(join(work, "sites.yaml"), "utf8");
    const dead = join(work, "..", `dead-${Date.now()}.kubeconfig`);
    writeFileSync(
      dead,
      readFileSync(clusters.kubeconfigPath, "utf8").replace(
        /server: https:\/\/127\.0\.0\.1:\d+/g,
        "server: https://127.0.0.1:9",
      ),
    );
    try {
      const before = snapshot(work);
      const io = memoryIo(work, {});
      const code = await runCli(["probe", "probe.json", "--json", "--kubeconfig", dead], io);
      expect(code).toBe(3);
      expect(snapshot(work)).toEqual(before);
      const answer = JSON.parse(io.out()) as Answer;
      expect(answer.probes[0]!.verdict).toBe("undetermined");
      expect(answer.probes[0]!.sites[0]!.reasons[0]).toContain("could not be asked");
      expect(readFileSync(join(work, "sites.yaml"), "utf8")).toBe(registry);
    } finally {
      rmSync(dead, { force: true });
    }
  });
});
