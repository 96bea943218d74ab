/**
 * The sandbox's Prometheus configuration, written the way a cluster's Prometheus is configured: every
 * target is discovered from the site's API server, with the `__meta_kubernetes_*` labels of Kubernetes
 * service discovery — served over HTTP SD by `kubernetesDiscovery.ts`, because Debian's Prometheus is built
 * without `kubernetes_sd_configs` (the relabel rules are the ones `kubernetes_sd_configs` would meet).
 *
 * Per site:
 * - one job per endpoint of every ServiceMonitor on the site, translated as the Prometheus Operator
 *   translates it (role `endpoints` in the ServiceMonitor's namespaces; `keep` on the Service's
 *   `selector.matchLabels` and the endpoint's port name; target labels `namespace`, `service`, `pod`,
 *   `container`, `endpoint`, `job` from discovery; `podTargetLabels` / `targetLabels` from the pod's / the
 *   Service's labels; the endpoint's own `relabelings` and `metricRelabelings`; `honorLabels`);
 * - `kubelet`: role `node`, each node's resource metrics at its kubelet address (kwok's emulation serves
 *   them at `/metrics/nodes/<node>/metrics/resource`);
 * - `kube-state-metrics`: the site's kube-state-metrics endpoint, `honor_labels: true` as its own
 *   ServiceMonitor is usually set, so its `namespace`/`pod` labels are the objects', not the target's.
 *
 * Sandbox-specific, said here so nothing hides: every job adds the target label `site` (one Prometheus
 * serves all sites, as a central Prometheus with a cluster label would); discovered pod addresses are
 * mapped into loopback and only loopback is kept (`podAddress.ts`); and the scrape interval is the
 * sandbox's (2 s) whatever a ServiceMonitor asks, so the tests' short windows hold enough samples.
 * Pure: data in, config objects out.
 */
import { KWOK_RESOURCE_METRICS_PATH } from "./kwokMetricsConfig.js";
import { LOOPBACK_RELABELINGS } from "./podAddress.js";

/** The ServiceMonitor fields the translation reads (monitoring.coreos.com/v1). */
export interface ServiceMonitorLike {
  metadata: { name: string; namespace: string };
  spec: {
    selector?: { matchLabels?: Record<string, string> };
    namespaceSelector?: { any?: boolean; matchNames?: string[] };
    jobLabel?: string;
    targetLabels?: string[];
    podTargetLabels?: string[];
    endpoints?: Array<{
      port?: string;
      path?: string;
      scheme?: string;
      honorLabels?: boolean;
      relabelings?: Array<Record<string, unknown>>;
      metricRelabelings?: Array<Record<string, unknown>>;
    }>;
  };
}

export interface SiteScrapeTargets {
  site: string;
  /** The site's discovery base URL (`<discovery url><site>/`, see `kubernetesDiscovery.ts`). */
  discoveryUrl: string;
  /** `host:port` of the site's kube-state-metrics. */
  kubeStateMetrics: string;
  serviceMonitors: readonly ServiceMonitorLike[];
}

type Rule = Record<string, unknown>;

/** Prometheus' label name sanitisation (as the operator applies it to label keys). */
function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, "_");
}

