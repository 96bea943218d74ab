/**
 * The sandbox's kube-state-metrics stand-in, its serving half: one per site, it watches the site's API
 * server (list + watch informers on Deployments, ReplicaSets and Pods, as kube-state-metrics does) and
 * serves `renderKubeStateMetrics` of what it has seen on `GET /metrics`, on a loopback port.
 *
 * Failure injection: `fail(status)` makes `/metrics` answer that HTTP status (Prometheus then records
 * `up 0` and the series go stale, as when kube-state-metrics is down); `fail(undefined)` heals it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as k8s from "@kubernetes/client-node";
import { type LabelsAllowlist, renderKubeStateMetrics } from "./renderKubeStateMetrics.js";

export interface KubeStateMetricsOptions {
  kubeconfig: string;
  context: string;
  /** `--metric-labels-allowlist`; default: the pod labels the SLO queries and dashboards read. */
  labelsAllowlist?: LabelsAllowlist;
  port?: number;
}

export interface RunningKubeStateMetrics {
  /** `host:port` of the metrics endpoint. */
  address: string;
  url: string;
  /** Serve `status` instead of metrics until called with `undefined`. */
  fail(status: number | undefined): void;
  stop(): Promise<void>;
}

/** The pod labels the sandbox lets through, as a user of the SLO gate would configure kube-state-metrics. */
export const SANDBOX_LABELS_ALLOWLIST: LabelsAllowlist = {
  pods: [
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/version",
    "intentops.io/revision",
  ],
  deployments: ["app.kubernetes.io/name", "app.kubernetes.io/version"],
};

/** Starts the informers and the server; resolves once every informer has listed once and the port listens. */
export async function startKubeStateMetrics(
  options: KubeStateMetricsOptions,
): Promise<RunningKubeStateMetrics> {
  const config = new k8s.KubeConfig();
  config.loadFromFile(options.kubeconfig);
  config.setCurrentContext(options.context);
  const apps = config.makeApiClient(k8s.AppsV1Api);
  const core = config.makeApiClient(k8s.CoreV1Api);
  const deployments = k8s.makeInformer(config, "/apis/apps/v1/deployments", () =>
    apps.listDeploymentForAllNamespaces(),
  );
  const replicaSets = k8s.makeInformer(config, "/apis/apps/v1/replicasets", () =>
    apps.listReplicaSetForAllNamespaces(),
  );
  const pods = k8s.makeInformer(config, "/api/v1/pods", () => core.listPodForAllNamespaces());
  const informers = [deployments, replicaSets, pods];
  let stopped = false;
  for (const informer of informers) {
    // A watch that ends (API server restart, timeout) is started again, as client-go's reflector does.
    informer.on("error", () => {
      if (!stopped) setTimeout(() => void informer.start().catch(() => undefined), 1000);
    });
  }
  await Promise.all(informers.map((i) => i.start()));

  let failure: number | undefined;
  const server: Server = createServer((request, response) => {
    if (request.url !== "/metrics") {
      response.writeHead(404).end();
      return;
    }
    if (failure !== undefined) {
      response.writeHead(failure).end();
      return;
    }
    response.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
    response.end(
      renderKubeStateMetrics(
        { deployments: deployments.list(), replicaSets: replicaSets.list(), pods: pods.list() },
        options.labelsAllowlist ?? SANDBOX_LABELS_ALLOWLIST,
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/metrics`,
    fail(status) {
      failure = status;
    },
    async stop() {
      stopped = true;
      await Promise.all(informers.map((i) => i.stop()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
