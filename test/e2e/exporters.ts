/**
 * End-to-end checks of where the SLO gate's data comes from: the kube-state-metrics stand-in, kwok's
 * kubelet resource metrics and the simulator's pods discovered through a ServiceMonitor — and a Deployment
 * that nobody rendered, applied with kubectl, verified the same way.
 */
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { buildQueries } from "../../functions/slo/buildQueries.js";
import { deriveSloPolicy, type SloPolicyOverrides } from "../../functions/slo/deriveSloPolicy.js";
import type { SloIdentity } from "../../functions/slo/types.js";
import type { ServedPod } from "../../pipeline/demo/workloadSimulator.js";
import { ensureControlPlaneBinary } from "../../pipeline/sandbox/controlPlane.js";
import type { Sandbox } from "../../pipeline/sandbox/startSandbox.js";
import { queryInstant } from "../../pipeline/verify/queryInstant.js";
import { type SloVerification, verifySlo } from "../../pipeline/verify/verifySlo.js";
import { compiledExample } from "../slo/helpers.js";
import { realDeps, waitForValue } from "../verify/helpers.js";

const query = (sandbox: Sandbox, promql: string) =>
  queryInstant({ baseUrl: sandbox.prometheus.url, promql, fetch: realDeps.fetch });

/** Pods of `namespace` on `site` per exporter, read through Prometheus. */
async function podsBy(sandbox: Sandbox, promql: string): Promise<{ jobs: string[]; pods: string[] }> {
  const series = await query(sandbox, promql);
  return {
    jobs: [...new Set(series.map((s) => s.metric["job"] ?? ""))].sort(),
    pods: [...new Set(series.map((s) => s.metric["pod"] ?? ""))].sort(),
  };
}

/**
 * Asserts, for both sites, that the pods of `revision` in edge-analytics are seen by kube-state-metrics
 * (`kube_pod_labels`), by the kubelet (`container_cpu_usage_seconds_total`) and as ServiceMonitor targets
 * (`http_requests_total`, job = the Service, endpoint = the port), at their pod addresses mapped into
 * loopback; and that the simulator's own exposition has no identity label at all.
 */