/** Regex-escapes a literal for a relabel `regex` (RE2, anchored by Prometheus). */
function literal(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** One ServiceMonitor endpoint → one scrape config. */
export function serviceMonitorScrapeConfig(
  site: string,
  discoveryUrl: string,
  monitor: ServiceMonitorLike,
  index: number,
): Record<string, unknown> {
  const { name, namespace } = monitor.metadata;
  const spec = monitor.spec;
  const endpoint = spec.endpoints?.[index] ?? {};
  const namespaces = spec.namespaceSelector?.any
    ? undefined
    : (spec.namespaceSelector?.matchNames ?? [namespace]);
  const relabel: Rule[] = [{ source_labels: ["job"], target_label: "__tmp_prometheus_job_name" }];
  for (const [key, value] of Object.entries(spec.selector?.matchLabels ?? {}).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    relabel.push({
      action: "keep",
      source_labels: [
        `__meta_kubernetes_service_label_${sanitize(key)}`,
        `__meta_kubernetes_service_labelpresent_${sanitize(key)}`,
      ],
      regex: `(${literal(value)});true`,
    });
  }
  if (endpoint.port !== undefined) {
    relabel.push({
      action: "keep",
      source_labels: ["__meta_kubernetes_endpoint_port_name"],
      regex: literal(endpoint.port),
    });
  }
  relabel.push(
    {
      source_labels: [
        "__meta_kubernetes_endpoint_address_target_kind",
        "__meta_kubernetes_endpoint_address_target_name",
      ],
      separator: ";",
      regex: "Node;(.*)",
      replacement: "$1",
      target_label: "node",
    },
    {
      source_labels: [
        "__meta_kubernetes_endpoint_address_target_kind",
        "__meta_kubernetes_endpoint_address_target_name",
      ],
      separator: ";",
      regex: "Pod;(.*)",
      replacement: "$1",
      target_label: "pod",
    },
    { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
    { source_labels: ["__meta_kubernetes_service_name"], target_label: "service" },
    { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
    { source_labels: ["__meta_kubernetes_pod_container_name"], target_label: "container" },
    { action: "drop", source_labels: ["__meta_kubernetes_pod_phase"], regex: "(Failed|Succeeded)" },
    { source_labels: ["__meta_kubernetes_service_name"], target_label: "job", replacement: "$1" },
  );
  if (spec.jobLabel) {
    relabel.push({
      source_labels: [`__meta_kubernetes_service_label_${sanitize(spec.jobLabel)}`],
      target_label: "job",
      regex: "(.+)",
      replacement: "$1",
    });
  }
  for (const label of spec.targetLabels ?? []) {
    relabel.push({
      source_labels: [`__meta_kubernetes_service_label_${sanitize(label)}`],
      target_label: sanitize(label),
      regex: "(.+)",
      replacement: "$1",
    });
  }
  for (const label of spec.podTargetLabels ?? []) {
    relabel.push({
      source_labels: [`__meta_kubernetes_pod_label_${sanitize(label)}`],
      target_label: sanitize(label),
      regex: "(.+)",
      replacement: "$1",
    });
  }
  relabel.push({ target_label: "endpoint", replacement: endpoint.port ?? String(index) });
  for (const rule of endpoint.relabelings ?? []) relabel.push(operatorRule(rule));
  relabel.push({ target_label: "site", replacement: site }, ...LOOPBACK_RELABELINGS);
  return {
    job_name: `${site}/serviceMonitor/${namespace}/${name}/${index}`,
    honor_labels: endpoint.honorLabels ?? false,
    metrics_path: endpoint.path ?? "/metrics",
    scheme: endpoint.scheme ?? "http",
    // role endpoints, in the ServiceMonitor's namespaces (all when `namespaceSelector.any`)
    http_sd_configs: [
      {
        url: `${discoveryUrl}endpoints${namespaces ? `?namespaces=${namespaces.map(encodeURIComponent).join(",")}` : ""}`,
        refresh_interval: "1s",
      },
    ],
    relabel_configs: relabel,
    ...(endpoint.metricRelabelings?.length
      ? { metric_relabel_configs: endpoint.metricRelabelings.map(operatorRule) }
      : {}),
  };
}

/** A ServiceMonitor `RelabelConfig` (camelCase) → Prometheus' (snake_case). */
function operatorRule(rule: Record<string, unknown>): Rule {
  const names: Record<string, string> = {
    sourceLabels: "source_labels",
    targetLabel: "target_label",
    separator: "separator",
    regex: "regex",
    modulus: "modulus",
    replacement: "replacement",
    action: "action",
  };
  const out: Rule = {};
  for (const [key, value] of Object.entries(rule)) {
    const name = names[key];
    if (name === undefined) throw new Error(`ServiceMonitor relabeling field ${key} is not supported`);
    out[name] = name === "action" && typeof value === "string" ? value.toLowerCase() : value;
  }
  return out;
}

/** Every scrape config of the sites, sorted by job name. */
export function buildScrapeConfigs(sites: readonly SiteScrapeTargets[]): Record<string, unknown>[] {
  const configs: Record<string, unknown>[] = [];
  for (const s of sites) {
    configs.push({
      job_name: `${s.site}/kubelet`,
      honor_labels: true,
      scheme: "http",
      http_sd_configs: [{ url: `${s.discoveryUrl}node`, refresh_interval: "1s" }],
      relabel_configs: [
        { source_labels: ["__meta_kubernetes_node_name"], target_label: "node" },
        {
          source_labels: ["__meta_kubernetes_node_name"],
          regex: "(.+)",
          target_label: "__metrics_path__",
          replacement: KWOK_RESOURCE_METRICS_PATH.replace("{nodeName}", "$1"),
        },
        { target_label: "job", replacement: "kubelet" },
        { target_label: "site", replacement: s.site },
        { source_labels: ["__address__"], regex: "127\\.\\d+\\.\\d+\\.\\d+:\\d+", action: "keep" },
      ],
    });
    configs.push({
      job_name: `${s.site}/kube-state-metrics`,
      honor_labels: true,
      static_configs: [
        { targets: [s.kubeStateMetrics], labels: { site: s.site, job: "kube-state-metrics" } },
      ],
    });
    const monitors = [...s.serviceMonitors].sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}` < `${b.metadata.namespace}/${b.metadata.name}` ? -1 : 1,
    );
    for (const monitor of monitors) {
      (monitor.spec.endpoints ?? []).forEach((_, i) => {
        configs.push(serviceMonitorScrapeConfig(s.site, s.discoveryUrl, monitor, i));
      });
    }
  }
  return configs.sort((a, b) => (String(a["job_name"]) < String(b["job_name"]) ? -1 : 1));
}
