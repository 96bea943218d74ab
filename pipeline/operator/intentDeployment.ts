/**
 * The `IntentDeployment` resource (`intentops.io/v1alpha1`, deploy/intentdeployments.crd.yaml): its shape
 * as the controller reads and writes it, the names the runbook uses, and its API paths.
 */
import type { OnInconclusive } from "../../functions/slo/types.js";
import type { Phase, RunError, RunState } from "../run/runTypes.js";

export const GROUP = "intentops.io";
export const VERSION = "v1alpha1";
export const PLURAL = "intentdeployments";
export const KIND = "IntentDeployment";
/** Held until the delete flow has removed the intent everywhere (through Git). */
export const FINALIZER = "intentops.io/withdraw";
/** `kubectl annotate intentdeployment X intentops.io/retry=<any new value>` re-enters a failed run. */
export const RETRY_ANNOTATION = "intentops.io/retry";

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface SiteStatus {
  name: string;
  sync: "Synced" | "OutOfSync" | "Unknown";
  health: "Healthy" | "Degraded" | "Unknown";
  commit?: string;
}

export interface IntentDeploymentStatus {
  observedGeneration?: number;
  phase?: Phase;
  runId?: string;
  revision?: number;
  sitesReady?: string;
  sites?: SiteStatus[];
  slo?: { decision: "pass" | "breach" | "inconclusive"; action?: string; reasons: string[] };
  deliveryCommit?: string;
  revertCommit?: string;
  evidenceHead?: string;
  error?: RunError;
  retried?: string;
  conditions?: Condition[];
  run?: RunState;
}

export interface IntentDeploymentSpec {
  intent: Record<string, unknown> & { id: string };
  policy?: {
    slo?: {
      windowSeconds?: number;
      onInconclusive?: OnInconclusive;
      onUnmonitored?: "inconclusive" | "ignore";
    };
  };
}

export interface IntentDeployment {
  apiVersion: `${typeof GROUP}/${typeof VERSION}`;
  kind: typeof KIND;
  metadata: {
    name: string;
    namespace: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    finalizers?: string[];
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  spec: IntentDeploymentSpec;
  status?: IntentDeploymentStatus;
}

/** `/apis/intentops.io/v1alpha1/namespaces/<ns>/intentdeployments[/<name>[/status]]` */
export function intentDeploymentPath(namespace: string, name?: string, sub?: "status"): string {
  const base = `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(namespace)}/${PLURAL}`;
  if (name === undefined) return base;
  return `${base}/${encodeURIComponent(name)}${sub ? `/${sub}` : ""}`;
}

/** The subject of a resource in the one subject format. */
export function subjectOf(namespace: string, name: string): string {
  return `${KIND}/${namespace}/${name}`;
}
