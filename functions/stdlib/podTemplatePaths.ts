/**
 * Where workload kinds keep their pod template and selector, the fields label and annotation
 * functions must keep in step with `metadata` (the same places kustomize's commonLabels writes).
 */

/** Path to the pod template's metadata for a kind, or undefined when the kind has none. */
export function podTemplateMetadataPath(kind: string): string[] | undefined {
  switch (kind) {
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "ReplicationController":
    case "Job":
      return ["spec", "template", "metadata"];
    case "CronJob":
      return ["spec", "jobTemplate", "spec", "template", "metadata"];
    default:
      return undefined;
  }
}

/** Path to the label selector a kind's controller matches pods with, and whether to create it. */
export function selectorPath(kind: string): { path: string[]; create: boolean } | undefined {
  switch (kind) {
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
      return { path: ["spec", "selector", "matchLabels"], create: true };
    case "ReplicationController":
      return { path: ["spec", "selector"], create: true };
    // A Service without a selector (ExternalName, manual Endpoints) must stay without one.
    case "Service":
      return { path: ["spec", "selector"], create: false };
    case "PodDisruptionBudget":
      return { path: ["spec", "selector", "matchLabels"], create: false };
    case "NetworkPolicy":
      return { path: ["spec", "podSelector", "matchLabels"], create: false };
    default:
      return undefined;
  }
}

/** Returns the mapping at `path` under `root`, creating missing levels when `create` is set. */
export function mapAt(
  root: Record<string, unknown>,
  path: readonly string[],
  create: boolean,
): Record<string, unknown> | undefined {
  let cur: Record<string, unknown> = root;
  for (const key of path) {
    const next = cur[key];
    if (next === undefined || next === null) {
      if (!create) return undefined;
      const fresh: Record<string, unknown> = {};
      cur[key] = fresh;
      cur = fresh;
    } else if (typeof next === "object" && !Array.isArray(next)) {
      cur = next as Record<string, unknown>;
    } else {
      return undefined;
    }
  }
  return cur;
}
