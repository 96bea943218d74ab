/**
 * Kubernetes service discovery for the sandbox's Prometheus, served over Prometheus' HTTP SD.
 *
 * Why: Debian's `prometheus` (2.42.0+ds) is built without the Kubernetes service discovery
 * (`kubernetes_sd_configs` is "field not found"; Debian drops the discoverers whose Go dependencies it does
 * not package), and it is the Prometheus this machine has. So the sandbox does the discovery itself, against
 * the site's API server, and hands Prometheus the same target groups with the same `__meta_kubernetes_*`
 * labels that `kubernetes_sd_configs` documents for the roles the scrape configs use:
 *
 * - `endpoints`: one target per Endpoints address and port (`__address__` = address:port), with the
 *   endpoint's labels (`…_endpoints_name`, `…_endpoint_port_name`, `…_endpoint_port_protocol`,
 *   `…_endpoint_ready`, `…_endpoint_address_target_kind` / `_name`, `…_endpoint_node_name`), the
 *   Service's (`…_service_name`, `…_service_label_<l>`, `…_service_labelpresent_<l>`) and, for an address
 *   backed by a pod, the pod's (`…_pod_name`, `…_pod_ip`, `…_pod_label_<l>`, `…_pod_labelpresent_<l>`,
 *   `…_pod_container_name`, `…_pod_container_port_name` / `_number` / `_protocol`, `…_pod_ready`,
 *   `…_pod_phase`, `…_pod_node_name`, `…_pod_host_ip`, `…_pod_uid`, `…_pod_controller_kind` / `_name`);
 *   (Prometheus' extra targets for container ports no endpoint port names are not produced: the operator's
 *   port `keep` drops them anyway);
 * - `node`: one target per node at its first InternalIP and kubelet port (`status.daemonEndpoints`), with
 *   `…_node_name`, `…_node_label_<l>`, `…_node_labelpresent_<l>`, `…_node_address_<type>`.
 *
 * The relabel rules are then exactly those `kubernetes_sd_configs` would meet (`buildScrapeConfigs.ts`).
 * Routes: `GET /<site>/endpoints[?namespaces=a,b]`, `GET /<site>/node`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as k8s from "@kubernetes/client-node";

/** One HTTP SD target group. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** Prometheus' label name sanitisation for meta label suffixes. */
function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, "_");
}

function objectLabels(prefix: string, labels: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) {
    out[`${prefix}_label_${sanitize(key)}`] = value;
    out[`${prefix}_labelpresent_${sanitize(key)}`] = "true";
  }
  return out;
}

/** Endpoints (+ their Services and pods) → target groups, as role `endpoints` discovers them. */
export function endpointsTargets(
  endpoints: readonly k8s.V1Endpoints[],
  services: readonly k8s.V1Service[],
  pods: readonly k8s.V1Pod[],
): TargetGroup[] {
  const groups: TargetGroup[] = [];
  const key = (ns: string | undefined, name: string | undefined) => `${ns}/${name}`;
  const serviceOf = new Map(services.map((s) => [key(s.metadata?.namespace, s.metadata?.name), s]));
  const podOf = new Map(pods.map((p) => [key(p.metadata?.namespace, p.metadata?.name), p]));
  for (const ep of endpoints) {
    const namespace = ep.metadata?.namespace ?? "";
    const name = ep.metadata?.name ?? "";
    const service = serviceOf.get(key(namespace, name));
    const common: Record<string, string> = {
      __meta_kubernetes_namespace: namespace,
      __meta_kubernetes_endpoints_name: name,
      ...objectLabels("__meta_kubernetes_endpoints", ep.metadata?.labels),
      ...(service
        ? {
            __meta_kubernetes_service_name: name,
            ...objectLabels("__meta_kubernetes_service", service.metadata?.labels),
          }
        : {}),
    };
    for (const subset of ep.subsets ?? []) {
      const addresses = [
        ...(subset.addresses ?? []).map((a) => ({ a, ready: "true" })),
        ...(subset.notReadyAddresses ?? []).map((a) => ({ a, ready: "false" })),
      ];
      for (const port of subset.ports ?? []) {
        for (const { a, ready } of addresses) {
          const labels: Record<string, string> = {
            ...common,
            __meta_kubernetes_endpoint_port_name: port.name ?? "",
            __meta_kubernetes_endpoint_port_protocol: port.protocol ?? "TCP",
            __meta_kubernetes_endpoint_ready: ready,
            ...(a.nodeName ? { __meta_kubernetes_endpoint_node_name: a.nodeName } : {}),
            ...(a.hostname ? { __meta_kubernetes_endpoint_hostname: a.hostname } : {}),
          };
          if (a.targetRef) {
            labels["__meta_kubernetes_endpoint_address_target_kind"] = a.targetRef.kind ?? "";
            labels["__meta_kubernetes_endpoint_address_target_name"] = a.targetRef.name ?? "";
          }
          const pod =
            a.targetRef?.kind === "Pod"
              ? podOf.get(key(a.targetRef.namespace ?? namespace, a.targetRef.name))
              : undefined;
          if (pod) Object.assign(labels, podLabels(pod, port.port));
          groups.push({ targets: [`${a.ip}:${port.port}`], labels });
        }
      }
    }
  }
  return groups;
}