export async function expectRealExporters(sandbox: Sandbox, revision: string): Promise<void> {
  for (const site of sandbox.clusters.clusters.map((c) => c.name)) {
    const m = `site="${site}",namespace="edge-analytics"`;
    const ksm = await podsBy(sandbox, `kube_pod_labels{${m},label_intentops_io_revision="${revision}"}`);
    expect(ksm.jobs).toEqual(["kube-state-metrics"]);
    expect(ksm.pods.length).toBeGreaterThan(0);
    const kubelet = await podsBy(sandbox, `container_cpu_usage_seconds_total{${m},container="app"}`);
    expect(kubelet.jobs).toEqual(["kubelet"]);
    expect(kubelet.pods).toEqual(expect.arrayContaining(ksm.pods));
    const app = await podsBy(sandbox, `http_requests_total{${m},code="200",endpoint="http"}`);
    expect(app.jobs).toEqual(["analytics"]);
    expect(app.pods).toEqual(expect.arrayContaining(ksm.pods));
  }
  const targets = (await (await fetch(`${sandbox.prometheus.url}/api/v1/targets?state=active`)).json()) as {
    data: {
      activeTargets: Array<{
        labels: Record<string, string>;
        discoveredLabels: Record<string, string>;
        scrapeUrl: string;
      }>;
    };
  };
  const appTargets = targets.data.activeTargets.filter((t) => t.labels["job"] === "analytics");
  expect(appTargets.length).toBeGreaterThan(0);
  for (const t of appTargets) {
    // Discovered at the pod's own IP and port; scraped at that address mapped into loopback.
    const ip = t.discoveredLabels["__meta_kubernetes_pod_ip"]!;
    const cluster = sandbox.clusters.clusters.find((c) => c.name === t.labels["site"])!;
    // In the /16 this sandbox claimed for the site (10.A.0.1/16 → 10.A.)
    expect(ip.startsWith(cluster.podCidr.replace(/\d+\.\d+\/16$/, ""))).toBe(true);
    expect(new URL(t.scrapeUrl).hostname).toBe(ip.replace(/^10\./, "127."));
    expect(t.labels["intentops_io_revision"]).toMatch(/\S/);
  }
  const served = (await (await fetch(`${sandbox.simulator.url}pods`)).json()) as ServedPod[];
  expect(served.length).toBeGreaterThan(0);
  for (const pod of served) {
    const text = await (await fetch(`http://${pod.address}/metrics`)).text();
    const names = new Set([...text.matchAll(/[{,]([a-zA-Z_][a-zA-Z0-9_]*)="/g)].map((x) => x[1]));
    expect([...names].sort(), pod.address).toEqual(["code", "le"]);
    expect(text).not.toMatch(/revision|site=|namespace=|pod=/);
  }
}

const HAND_APPLIED = (version: string, name: string) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
  labels: { app.kubernetes.io/name: ${name}, app.kubernetes.io/part-of: shop }
spec:
  replicas: 2
  selector: { matchLabels: { app.kubernetes.io/name: ${name} } }
  template:
    metadata:
      labels: { app.kubernetes.io/name: ${name}, app.kubernetes.io/version: "${version}" }
    spec:
      containers:
      - name: server
        image: registry.example.com/shop/${name}:${version}
        ports: [{ name: http, containerPort: 8080 }]
        resources:
          requests: { cpu: 100m, memory: 128Mi }
          limits: { cpu: 500m, memory: 512Mi }
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: shop
  labels: { app.kubernetes.io/name: ${name}, app.kubernetes.io/part-of: shop }
spec:
  selector: { app.kubernetes.io/name: ${name} }
  ports: [{ name: http, port: 80, targetPort: http }]
`;

const SHOP = `
apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: shop
  namespace: shop
spec:
  selector: { matchLabels: { app.kubernetes.io/part-of: shop } }
  endpoints: [{ port: http, interval: 15s }]
---${HAND_APPLIED("1.4.0", "cart")}---${HAND_APPLIED("1.5.0", "cart-slow")}`;

function kubectl(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`kubectl ${args.join(" ")}: ${out}`)),
    );
  });
}

/**
 * Applies two Deployments by hand on edge1 with kubectl — `cart` (1.4.0) and `cart-slow` (1.5.0, slow),
 * the names chosen so a pod-name prefix would mix them — with a user's Service and ServiceMonitor and
 * standard labels only (no intentops label, no revision), then verifies each with the edge-analytics SLOs.
 */
export async function verifyHandApplied(
  sandbox: Sandbox,
  slo: SloPolicyOverrides,
): Promise<{ good: SloVerification; slow: SloVerification }> {
  const { kubectl: binary } = await ensureControlPlaneBinary({ onProgress: () => undefined });
  const file = join(sandbox.clusters.dir, "shop.yaml");
  await writeFile(file, SHOP);
  await kubectl(binary, ["--kubeconfig", sandbox.kubeconfigPath, "--context", "edge1", "apply", "-f", file]);
  for (const name of ["cart", "cart-slow"]) {
    const at = ["--kubeconfig", sandbox.kubeconfigPath, "--context", "edge1", "-n", "shop"];
    await kubectl(binary, [...at, "rollout", "status", `deployment/${name}`, "--timeout=120s"]);
  }
  await sandbox.syncServiceMonitors();
  const policy = deriveSloPolicy(compiledExample("edge-analytics"), "edge1", slo);
  const verify = async (workload: string) => {
    const identity: SloIdentity = { site: "edge1", namespace: "shop", workload };
    const queries = buildQueries(policy, identity);
    await Promise.all(queries.map((q) => waitForValue(sandbox.prometheus.url, q.promql, 90_000)));
    return verifySlo({ policy, queries, prometheusUrl: sandbox.prometheus.url, deps: realDeps });
  };
  const [good, slow] = await Promise.all([verify("cart"), verify("cart-slow")]);
  return { good, slow };
}
