/**
 * The `IntentDeployment` resource (`intentops.io/v1alpha1`, deploy/intentdeployments.crd.yaml): its shape
 * as the controller reads and writes it, the names the runbook uses, and its API paths.
 */
import { createHash } from "node:crypto";
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
/** What `intentops serve --operator` records of the accepted change (pipeline/operator/openResourceRunner.ts). */
export const ANNOTATIONS = {
  /** The intake digest of the accepted intent text (the text committed to Git): what recovery compares. */
  intakeDigest: "intentops.io/intake-digest",
  createdAt: "intentops.io/created-at",
  updatedAt: "intentops.io/updated-at",
  requestId: "intentops.io/request-id",
  /** `<keyId>:<Idempotency-Key>` and the digest of the request body it came with. */
  idempotencyKey: "intentops.io/idempotency-key",
  idempotencyBody: "intentops.io/idempotency-body",
} as const;
/** A label with the Idempotency-Key's digest, so a replica finds an earlier answer by asking the API server. */
export const IDEMPOTENCY_LABEL = "intentops.io/idempotency";

/** The label value of an Idempotency-Key (label values are at most 63 characters of [a-z0-9]). */
export function idempotencyLabelOf(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 40);
}

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

/**
 * The id of the run of a resource's revision (its generation) or of its delete run: derived from the
 * resource's uid, so an API replica names the run before the controller has made it, and every replica and
 * every leader name it alike. UUID-shaped, as the runner's own ids.
 * @example runIdOf(obj.metadata.uid, obj.metadata.generation)
 */
export function runIdOf(uid: string, revision: number | "delete"): string {
  const hex = createHash("sha256").update(`${uid}/${revision}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