function podLabels(pod: k8s.V1Pod, port: number): Record<string, string> {
  const meta = pod.metadata ?? {};
  const controller = meta.ownerReferences?.find((o) => o.controller);
  const labels: Record<string, string> = {
    __meta_kubernetes_pod_name: meta.name ?? "",
    __meta_kubernetes_pod_ip: pod.status?.podIP ?? "",
    __meta_kubernetes_pod_ready: String(
      pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
    ),
    __meta_kubernetes_pod_phase: pod.status?.phase ?? "",
    __meta_kubernetes_pod_node_name: pod.spec?.nodeName ?? "",
    __meta_kubernetes_pod_host_ip: pod.status?.hostIP ?? "",
    __meta_kubernetes_pod_uid: meta.uid ?? "",
    ...objectLabels("__meta_kubernetes_pod", meta.labels),
    ...(controller
      ? {
          __meta_kubernetes_pod_controller_kind: controller.kind,
          __meta_kubernetes_pod_controller_name: controller.name,
        }
      : {}),
  };
  for (const container of pod.spec?.containers ?? []) {
    const match = container.ports?.find((p) => p.containerPort === port);
    if (!match) continue;
    labels["__meta_kubernetes_pod_container_name"] = container.name;
    labels["__meta_kubernetes_pod_container_port_name"] = match.name ?? "";
    labels["__meta_kubernetes_pod_container_port_number"] = String(match.containerPort);
    labels["__meta_kubernetes_pod_container_port_protocol"] = match.protocol ?? "TCP";
  }
  return labels;
}

/** Nodes → target groups, as role `node` discovers them. */
export function nodeTargets(nodes: readonly k8s.V1Node[]): TargetGroup[] {
  const groups: TargetGroup[] = [];
  for (const node of nodes) {
    const addresses = node.status?.addresses ?? [];
    const ip = addresses.find((a) => a.type === "InternalIP")?.address ?? addresses[0]?.address;
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
    if (!ip || !port) continue;
    const labels: Record<string, string> = {
      __meta_kubernetes_node_name: node.metadata?.name ?? "",
      ...objectLabels("__meta_kubernetes_node", node.metadata?.labels),
    };
    for (const a of addresses) labels[`__meta_kubernetes_node_address_${a.type}`] ??= a.address;
    groups.push({ targets: [`${ip}:${port}`], labels });
  }
  return groups;
}

export interface RunningDiscovery {
  /** Base URL; a site's routes are `<url><site>/endpoints` and `<url><site>/node`. */
  url: string;
  stop(): Promise<void>;
}

/** Serves the discovery of each site (listed from its API server on every request). */
export async function startKubernetesDiscovery(
  sites: Record<string, { kubeconfig: string; context: string }>,
): Promise<RunningDiscovery> {
  const clients = new Map(
    Object.entries(sites).map(([site, { kubeconfig, context }]) => {
      const config = new k8s.KubeConfig();
      config.loadFromFile(kubeconfig);
      config.setCurrentContext(context);
      return [site, config.makeApiClient(k8s.CoreV1Api)] as const;
    }),
  );
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://discovery");
    const [, site, role] = url.pathname.split("/");
    const core = site ? clients.get(site) : undefined;
    if (!core || (role !== "endpoints" && role !== "node")) {
      response.writeHead(404).end();
      return;
    }
    const namespaces = url.searchParams.get("namespaces")?.split(",").filter(Boolean);
    const groups =
      role === "node"
        ? core.listNode().then((l) => nodeTargets(l.items))
        : Promise.all(
            (namespaces ?? [undefined]).map(async (namespace) => {
              const [e, s, p] = await Promise.all(
                namespace
                  ? [
                      core.listNamespacedEndpoints({ namespace }),
                      core.listNamespacedService({ namespace }),
                      core.listNamespacedPod({ namespace }),
                    ]
                  : [
                      core.listEndpointsForAllNamespaces(),
                      core.listServiceForAllNamespaces(),
                      core.listPodForAllNamespaces(),
                    ],
              );
              return endpointsTargets(e.items, s.items, p.items);
            }),
          ).then((all) => all.flat());
    groups.then(
      (body) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      },
      // An API server that does not answer is a discovery error, not "no targets": Prometheus keeps the
      // last target groups it had, as kubernetes_sd_configs would.
      (error: Error) => response.writeHead(503, { "content-type": "text/plain" }).end(error.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
