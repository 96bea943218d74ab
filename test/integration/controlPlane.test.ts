/**
 * Two real clusters (etcd + kube-apiserver + controller-manager + scheduler in one process, kwok's
 * controller as its child; all built from Go modules) on loopback: a Deployment applied to edge1 gets 2 Running/Ready pods there and nothing in
 * edge2, and stop() leaves no process behind. Fails, never skips, when the binary cannot be built or
 * started.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Clusters,
  type ControlPlaneBinaries,
  ensureControlPlaneBinary,
  startClusters,
} from "../support/controlPlane.js";

const execFileP = promisify(execFile);

/** PIDs of live processes whose command line mentions `needle`. */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (cmd.includes(needle)) pids.push(Number(entry));
    } catch {
      // process ended while we looked
    }
  }
  return pids;
}

function client(kubeconfigPath: string, context: string) {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  kc.setCurrentContext(context);
  return { core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api) };
}

function isRunningAndReady(p: V1Pod): boolean {
  return (
    p.status?.phase === "Running" &&
    (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True")
  );
}

describe("control plane built from Go modules", () => {
  let bins: ControlPlaneBinaries;
  let env: Clusters | undefined;
  let stopped = false;
  // A failed build or start is rethrown by every test, so they fail rather than show as skipped.
  let setupError: unknown;
  const ready = (): Clusters => {
    if (setupError) throw setupError;
    if (!env) throw new Error("clusters were not started");
    return env;
  };

  beforeAll(async () => {
    // The first build compiles Kubernetes (many minutes on 2 cores); .ci/run builds it before npm test,
    // so here it is normally a cache hit. A failed build or start fails the suite.
    try {
      bins = await ensureControlPlaneBinary({ onProgress: (l) => process.stderr.write(`${l}\n`) });
      const t0 = Date.now();
      env = await startClusters(2, { names: ["edge1", "edge2"], onProgress: () => {} });
      process.stderr.write(
        `control plane: edge1+edge2 ready in ${Date.now() - t0} ms (${env.clusters.map((c) => `${c.name} ${c.startupMs} ms`).join(", ")})\n`,
      );
    } catch (e) {
      setupError = e;
    }
  }, 60 * 60_000);

  afterAll(async () => {
    if (env && !stopped) await env.stop();
  }, 60_000);

  it("starts two independent clusters with contexts edge1 and edge2", async () => {
    const { clusters, kubeconfigPath } = ready();
    expect(clusters.map((c) => c.context)).toEqual(["edge1", "edge2"]);
    expect(new Set(clusters.map((c) => c.server)).size).toBe(2);
    for (const c of clusters) expect(c.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const { stdout } = await execFileP(bins.kubectl, [
      "--kubeconfig",
      kubeconfigPath,
      "config",
      "get-contexts",
      "-o",
      "name",
    ]);
    expect(stdout.trim().split("\n").sort()).toEqual(["edge1", "edge2"]);
    // kubectl of the same version talks to each cluster.
    const { stdout: version } = await execFileP(bins.kubectl, [
      "--kubeconfig",
      kubeconfigPath,
      "--context",
      "edge2",
      "version",
      "-o",
      "json",
    ]);
    const v = JSON.parse(version);
    expect(v.serverVersion.gitVersion).toBe(bins.versions.kubernetes);
    expect(v.clientVersion.gitVersion).toBe(bins.versions.kubernetes);
  });

  it("runs a 2-replica Deployment in edge1 (pods Running and Ready) and nothing of it in edge2", async () => {
    const { kubeconfigPath } = ready();
    const e1 = client(kubeconfigPath, "edge1");
    const e2 = client(kubeconfigPath, "edge2");
    const ns = "analytics";
    await e1.core.createNamespace({ body: { metadata: { name: ns } } });
    await e1.apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: "analytics-app", labels: { app: "analytics" } },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: "analytics" } },
          template: {
            metadata: { labels: { app: "analytics" } },
            spec: { containers: [{ name: "app", image: "registry.example/analytics:1.0" }] },
          },
        },
      },
    });

    const deadline = Date.now() + 90_000;
    let pods: V1Pod[] = [];
    for (;;) {
      pods = (await e1.core.listNamespacedPod({ namespace: ns, labelSelector: "app=analytics" })).items;
      if (pods.length === 2 && pods.every(isRunningAndReady)) break;
      if (Date.now() > deadline) {
        throw new Error(
          `pods not Running/Ready in time: ${JSON.stringify(pods.map((p) => [p.metadata?.name, p.status?.phase, p.spec?.nodeName]))}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(pods.every((p) => p.spec?.nodeName?.startsWith("kwok-node-"))).toBe(true);
    const dep = await e1.apps.readNamespacedDeployment({ name: "analytics-app", namespace: ns });
    expect(dep.spec?.replicas).toBe(2);

    // edge2 is another cluster: no such namespace, no such deployment, no pods of it.
    const e2Namespaces = (await e2.core.listNamespace()).items.map((n) => n.metadata?.name);
    expect(e2Namespaces).not.toContain(ns);
    const e2Pods = (await e2.core.listPodForAllNamespaces({ labelSelector: "app=analytics" })).items;
    expect(e2Pods).toHaveLength(0);
    const e2Deps = (await e2.apps.listDeploymentForAllNamespaces()).items;
    expect(e2Deps.map((d) => d.metadata?.name)).not.toContain("analytics-app");
  }, 120_000);

  it("stops both clusters with no process left and removes their directories", async () => {
    const clustersEnv = ready();
    const { dir, clusters } = clustersEnv;
    // Per cluster: the control plane process and its kwok child.
    expect(processesMentioning(dir).length).toBe(4);
    await clustersEnv.stop();
    stopped = true;
    expect(processesMentioning(dir)).toEqual([]);
    for (const c of clusters) {
      expect(() => process.kill(c.pid, 0)).toThrow();
    }
    expect(existsSync(dir)).toBe(false);
  }, 60_000);
});
