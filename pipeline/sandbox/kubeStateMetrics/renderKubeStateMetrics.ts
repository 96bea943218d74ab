/**
 * The sandbox's kube-state-metrics stand-in, its format half: Kubernetes objects → the Prometheus text
 * exposition kube-state-metrics v2 writes for them, for the metrics the SLO queries and an operator's first
 * look need. Metric names, types, label names, label order and value encodings follow kube-state-metrics'
 * documentation (docs/metrics/workload/{pod,deployment,replicaset}-metrics.md and the CLI reference for
 * `--metric-labels-allowlist`):
 *
 * - every pod series carries `namespace`, `pod`, `uid`; ReplicaSet series `namespace`, `replicaset`;
 *   Deployment series `namespace`, `deployment`;
 * - object labels appear on `kube_<kind>_labels` only when allowed (`--metric-labels-allowlist`, default
 *   none), as `label_<key>` with every character outside `[a-zA-Z0-9_]` replaced by `_`;
 * - resources on `kube_pod_container_resource_{limits,requests}` as `resource` (sanitised the same way)
 *   and `unit`: `core` for cpu, `byte` for memory, storage and hugepages, `integer` otherwise;
 * - condition-like gauges (`kube_pod_status_ready`, `kube_pod_status_phase`) emit one series per possible
 *   value, 1 for the current one and 0 for the rest; an object without owner gets `<none>` owner labels.
 *
 * Why a stand-in: kube-state-metrics itself is not served by the Go module proxy this machine can reach
 * (403 for k8s.io/kube-state-metrics/v2) and Debian does not package it. Pure: objects in, text out.
 */
