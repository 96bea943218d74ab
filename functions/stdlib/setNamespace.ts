/**
 * set-namespace: moves the objects of a package into another namespace: `metadata.namespace` of
 * namespace-scoped objects (every kind not known to be cluster-scoped, custom kinds and the Kptfile
 * included, as kpt's e2e data shows; a `v1 List` wrapper is not an object of its own), the `Namespace` object itself, ServiceAccount subjects of (Cluster)RoleBindings,
 * `config.kubernetes.io/depends-on` references, and the service namespace of CRD conversion webhooks,
 * APIServices and admission webhooks — in each case only where the old namespace was used.
 * Config: ConfigMap `data.namespace` (and optional `data.namespaceMatcher`), `SetNamespace`, or the
 * package-context ConfigMap `kptfile.kpt.dev` whose `data.name` is the namespace. Local-config objects
 * are left alone.
 */
import { FunctionConfigError } from "../runtime/errors.js";
import { isNonKrm } from "../runtime/parseKrm.js";
import type { KrmFunction, KrmObject, ResourceList, Result } from "../runtime/types.js";
import { isLocalConfigObject, readFunctionConfig, refOf } from "./readFunctionConfig.js";

const CLUSTER_SCOPED = new Set([
  "APIService",
  "CertificateSigningRequest",
  "ClusterRole",
  "ClusterRoleBinding",
  "CSIDriver",
  "CSINode",
  "CustomResourceDefinition",
  "IngressClass",
  "MutatingWebhookConfiguration",
  "Namespace",
  "Node",
  "PersistentVolume",
  "PriorityClass",
  "RuntimeClass",
  "StorageClass",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "ValidatingWebhookConfiguration",
  "VolumeAttachment",
]);

/** The package-context ConfigMap `kpt pkg init` writes; its `data.name` names the namespace. */
const PACKAGE_CONTEXT = "kptfile.kpt.dev";

