/**
 * `application` workload (EdgeService_Support on a Kubernetes site): Namespace, ConfigMap, Deployment,
 * Service, HorizontalPodAutoscaler (when autoscaling is asked for), PodDisruptionBudget, NetworkPolicy,
 * and the monitoring objects of `generateMonitoring`.
 *
 * Defaults: port 8080, requests 100m CPU / 128Mi memory, no limits, 1 replica. With autoscaling the
 * Deployment leaves `spec.replicas` to the HPA (a value in the manifest would fight it on every apply).
 */
import { digestJson, shortDigest } from "../../compiler/digest.js";
import { buildMetadata, REVISION_ANNOTATION } from "./buildMetadata.js";
import { buildNamespace } from "./buildNamespace.js";
import { dnsLabel, labelValue } from "./dnsLabel.js";
import { generateMonitoring } from "./generateMonitoring.js";
import {
  APP_CONTAINER,
  type ApplicationParams,
  appLabels,
  cpuMillis,
  readApplicationParams,
  selectorLabels,
} from "./readApplicationParams.js";
import { boundOf, findTarget, upperLimitOf } from "./readTargets.js";
import type { WorkloadInput } from "./readWorkloads.js";
import type { GeneratedObject, JsonObject } from "./types.js";

/** CPU SLO (percent of limit, or of request without a limit) assumed when the intent states none. */
export const DEFAULT_CPU_SLO_PERCENT = 80;
/**
 * The HPA aims below the CPU SLO so that it scales out before the SLO alert's `for:` window runs out:
 * target = floor(threshold × 0.8).
 */
export const HPA_HEADROOM = 0.8;

/** Objects of one `application` workload. */
export function generateApplication(input: WorkloadInput): GeneratedObject[] {
  const app = readApplicationParams(input);
  const selector = selectorLabels(app);
  const podLabels: Record<string, string> = { ...appLabels(app) };
  // The revision as a pod label (not only an annotation on the Deployment): kube-state-metrics exposes pod
  // labels on `kube_pod_labels`, which is how the SLO queries tell this revision's pods from the last one's.
  const revision = input.compiled.spec.revision;
  if (revision !== undefined) podLabels[REVISION_ANNOTATION] = labelValue(revision);
  const meta = (name: string) => buildMetadata(input, name, app.namespace, { labels: appLabels(app) });

  const configData: Record<string, string> = {
    APP_NAME: app.appName,
    APP_PORT: String(app.port),
    INTENTOPS_INTENT_ID: input.intentId,
  };
  if (app.version !== undefined) configData["APP_VERSION"] = app.version;
  const configMap: GeneratedObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta(dnsLabel([app.name, "config"])),
    data: configData,
  };

  const hpa = autoscaler(input, app);
  const resources: JsonObject = { requests: { ...app.requests } };
  if (Object.keys(app.limits).length > 0) resources["limits"] = { ...app.limits };

  const deploymentSpec: JsonObject = {
    selector: { matchLabels: selector },
    template: {
      metadata: {
        labels: podLabels,
        // Pods roll when the settings change, as the ConfigMap is read only at start-up.
        annotations: { "intentops.io/config-hash": shortDigest(digestJson(configData), 16) },
      },
      spec: {
        containers: [
          {
            name: APP_CONTAINER,
            image: app.image,
            ports: [{ name: "http", containerPort: app.port, protocol: "TCP" }],
            envFrom: [{ configMapRef: { name: configMap.metadata.name } }],
            resources,
            readinessProbe: { tcpSocket: { port: "http" }, periodSeconds: 5, failureThreshold: 3 },
            securityContext: { allowPrivilegeEscalation: false },
          },
        ],
      },
    },
  };
  if (hpa === undefined) deploymentSpec["replicas"] = app.replicas ?? 1;

  const objects: GeneratedObject[] = [
    ...buildNamespace(input, app.namespace),
    configMap,
    { apiVersion: "apps/v1", kind: "Deployment", metadata: meta(app.name), spec: deploymentSpec },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(app.serviceName),
      spec: {
        type: "ClusterIP",
        selector,
        ports: [{ name: "http", port: app.port, targetPort: "http", protocol: "TCP" }],
      },
    },
    {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: meta(app.name),
      // maxUnavailable rather than minAvailable: it never blocks a node drain, whatever the replica count.
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta(app.name),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ["Ingress"],
        ingress: [{ ports: [{ protocol: "TCP", port: app.port }] }],
      },
    },
    ...generateMonitoring(input, app),
  ];
  if (hpa !== undefined) {
    objects.push({
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: meta(app.name),
      spec: hpa,
    });
  }
  return objects;
}

/**
 * The HPA spec, when `minReplicas`/`maxReplicas` or a `cpuUtilization` target is given.
 * min = minReplicas ?? replicas ?? 1; max = maxReplicas ?? max(2 × min, min + 1).
 * The target is request-relative (that is what `averageUtilization` measures): the SLO threshold is
 * limit-relative when a CPU limit is set, so it is scaled by limit/request, then by `HPA_HEADROOM`.
 */
function autoscaler(input: WorkloadInput, app: ApplicationParams): JsonObject | undefined {
  const cpuTarget = findTarget(input.targets, "cpuUtilization");
  if (app.minReplicas === undefined && app.maxReplicas === undefined && cpuTarget === undefined)
    return undefined;
  const threshold =
    cpuTarget === undefined
      ? DEFAULT_CPU_SLO_PERCENT
      : (upperLimitOf(boundOf(cpuTarget, input.where)) ?? DEFAULT_CPU_SLO_PERCENT);
  const request = cpuMillis(app.requests.cpu);
  const limit = app.limits.cpu === undefined ? undefined : cpuMillis(app.limits.cpu);
  const scale = request !== undefined && limit !== undefined && request > 0 ? limit / request : 1;
  const averageUtilization = Math.max(1, Math.floor(threshold * scale * HPA_HEADROOM));
  const min = app.minReplicas ?? Math.max(1, app.replicas ?? 1);
  const max = app.maxReplicas ?? Math.max(2 * min, min + 1);
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: app.name },
    minReplicas: Math.min(min, max),
    maxReplicas: max,
    metrics: [
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization } } },
    ],
  };
}