import type { V1Deployment, V1OwnerReference, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { quantityToScalar } from "@kubernetes/client-node/dist/util.js";

/** What kube-state-metrics would have in its caches. */
export interface KubeStateObjects {
  deployments: readonly V1Deployment[];
  replicaSets: readonly V1ReplicaSet[];
  pods: readonly V1Pod[];
}

/** `--metric-labels-allowlist`: resource (plural) → allowed label keys, `*` for all. */
export type LabelsAllowlist = Readonly<
  Partial<Record<"pods" | "deployments" | "replicasets", readonly string[]>>
>;

type Labels = ReadonlyArray<readonly [string, string]>;

interface Family {
  name: string;
  help: string;
  type: "gauge" | "counter";
  series: Array<{ labels: Labels; value: number }>;
}

/** kube-state-metrics' label name sanitisation. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, "_");
}

/**
 * Renders the exposition of `objects`; families in a fixed order, objects sorted by namespace and name,
 * so the same cluster state gives the same bytes.
 *
 * @example renderKubeStateMetrics({ deployments: [], replicaSets: [], pods: [pod] }, { pods: ["app"] })
 *   // → '# HELP kube_pod_info [STABLE] Information about pod.\n# TYPE kube_pod_info gauge\nkube_pod_info{…} 1\n…'
 */
export function renderKubeStateMetrics(objects: KubeStateObjects, allowlist: LabelsAllowlist = {}): string {
  const families: Family[] = [];
  const family = (name: string, help: string, type: Family["type"] = "gauge"): Family => {
    const f: Family = { name, help, type, series: [] };
    families.push(f);
    return f;
  };

  const deploymentFamilies = {
    created: family("kube_deployment_created", "[STABLE] Unix creation timestamp"),
    labels: family("kube_deployment_labels", "[STABLE] Kubernetes labels converted to Prometheus labels."),
    specReplicas: family(
      "kube_deployment_spec_replicas",
      "[STABLE] Number of desired pods for a deployment.",
    ),
    replicas: family("kube_deployment_status_replicas", "[STABLE] The number of replicas per deployment."),
    ready: family(
      "kube_deployment_status_replicas_ready",
      "[STABLE] The number of ready replicas per deployment.",
    ),
    available: family(
      "kube_deployment_status_replicas_available",
      "[STABLE] The number of available replicas per deployment.",
    ),
    updated: family(
      "kube_deployment_status_replicas_updated",
      "[STABLE] The number of updated replicas per deployment.",
    ),
    observedGeneration: family(
      "kube_deployment_status_observed_generation",
      "[STABLE] The generation observed by the deployment controller.",
    ),
    generation: family(
      "kube_deployment_metadata_generation",
      "[STABLE] Sequence number representing a specific generation of the desired state.",
    ),
  };
  for (const d of sorted(objects.deployments)) {
    const id: Labels = [
      ["namespace", d.metadata?.namespace ?? ""],
      ["deployment", d.metadata?.name ?? ""],
    ];
    const created = d.metadata?.creationTimestamp;
    if (created) deploymentFamilies.created.series.push({ labels: id, value: epochSeconds(created) });
    deploymentFamilies.labels.series.push({
      labels: [...id, ...allowedLabels(d.metadata?.labels, allowlist.deployments)],
      value: 1,
    });
    deploymentFamilies.specReplicas.series.push({ labels: id, value: d.spec?.replicas ?? 1 });
    deploymentFamilies.replicas.series.push({ labels: id, value: d.status?.replicas ?? 0 });
    deploymentFamilies.ready.series.push({ labels: id, value: d.status?.readyReplicas ?? 0 });
    deploymentFamilies.available.series.push({ labels: id, value: d.status?.availableReplicas ?? 0 });
    deploymentFamilies.updated.series.push({ labels: id, value: d.status?.updatedReplicas ?? 0 });
    deploymentFamilies.observedGeneration.series.push({
      labels: id,
      value: d.status?.observedGeneration ?? 0,
    });
    deploymentFamilies.generation.series.push({ labels: id, value: d.metadata?.generation ?? 0 });
  }

  const rsOwner = family("kube_replicaset_owner", "[STABLE] Information about the ReplicaSet's owner.");
  const rsLabels = family(
    "kube_replicaset_labels",
    "[STABLE] Kubernetes labels converted to Prometheus labels.",
  );
  const rsSpec = family("kube_replicaset_spec_replicas", "[STABLE] Number of desired pods for a ReplicaSet.");
  const rsReady = family(
    "kube_replicaset_status_ready_replicas",
    "[STABLE] The number of ready replicas per ReplicaSet.",
  );
  for (const rs of sorted(objects.replicaSets)) {
    const id: Labels = [
      ["namespace", rs.metadata?.namespace ?? ""],
      ["replicaset", rs.metadata?.name ?? ""],
    ];
    for (const owner of owners(rs.metadata?.ownerReferences))
      rsOwner.series.push({ labels: [...id, ...owner], value: 1 });
    rsLabels.series.push({
      labels: [...id, ...allowedLabels(rs.metadata?.labels, allowlist.replicasets)],
      value: 1,
    });
    rsSpec.series.push({ labels: id, value: rs.spec?.replicas ?? 1 });
    rsReady.series.push({ labels: id, value: rs.status?.readyReplicas ?? 0 });
  }

  const podInfo = family("kube_pod_info", "[STABLE] Information about pod.");
  const podOwner = family("kube_pod_owner", "[STABLE] Information about the Pod's owner.");
  const podLabels = family("kube_pod_labels", "[STABLE] Kubernetes labels converted to Prometheus labels.");
  const podPhase = family("kube_pod_status_phase", "[STABLE] The pods current phase.");
  const podReady = family(
    "kube_pod_status_ready",
    "[STABLE] Describes whether the pod is ready to serve requests.",
  );
  const containerReady = family(
    "kube_pod_container_status_ready",
    "[STABLE] Describes whether the containers readiness check succeeded.",
  );
  const requests = family(
    "kube_pod_container_resource_requests",
    "[STABLE] The number of requested request resource by a container. It is recommended to use the kube_pod_resource_requests metric exposed by kube-scheduler instead, as it is more precise.",
  );
  const limits = family(
    "kube_pod_container_resource_limits",
    "[STABLE] The number of requested limit resource by a container. It is recommended to use the kube_pod_resource_limits metric exposed by kube-scheduler instead, as it is more precise.",
  );
  for (const pod of sorted(objects.pods)) {
    const meta = pod.metadata ?? {};
    const id: Labels = [
      ["namespace", meta.namespace ?? ""],
      ["pod", meta.name ?? ""],
      ["uid", meta.uid ?? ""],
    ];
    const controller = meta.ownerReferences?.find((o) => o.controller) ?? meta.ownerReferences?.[0];
    podInfo.series.push({
      labels: [
        ...id,
        ["host_ip", pod.status?.hostIP ?? ""],
        ["pod_ip", pod.status?.podIP ?? ""],
        ["node", pod.spec?.nodeName ?? ""],
        ["created_by_kind", controller?.kind ?? "<none>"],
        ["created_by_name", controller?.name ?? "<none>"],
        ["priority_class", pod.spec?.priorityClassName ?? ""],
        ["host_network", String(pod.spec?.hostNetwork ?? false)],
      ],
      value: 1,
    });
    for (const owner of owners(meta.ownerReferences))
      podOwner.series.push({ labels: [...id, ...owner], value: 1 });
    podLabels.series.push({ labels: [...id, ...allowedLabels(meta.labels, allowlist.pods)], value: 1 });
    const phase = pod.status?.phase;
    for (const p of ["Pending", "Succeeded", "Failed", "Unknown", "Running"]) {
      podPhase.series.push({ labels: [...id, ["phase", p]], value: p === phase ? 1 : 0 });
    }
    const ready = pod.status?.conditions?.find((c) => c.type === "Ready")?.status;
    if (ready !== undefined) {
      for (const c of ["true", "false", "unknown"]) {
        podReady.series.push({ labels: [...id, ["condition", c]], value: ready.toLowerCase() === c ? 1 : 0 });
      }
    }
    for (const status of pod.status?.containerStatuses ?? []) {
      containerReady.series.push({
        labels: [...id, ["container", status.name]],
        value: status.ready ? 1 : 0,
      });
    }
    const node = pod.spec?.nodeName ?? "";
    for (const container of pod.spec?.containers ?? []) {
      for (const [target, values] of [
        [requests, container.resources?.requests],
        [limits, container.resources?.limits],
      ] as const) {
        for (const [resource, quantity] of Object.entries(values ?? {}).sort(byKey)) {
          target.series.push({
            labels: [
              ...id,
              ["container", container.name],
              ["node", node],
              ["resource", sanitizeLabelName(resource)],
              ["unit", unitOf(resource)],
            ],
            value: Number(quantityToScalar(quantity)),
          });
        }
      }
    }
  }

  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.series) lines.push(`${f.name}${labelText(s.labels)} ${formatValue(s.value)}`);
  }
  return `${lines.join("\n")}\n`;
}