function mapAt(root: Record<string, unknown>, path: readonly string[]): Record<string, unknown> | undefined {
  let cur: unknown = root;
  for (const key of path) {
    cur =
      cur !== null && typeof cur === "object" && !Array.isArray(cur)
        ? (cur as Record<string, unknown>)[key]
        : undefined;
  }
  return cur !== null && typeof cur === "object" && !Array.isArray(cur)
    ? (cur as Record<string, unknown>)
    : undefined;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function clusterScopedCustomKinds(items: readonly KrmObject[]): Set<string> {
  const kinds = new Set<string>();
  for (const o of items) {
    if (o.kind !== "CustomResourceDefinition") continue;
    const spec = o["spec"] as { scope?: string; names?: { kind?: string } } | undefined;
    if (spec?.scope === "Cluster" && spec.names?.kind) kinds.add(spec.names.kind);
  }
  return kinds;
}

function readConfig(rl: ResourceList): { namespace: string; matcher: string | undefined } {
  const cfg = readFunctionConfig(rl, "set-namespace", ["SetNamespace"]);
  const source = cfg.configMap ? cfg.data : (cfg.object as Record<string, unknown>);
  const packageContext =
    cfg.configMap &&
    rl.functionConfig?.metadata?.name === PACKAGE_CONTEXT &&
    source["namespace"] === undefined;
  const namespace = packageContext ? source["name"] : source["namespace"];
  const matcher = source["namespaceMatcher"];
  if (typeof namespace !== "string" || namespace === "") {
    throw new FunctionConfigError("set-namespace: `namespace` is required");
  }
  if (!DNS_LABEL.test(namespace) || namespace.length > 63) {
    throw new FunctionConfigError(
      `set-namespace: "${namespace}" is not a valid namespace name (RFC 1123 label)`,
    );
  }
  return { namespace, matcher: typeof matcher === "string" && matcher !== "" ? matcher : undefined };
}

/**
 * The set-namespace function.
 *
 * @example await setNamespace({ ...rl, functionConfig: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { namespace: "prod" } } })
 */
export const setNamespace: KrmFunction = (rl: ResourceList) => {
  const { namespace, matcher } = readConfig(rl);
  const clusterCustom = clusterScopedCustomKinds(rl.items);
  const isNamespaced = (o: KrmObject) =>
    !CLUSTER_SCOPED.has(o.kind) &&
    !clusterCustom.has(o.kind) &&
    !(o.kind === "List" && o.apiVersion === "v1");
  const targets = rl.items.filter((o) => !isLocalConfigObject(o) && !isNonKrm(o));
  // The old namespaces: the matcher, or every namespace the package's objects use.
  const old = new Set<string>();
  if (matcher) old.add(matcher);
  else {
    for (const o of targets) {
      if (isNamespaced(o) && o.metadata.namespace) old.add(o.metadata.namespace);
      if (o.kind === "Namespace" && o.apiVersion === "v1" && o.metadata.name) old.add(o.metadata.name);
    }
  }
  const inScope = (ns: string | undefined) => (ns === undefined || ns === "" ? !matcher : old.has(ns));
  const results: Result[] = [...(rl.results ?? [])];
  const namespaceObjects = targets.filter(
    (o) => o.kind === "Namespace" && o.apiVersion === "v1" && old.has(o.metadata.name ?? ""),
  );
  if (namespaceObjects.length > 1) {
    for (const o of namespaceObjects) {
      results.push({
        message: `set-namespace: more than one Namespace object would be renamed to "${namespace}"; use namespaceMatcher to pick one`,
        severity: "error",
        resourceRef: refOf(o),
      });
    }
    return { ...rl, results };
  }
  let count = 0;
  const swap = (ns: string | undefined) => (ns !== undefined && old.has(ns) ? namespace : ns);
  for (const o of targets) {
    if (o.kind === "Namespace" && o.apiVersion === "v1") {
      if (old.has(o.metadata.name ?? "")) {
        o.metadata.name = namespace;
        count++;
      }
    } else if (isNamespaced(o) && inScope(o.metadata.namespace)) {
      o.metadata.namespace = namespace;
      count++;
    }
    if ((o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding") && Array.isArray(o["subjects"])) {
      for (const s of o["subjects"] as Record<string, unknown>[]) {
        if (s?.["kind"] === "ServiceAccount" && typeof s["namespace"] === "string")
          s["namespace"] = swap(s["namespace"]);
      }
    }
    const servicePaths: string[][] = [];
    if (o.kind === "CustomResourceDefinition")
      servicePaths.push(["spec", "conversion", "webhook", "clientConfig", "service"]);
    if (o.kind === "APIService") servicePaths.push(["spec", "service"]);
    for (const path of servicePaths) {
      const svc = mapAt(o, path);
      if (svc && typeof svc["namespace"] === "string") svc["namespace"] = swap(svc["namespace"]);
    }
    if (
      (o.kind === "ValidatingWebhookConfiguration" || o.kind === "MutatingWebhookConfiguration") &&
      Array.isArray(o["webhooks"])
    ) {
      for (const hook of o["webhooks"] as Record<string, unknown>[]) {
        const svc = mapAt(hook ?? {}, ["clientConfig", "service"]);
        if (svc && typeof svc["namespace"] === "string") svc["namespace"] = swap(svc["namespace"]);
      }
    }
    const dependsOn = o.metadata.annotations?.["config.kubernetes.io/depends-on"];
    if (typeof dependsOn === "string" && o.metadata.annotations) {
      // Each reference is `group/namespaces/<ns>/Kind/name` (namespaced) or `group/Kind/name`.
      o.metadata.annotations["config.kubernetes.io/depends-on"] = dependsOn
        .split(",")
        .map((ref) => {
          const parts = ref.trim().split("/");
          if (parts.length === 5 && parts[1] === "namespaces") parts[2] = swap(parts[2]) ?? "";
          return parts.join("/");
        })
        .join(",");
    }
  }
  results.push({ message: `namespace "${namespace}" set on ${count} object(s)`, severity: "info" });
  return { ...rl, results };
};
