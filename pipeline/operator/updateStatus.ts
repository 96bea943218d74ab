/**
 * updateStatus: one conditional write of an `IntentDeployment`'s status. The PUT carries the
 * resourceVersion the change was computed from; a 409 (someone wrote in between: another replica, a person
 * with `kubectl patch --subresource=status`) re-reads the resource and computes the change again from what
 * is there now, so no write is lost and none overwrites a newer one blindly.
 */
import { IntentopsError } from "../../compiler/errors.js";
import type { KubeClient } from "../reconcile/kubeClient.js";
import {
  type IntentDeployment,
  type IntentDeploymentStatus,
  intentDeploymentPath,
  subjectOf,
} from "./intentDeployment.js";

export interface UpdateStatusInput {
  kube: KubeClient;
  namespace: string;
  name: string;
  /**
   * The new status from the resource as read, or `undefined` for nothing to write. Called again with the
   * fresh resource after each conflict.
   */
  change: (resource: IntentDeployment) => IntentDeploymentStatus | undefined;
  /** A resource already read (its resourceVersion is the precondition of the first attempt). */
  known?: IntentDeployment;
  /** Attempts before giving up (each after a conflict). Default 20. */
  maxAttempts?: number;
  /** Called on each 409, for metrics and tests. */
  onConflict?: (resource: IntentDeployment) => void;
}

/**
 * @returns the resource as written (with its new resourceVersion), or as read when nothing was to be written
 * @throws IntentopsError `E_NOT_FOUND` (the resource is gone), `E_CONFLICT` (still conflicting after
 *   `maxAttempts`), `E_REMOTE` (any other answer; transient for the runner)
 * @example await updateStatus({ kube, namespace: "intentops", name: "edge-analytics", change: (r) => ({ ...r.status, retried: "1" }) })
 */
export async function updateStatus(input: UpdateStatusInput): Promise<IntentDeployment> {
  const { kube, namespace, name, change, maxAttempts = 20 } = input;
  const subject = subjectOf(namespace, name);
  let resource = input.known ?? (await read(kube, namespace, name));
  for (let attempt = 1; ; attempt++) {
    const status = change(resource);
    if (status === undefined) return resource;
    const res = await kube.request({
      method: "PUT",
      path: `${intentDeploymentPath(namespace, name, "status")}?fieldManager=intentops`,
      body: { ...resource, status },
    });
    if (res.status === 200) return res.body as unknown as IntentDeployment;
    if (res.status === 404) throw new IntentopsError("E_NOT_FOUND", `${subject} does not exist`, { subject });
    if (res.status !== 409) {
      throw new IntentopsError("E_REMOTE", `status write answered ${res.status}: ${message(res.body)}`, {
        subject,
      });
    }
    input.onConflict?.(resource);
    if (attempt >= maxAttempts) {
      throw new IntentopsError("E_CONFLICT", `status write still conflicting after ${attempt} attempts`, {
        subject,
      });
    }
    resource = await read(kube, namespace, name);
  }
}

/** GET one resource. */
export async function read(kube: KubeClient, namespace: string, name: string): Promise<IntentDeployment> {
  const subject = subjectOf(namespace, name);
  const res = await kube.request({ method: "GET", path: intentDeploymentPath(namespace, name) });
  if (res.status === 404) throw new IntentopsError("E_NOT_FOUND", `${subject} does not exist`, { subject });
  if (res.status !== 200) {
    throw new IntentopsError("E_REMOTE", `GET answered ${res.status}: ${message(res.body)}`, { subject });
  }
  return res.body as unknown as IntentDeployment;
}

function message(body: Record<string, unknown> | null): string {
  return typeof body?.["message"] === "string" ? body["message"] : JSON.stringify(body);
}
