/** What the operator tests share: the management cluster (one Go-built control plane) with the CRD applied. */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { MONITORING_CRDS } from "../../pipeline/demo/monitoringCrds.js";
import { applyCrd } from "../../pipeline/operator/applyCrd.js";
import type { IntentDeployment } from "../../pipeline/operator/intentDeployment.js";
import { intentDeploymentPath } from "../../pipeline/operator/intentDeployment.js";
import { createKubeClient, type KubeClient } from "../../pipeline/reconcile/kubeClient.js";
import { reconcileSite } from "../../pipeline/reconcile/reconcileSite.js";
import { type Clusters, ensureControlPlaneBinary, startClusters } from "../support/controlPlane.js";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Management {
  clusters: Clusters;
  kubeconfig: string;
  context: string;
  kube: KubeClient;
  kubectl: string;
  stop(): Promise<void>;
}

/** One control plane named `mgmt`, the CRD applied, and `namespace` created. */
export async function startManagement(namespace: string): Promise<Management> {
  const { kubectl } = await ensureControlPlaneBinary();
  const clusters = await startClusters(1, { names: ["mgmt"] });
  const kube = await createKubeClient({ kubeconfig: clusters.kubeconfigPath, context: "mgmt" });
  try {
    await applyCrd(kube, { sleep });
    const ns = await kube.request({
      method: "POST",
      path: "/api/v1/namespaces",
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
    });
    if (ns.status !== 201) throw new Error(`namespace ${namespace}: ${ns.status}`);
  } catch (error) {
    kube.close();
    await clusters.stop();
    throw error;
  }
  return {
    clusters,
    kubeconfig: clusters.kubeconfigPath,
    context: "mgmt",
    kube,
    kubectl,
    async stop() {
      kube.close();
      await clusters.stop();
    },
  };
}

/** An IntentDeployment of `intent` (its id is the name). */
export function intentDeployment(
  namespace: string,
  intent: Record<string, unknown> & { id: string },
  policy?: IntentDeployment["spec"]["policy"],
): IntentDeployment {
  return {
    apiVersion: "intentops.io/v1alpha1",
    kind: "IntentDeployment",
    metadata: { name: intent.id, namespace },
    spec: { intent, ...(policy ? { policy } : {}) },
  };
}

export async function createResource(
  kube: KubeClient,
  resource: IntentDeployment,
): Promise<IntentDeployment> {
  const res = await kube.request({
    method: "POST",
    path: intentDeploymentPath(resource.metadata.namespace),
    body: resource,
  });
  if (res.status !== 201)
    throw new Error(`create ${resource.metadata.name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as unknown as IntentDeployment;
}

/** `kubectl <args>` against the management cluster; stdout. */
export async function kubectlRun(m: Management, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(m.kubectl, [
    "--kubeconfig",
    m.kubeconfig,
    "--context",
    m.context,
    ...args,
  ]);
  return stdout;
}

export type Intent = Record<string, unknown> & { id: string };

/**
 * The management cluster as the one site `mgmt`: the monitoring CRDs installed (the packages carry a
 * ServiceMonitor and a PrometheusRule, as the sandbox's sites serve them), a site registry naming it and
 * `prometheusUrl` written to `<dir>/sites.yaml`, and the project's edge-analytics intent aimed at it — with
 * its SLO targets, and without them (an empty Prometheus leaves targets inconclusive).
 */
export async function prepareSite(
  m: Management,
  dir: string,
  prometheusUrl: string,
): Promise<{ sitesFile: string; withSlo: Intent; withoutSlo: Intent }> {
  const bootstrap = await reconcileSite(
    {
      site: { id: "mgmt", kind: "kubernetes", kubernetes: { context: "mgmt", kubeconfig: m.kubeconfig } },
      packages: [{ intentId: "site-monitoring-crds", objects: structuredClone([...MONITORING_CRDS]) }],
      healthTimeoutMs: 60_000,
    },
    {},
  );
  if (!bootstrap.ok) throw new Error("the monitoring CRDs could not be installed");
  const sitesFile = join(dir, "sites.yaml");
  await writeFile(
    sitesFile,
    `apiVersion: intentops.io/v1alpha1\nkind: SiteRegistry\nsites:\n  - id: mgmt\n    kind: kubernetes\n    kubernetes:\n      context: mgmt\n    prometheus:\n      url: ${prometheusUrl}\n`,
  );
  const root = resolve(import.meta.dirname, "..", "..");
  const intent = JSON.parse(await readFile(join(root, "intents", "edge-analytics.json"), "utf8"));
  const expectations = intent.expression.expressionValue["icm:hasExpectation"] as Array<{
    "@id": string;
    "icm:params": Record<string, unknown>;
  }>;
  expectations[0]!["icm:params"]["io:site"] = ["mgmt"];
  const withSlo = structuredClone(intent);
  intent.expression.expressionValue["icm:hasExpectation"] = expectations.filter(
    (e) => e["@id"] !== "io:analytics-slo",
  );
  return { sitesFile, withSlo, withoutSlo: intent };
}

export interface ControllerProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it wrote (stdout and stderr). */
  log(): string;
}

/**
 * `intentops controller` (the built CLI) against the management cluster `m` as the site registry's `mgmt`,
 * its clone and state under `dir`; `extra` flags after the usual ones (e.g. shorter lease timings).
 */
export function spawnController(
  m: Management,
  o: {
    identity: string;
    namespace: string;
    dir: string;
    remote: string;
    sitesFile: string;
    extra?: string[];
    env?: Record<string, string>;
  },
): ControllerProcess {
  const main = resolve(import.meta.dirname, "..", "..", "dist", "pipeline", "cli", "main.js");
  const args = [
    main,
    "controller",
    "--management-kubeconfig",
    m.kubeconfig,
    "--management-context",
    m.context,
    "--namespace",
    o.namespace,
    "--identity",
    o.identity,
    "--repo",
    join(o.dir, "delivery.git"),
    "--remote",
    o.remote,
    "--sites",
    o.sitesFile,
    "--kubeconfig",
    m.kubeconfig,
    "--state",
    join(o.dir, "state"),
    ...(o.extra ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: o.dir,
    env: { ...process.env, ...o.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (c: Buffer) => {
    log += c.toString();
  });
  child.stderr!.on("data", (c: Buffer) => {
    log += c.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on("close", (code, signal) => r({ code, signal })),
  );
  return { child, exited, log: () => log };
}
