/**
 * The fields that refer to other objects by name (after kustomize's name-reference list, which the
 * catalog's ensure-name-substring documents it follows): when an object is renamed, these follow it.
 * A reference resolves only to an object of the referenced kind in the referrer's namespace.
 */
import type { KrmObject } from "../runtime/types.js";
import { groupVersionOf, slotsAt } from "./fieldSpecs.js";

/** `kind\0namespace\0name` → new name, for every renamed object. */
export type Renames = ReadonlyMap<string, string>;

/** The key of an object in `Renames`. */
export function renameKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}\0${namespace ?? ""}\0${name}`;
}

const POD_SPEC_AT: Record<string, string> = {
  Pod: "spec",
  Deployment: "spec/template/spec",
  StatefulSet: "spec/template/spec",
  DaemonSet: "spec/template/spec",
  ReplicaSet: "spec/template/spec",
  ReplicationController: "spec/template/spec",
  Job: "spec/template/spec",
  CronJob: "spec/jobTemplate/spec/template/spec",
};

const CONTAINERS = ["containers[]", "initContainers[]", "ephemeralContainers[]"];

/** Paths under a pod spec, by the kind they refer to. */
const IN_POD_SPEC: Record<string, string[]> = {
  ConfigMap: [
    "volumes[]/configMap/name",
    "volumes[]/projected/sources[]/configMap/name",
    ...CONTAINERS.flatMap((c) => [
      `${c}/env[]/valueFrom/configMapKeyRef/name`,
      `${c}/envFrom[]/configMapRef/name`,
    ]),
  ],
  Secret: [
    "volumes[]/secret/secretName",
    "volumes[]/projected/sources[]/secret/name",
    "imagePullSecrets[]/name",
    ...CONTAINERS.flatMap((c) => [`${c}/env[]/valueFrom/secretKeyRef/name`, `${c}/envFrom[]/secretRef/name`]),
  ],
  PersistentVolumeClaim: ["volumes[]/persistentVolumeClaim/claimName"],
  ServiceAccount: ["serviceAccountName"],
};

/** Other referring fields: referrer kind → referenced kind → paths. */
const OTHER: Record<string, Record<string, string[]>> = {
  StatefulSet: { Service: ["spec/serviceName"] },
  Ingress: {
    Service: ["spec/rules[]/http/paths[]/backend/service/name", "spec/defaultBackend/service/name"],
    Secret: ["spec/tls[]/secretName"],
  },
  ServiceAccount: { Secret: ["secrets[]/name", "imagePullSecrets[]/name"] },
};

function rewrite(obj: KrmObject, path: string, kind: string, renames: Renames): void {
  for (const { parent, key } of slotsAt(obj, path, false)) {
    const current = parent[key];
    if (typeof current !== "string") continue;
    const next = renames.get(renameKey(kind, obj.metadata.namespace, current));
    if (next !== undefined) parent[key] = next;
  }
}

function rewriteBinding(obj: KrmObject, renames: Renames): void {
  const roleRef = obj["roleRef"] as Record<string, unknown> | undefined;
  if (roleRef && typeof roleRef["name"] === "string" && typeof roleRef["kind"] === "string") {
    const ns = roleRef["kind"] === "ClusterRole" ? undefined : obj.metadata.namespace;
    const next = renames.get(renameKey(roleRef["kind"], ns, roleRef["name"]));
    if (next !== undefined) roleRef["name"] = next;
  }
  const subjects = obj["subjects"];
  if (!Array.isArray(subjects)) return;
  for (const s of subjects as Record<string, unknown>[]) {
    if (s?.["kind"] !== "ServiceAccount" || typeof s["name"] !== "string") continue;
    const ns = typeof s["namespace"] === "string" ? s["namespace"] : obj.metadata.namespace;
    const next = renames.get(renameKey("ServiceAccount", ns, s["name"]));
    if (next !== undefined) s["name"] = next;
  }
}

function rewriteDependsOn(obj: KrmObject, renames: Renames): void {
  const annotations = obj.metadata.annotations;
  const value = annotations?.["config.kubernetes.io/depends-on"];
  if (!annotations || typeof value !== "string") return;
  annotations["config.kubernetes.io/depends-on"] = value
    .split(",")
    .map((ref) => {
      const parts = ref.trim().split("/");
      // `group/namespaces/<ns>/Kind/name` or `group/Kind/name`.
      const [kind, ns] = parts.length === 5 ? [parts[3], parts[2]] : [parts[1], undefined];
      const name = parts[parts.length - 1];
      if (kind === undefined || name === undefined || (parts.length !== 5 && parts.length !== 3)) return ref;
      const next = renames.get(renameKey(kind, ns, name));
      if (next === undefined) return ref;
      parts[parts.length - 1] = next;
      return parts.join("/");
    })
    .join(",");
}

/**
 * Points every reference in `items` at the new names. Mutates the objects.
 *
 * @example updateNameReferences(items, new Map([[renameKey("ConfigMap", "dev", "cfg"), "prod-cfg"]]))
 */
export function updateNameReferences(items: readonly KrmObject[], renames: Renames): void {
  if (renames.size === 0) return;
  for (const obj of items) {
    if (typeof obj.kind !== "string") continue;
    const podSpec = POD_SPEC_AT[obj.kind];
    if (podSpec && (obj.kind !== "Pod" || groupVersionOf(obj.apiVersion)[0] === "")) {
      for (const [kind, paths] of Object.entries(IN_POD_SPEC)) {
        for (const path of paths) rewrite(obj, `${podSpec}/${path}`, kind, renames);
      }
    }
    for (const [kind, paths] of Object.entries(OTHER[obj.kind] ?? {})) {
      for (const path of paths) rewrite(obj, path, kind, renames);
    }
    if (obj.kind === "RoleBinding" || obj.kind === "ClusterRoleBinding") rewriteBinding(obj, renames);
    if (obj.kind === "HorizontalPodAutoscaler") {
      const ref = obj["spec"] as { scaleTargetRef?: Record<string, unknown> } | undefined;
      const target = ref?.scaleTargetRef;
      if (target && typeof target["kind"] === "string" && typeof target["name"] === "string") {
        const next = renames.get(renameKey(target["kind"], obj.metadata.namespace, target["name"]));
        if (next !== undefined) target["name"] = next;
      }
    }
    rewriteDependsOn(obj, renames);
  }
}
