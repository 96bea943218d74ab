/** What the operator tests share: the management cluster (one Go-built control plane) with the CRD applied. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { applyCrd } from "../../pipeline/operator/applyCrd.js";
import type { IntentDeployment } from "../../pipeline/operator/intentDeployment.js";
import { intentDeploymentPath } from "../../pipeline/operator/intentDeployment.js";
import { createKubeClient, type KubeClient } from "../../pipeline/reconcile/kubeClient.js";
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
