/**
 * kwok's metrics emulation for the sandbox's sites: the kubelet's resource metrics endpoint
 * (`/metrics/resource`: `container_cpu_usage_seconds_total`, `container_memory_working_set_bytes` with
 * `container`, `namespace`, `pod`; the pod and node totals; `scrape_error`) served by kwok itself for each
 * of its nodes at `/metrics/nodes/<node>/metrics/resource`, from a kwok `Metric` and a
 * `ClusterResourceUsage` (kwok v0.7 configuration API, CEL expressions), written into kwok's own
 * configuration file — runtime configuration, no code of the control plane changes.
 *
 * What the containers use comes from the pod's annotations, which the workload simulator writes from the
 * load it simulates: `sandbox.intentops.io/cpu-usage` (a CPU quantity, e.g. `250m`) and
 * `sandbox.intentops.io/memory-usage` (bytes). A pod without them uses nothing — kwok runs no process, and
 * nothing is invented on its behalf. CPU seconds are kwok's integral of that usage over time.
 */

export const CPU_USAGE_ANNOTATION = "sandbox.intentops.io/cpu-usage";
export const MEMORY_USAGE_ANNOTATION = "sandbox.intentops.io/memory-usage";

/** The path kwok serves each node's resource metrics on (`{nodeName}` is kwok's path parameter). */
export const KWOK_RESOURCE_METRICS_PATH = "/metrics/nodes/{nodeName}/metrics/resource";

const fromAnnotation = (annotation: string) =>
  `"${annotation}" in pod.metadata.annotations ? Quantity(pod.metadata.annotations["${annotation}"]) : Quantity("0")`;

/** kwok configuration documents (YAML; JSON is YAML) to append to kwok's configuration file. */
export function kwokMetricsConfig(): string {
  const podLabels = [
    { name: "namespace", value: "pod.metadata.namespace" },
    { name: "pod", value: "pod.metadata.name" },
  ];
  const containerLabels = [{ name: "container", value: "container.name" }, ...podLabels];
  const metric = {
    apiVersion: "kwok.x-k8s.io/v1alpha1",
    kind: "Metric",
    metadata: { name: "kubelet-resource-metrics" },
    spec: {
      path: KWOK_RESOURCE_METRICS_PATH,
      metrics: [
        {
          name: "scrape_error",
          help: "1 if there was an error while getting container metrics, 0 otherwise",
          kind: "gauge",
          dimension: "node",
          value: "0",
        },
        {
          name: "container_cpu_usage_seconds_total",
          help: "Cumulative cpu time consumed by the container in core-seconds",
          kind: "counter",
          dimension: "container",
          labels: containerLabels,
          value: 'pod.CumulativeUsage("cpu", container.name)',
        },
        {
          name: "container_memory_working_set_bytes",
          help: "Current working set of the container in bytes",
          kind: "gauge",
          dimension: "container",
          labels: containerLabels,
          value: 'pod.Usage("memory", container.name)',
        },
        {
          name: "pod_cpu_usage_seconds_total",
          help: "Cumulative cpu time consumed by the pod in core-seconds",
          kind: "counter",
          dimension: "pod",
          labels: podLabels,
          value: 'pod.CumulativeUsage("cpu")',
        },
        {
          name: "pod_memory_working_set_bytes",
          help: "Current working set of the pod in bytes",
          kind: "gauge",
          dimension: "pod",
          labels: podLabels,
          value: 'pod.Usage("memory")',
        },
        {
          name: "node_cpu_usage_seconds_total",
          help: "Cumulative cpu time consumed by the node in core-seconds",
          kind: "counter",
          dimension: "node",
          value: 'node.CumulativeUsage("cpu")',
        },
        {
          name: "node_memory_working_set_bytes",
          help: "Current working set of the node in bytes",
          kind: "gauge",
          dimension: "node",
          value: 'node.Usage("memory")',
        },
      ],
    },
  };
  const usage = {
    apiVersion: "kwok.x-k8s.io/v1alpha1",
    kind: "ClusterResourceUsage",
    metadata: { name: "usage-from-simulated-load" },
    spec: {
      usages: [
        {
          usage: {
            cpu: { expression: fromAnnotation(CPU_USAGE_ANNOTATION) },
            memory: { expression: fromAnnotation(MEMORY_USAGE_ANNOTATION) },
          },
        },
      ],
    },
  };
  return [metric, usage].map((doc) => `---\n${JSON.stringify(doc)}\n`).join("");
}
