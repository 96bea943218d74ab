/**
 * The parameters of an `application` workload, read once and shared by the workload and monitoring
 * generators, with the documented defaults applied.
 */

import { namespaceOf } from "./buildNamespace.js";
import { dns1035Label, dnsLabel, labelValue } from "./dnsLabel.js";
import { GeneratorError } from "./GeneratorError.js";
import type { WorkloadInput } from "./readWorkloads.js";

/** Port used when the intent gives no `servicePort`. */
export const DEFAULT_APP_PORT = 8080;
/** Requests used when the intent gives none: the scheduler and the HPA need a request to work with. */
export const DEFAULT_CPU_REQUEST = "100m";
export const DEFAULT_MEMORY_REQUEST = "128Mi";
/** The container name inside the pod; PromQL selectors use it. */
export const APP_CONTAINER = "app";

export interface ApplicationParams {
  /** `applicationName` (or the object instance, or the expectation id) as given. */
  appName: string;
  /** Name of the Deployment, ConfigMap, HPA, PDB, NetworkPolicy, ServiceMonitor, PrometheusRule. */
  name: string;
  /** Name of the Service (DNS-1035). */
  serviceName: string;
  namespace: string;
  image: string;
  version: string | undefined;
  port: number;
  /** `replicas` as given; `undefined` when only autoscaling bounds are given. */
  replicas: number | undefined;
  minReplicas: number | undefined;
  maxReplicas: number | undefined;
  requests: { cpu: string; memory: string };
  limits: { cpu?: string; memory?: string };
}

/** Reads and checks the application parameters; `containerImage` is required. */
export function readApplicationParams(input: WorkloadInput): ApplicationParams {
  const p = input.params;
  const appName =
    p.string("applicationName") ??
    input.deliver.expectationObject.objectInstance ??
    input.deliver.expectationId;
  const minReplicas = p.integer("minReplicas", 1, 1000);
  const maxReplicas = p.integer("maxReplicas", 1, 1000);
  if (minReplicas !== undefined && maxReplicas !== undefined && minReplicas > maxReplicas) {
    throw new GeneratorError(
      "E_GEN_INVALID_PARAM",
      p.where("minReplicas"),
      `minReplicas ${minReplicas} is above maxReplicas ${maxReplicas}`,
    );
  }
  const limits: { cpu?: string; memory?: string } = {};
  const cpuLimit = p.string("cpuLimit");
  const memoryLimit = p.string("memoryLimit");
  if (cpuLimit !== undefined) limits.cpu = cpuLimit;
  if (memoryLimit !== undefined) limits.memory = memoryLimit;
  return {
    appName,
    name: dnsLabel([appName]),
    serviceName: dns1035Label([appName]),
    namespace: namespaceOf(input),
    image: p.requireString("containerImage"),
    version: p.string("applicationVersion"),
    port: p.integer("servicePort", 1, 65535) ?? DEFAULT_APP_PORT,
    replicas: p.integer("replicas", 0, 1000),
    minReplicas,
    maxReplicas,
    requests: {
      cpu: p.string("cpuRequest") ?? DEFAULT_CPU_REQUEST,
      memory: p.string("memoryRequest") ?? DEFAULT_MEMORY_REQUEST,
    },
    limits,
  };
}

/**
 * Millicores of a Kubernetes CPU quantity (`"500m"`, `"1"`, `"0.25"`), or `undefined` for a form this
 * function does not convert (the caller then falls back to a request-relative target).
 */
export function cpuMillis(quantity: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)(m?)$/.exec(quantity);
  if (match === null) return undefined;
  const value = Number(match[1]);
  return match[2] === "m" ? value : value * 1000;
}

/** `app.kubernetes.io/*` labels of the workload's objects and pods. */
export function appLabels(app: ApplicationParams): Record<string, string> {
  const labels: Record<string, string> = {
    ...selectorLabels(app),
    "app.kubernetes.io/managed-by": "intentops",
  };
  if (app.version !== undefined) labels["app.kubernetes.io/version"] = labelValue(app.version);
  return labels;
}

/** The labels that select the pods (stable across versions, so the selector never changes). */
export function selectorLabels(app: ApplicationParams): Record<string, string> {
  return {
    "app.kubernetes.io/name": labelValue(app.appName),
    "app.kubernetes.io/instance": app.name,
  };
}
