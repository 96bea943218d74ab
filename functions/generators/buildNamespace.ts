/**
 * The Namespace object of a workload, unless the namespace belongs to Kubernetes itself: applying a
 * `default` or `kube-system` Namespace would make it part of the package's inventory, and pruning the
 * package would then try to delete it.
 */
import { buildMetadata } from "./buildMetadata.js";
import { GeneratorError } from "./GeneratorError.js";
import type { WorkloadInput } from "./readWorkloads.js";
import type { GeneratedObject } from "./types.js";

/** Namespaces that exist in every cluster and are never created or owned by a package. */
export const SYSTEM_NAMESPACES: readonly string[] = [
  "default",
  "kube-node-lease",
  "kube-public",
  "kube-system",
];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The namespace of a Kubernetes workload: the `namespace` context, or the intent id. A namespace is a
 * name the user chose and other tools refer to, so an invalid one is refused rather than rewritten.
 */
export function namespaceOf(input: WorkloadInput): string {
  const namespace = input.params.string("namespace") ?? input.intentId;
  if (!DNS_LABEL.test(namespace)) {
    throw new GeneratorError(
      "E_GEN_INVALID_PARAM",
      input.params.where("namespace"),
      `namespace ${JSON.stringify(namespace)} is not a DNS-1123 label (at most 63 of a-z, 0-9, -)`,
    );
  }
  return namespace;
}

/** `[Namespace]`, or `[]` for a system namespace. */
export function buildNamespace(input: WorkloadInput, namespace: string): GeneratedObject[] {
  if (SYSTEM_NAMESPACES.includes(namespace)) return [];
  return [{ apiVersion: "v1", kind: "Namespace", metadata: buildMetadata(input, namespace, undefined) }];
}
