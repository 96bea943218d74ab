/**
 * The Namespace object of a workload, unless the namespace belongs to Kubernetes itself: applying a
 * `default` or `kube-system` Namespace would make it part of the package's inventory, and pruning the
 * package would then try to delete it.
 */
import { buildMetadata } from "./buildMetadata.js";
import type { WorkloadInput } from "./readWorkloads.js";
import type { GeneratedObject } from "./types.js";

/** Namespaces that exist in every cluster and are never created or owned by a package. */
export const SYSTEM_NAMESPACES: readonly string[] = [
  "default",
  "kube-node-lease",
  "kube-public",
  "kube-system",
];

/** The namespace of a Kubernetes workload: the `namespace` context, or the intent id. */
export function namespaceOf(input: WorkloadInput): string {
  return input.params.string("namespace") ?? input.intentId;
}

/** `[Namespace]`, or `[]` for a system namespace. */
export function buildNamespace(input: WorkloadInput, namespace: string): GeneratedObject[] {
  if (SYSTEM_NAMESPACES.includes(namespace)) return [];
  return [{ apiVersion: "v1", kind: "Namespace", metadata: buildMetadata(input, namespace, undefined) }];
}