function owners(refs: readonly V1OwnerReference[] | undefined): Labels[] {
  if (!refs || refs.length === 0) {
    return [
      [
        ["owner_kind", "<none>"],
        ["owner_name", "<none>"],
        ["owner_is_controller", "<none>"],
      ],
    ];
  }
  return refs.map((o) => [
    ["owner_kind", o.kind],
    ["owner_name", o.name],
    ["owner_is_controller", String(o.controller ?? false)],
  ]);
}

function allowedLabels(
  labels: Record<string, string> | undefined,
  allowed: readonly string[] | undefined,
): Labels {
  if (!labels || !allowed || allowed.length === 0) return [];
  const all = allowed.includes("*");
  return Object.entries(labels)
    .filter(([key]) => all || allowed.includes(key))
    .sort(byKey)
    .map(([key, value]) => [`label_${sanitizeLabelName(key)}`, value] as const);
}

function unitOf(resource: string): string {
  if (resource === "cpu") return "core";
  if (resource === "memory" || resource === "storage" || resource === "ephemeral-storage") return "byte";
  if (resource.startsWith("hugepages-")) return "byte";
  return "integer";
}

function sorted<T extends { metadata?: { namespace?: string; name?: string } }>(items: readonly T[]): T[] {
  const key = (o: T) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function byKey(a: readonly [string, unknown], b: readonly [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function epochSeconds(value: Date | string): number {
  return Math.floor(new Date(value).getTime() / 1000);
}

function labelText(labels: Labels): string {
  if (labels.length === 0) return "";
  const quote = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
  return `{${labels.map(([k, v]) => `${k}="${quote(v)}"`).join(",")}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}
