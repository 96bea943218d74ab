// Regenerates schemas/k8s/kubernetes-<version>.json from the Kubernetes OpenAPI v2 document, offline:
//   go mod download -json k8s.io/kubernetes@v1.34.1   (prints "Dir")
//   node test/functions/tools/extractK8sSchemas.mjs <Dir>/api/openapi-spec/swagger.json v1.34.1
// Only the kinds a package commonly holds (and the definitions they reach) are kept; descriptions are
// dropped to keep the file reviewable in size; IntOrString and Quantity accept numbers as YAML does.
import { readFileSync, writeFileSync } from "node:fs";

const [, , swaggerPath, version] = process.argv;
if (!swaggerPath || !version) {
  console.error("usage: extractK8sSchemas.mjs <swagger.json> <version>");
  process.exit(2);
}
const KINDS = [
  "v1/ConfigMap",
  "v1/Secret",
  "v1/Service",
  "v1/ServiceAccount",
  "v1/Namespace",
  "v1/Pod",
  "v1/PersistentVolumeClaim",
  "v1/PersistentVolume",
  "v1/LimitRange",
  "v1/ResourceQuota",
  "v1/Endpoints",
  "apps/v1/Deployment",
  "apps/v1/StatefulSet",
  "apps/v1/DaemonSet",
  "apps/v1/ReplicaSet",
  "batch/v1/Job",
  "batch/v1/CronJob",
  "networking.k8s.io/v1/Ingress",
  "networking.k8s.io/v1/NetworkPolicy",
  "networking.k8s.io/v1/IngressClass",
  "rbac.authorization.k8s.io/v1/Role",
  "rbac.authorization.k8s.io/v1/RoleBinding",
  "rbac.authorization.k8s.io/v1/ClusterRole",
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
  "policy/v1/PodDisruptionBudget",
  "autoscaling/v2/HorizontalPodAutoscaler",
  "apiextensions.k8s.io/v1/CustomResourceDefinition",
  "storage.k8s.io/v1/StorageClass",
  "scheduling.k8s.io/v1/PriorityClass",
];
const swagger = JSON.parse(readFileSync(swaggerPath, "utf8"));
const defs = swagger.definitions;
const byGvk = {};
for (const [name, def] of Object.entries(defs)) {
  for (const gvk of def["x-kubernetes-group-version-kind"] ?? []) {
    const key = `${gvk.group ? `${gvk.group}/` : ""}${gvk.version}/${gvk.kind}`;
    if (KINDS.includes(key)) byGvk[key] = name;
  }
}
const KEEP = new Set(["type", "properties", "items", "additionalProperties", "required", "$ref", "enum"]);
function clean(schema) {
  if (Array.isArray(schema)) return schema.map(clean);
  if (schema === null || typeof schema !== "object") return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (!KEEP.has(k)) continue;
    if (k === "properties") out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, clean(s)]));
    else out[k] = typeof v === "object" ? clean(v) : v;
  }
  return out;
}
const SPECIAL = {
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": { anyOf: [{ type: "string" }, { type: "integer" }] },
  "io.k8s.apimachinery.pkg.api.resource.Quantity": { anyOf: [{ type: "string" }, { type: "number" }] },
  // Free-form by design: an embedded raw object (CRD defaults, examples) or any JSON value.
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": {},
  "io.k8s.apimachinery.pkg.runtime.RawExtension": {},
};
const kept = {};
const queue = Object.values(byGvk);
while (queue.length > 0) {
  const name = queue.pop();
  if (kept[name]) continue;
  kept[name] = SPECIAL[name] ?? clean(defs[name]);
  JSON.stringify(kept[name], (k, v) => {
    if (k === "$ref" && typeof v === "string") queue.push(v.replace("#/definitions/", ""));
    return v;
  });
}
const sorted = Object.fromEntries(
  Object.keys(kept)
    .sort()
    .map((k) => [k, kept[k]]),
);
const kinds = Object.fromEntries(
  Object.keys(byGvk)
    .sort()
    .map((k) => [k, byGvk[k]]),
);
const bundle = {
  kubernetesVersion: version,
  source: "k8s.io/kubernetes api/openapi-spec/swagger.json",
  kinds,
  definitions: sorted,
};
writeFileSync(`schemas/k8s/kubernetes-${version.replace(/\.\d+$/, "")}.json`, `${JSON.stringify(bundle)}\n`);
console.log(`${Object.keys(kinds).length} kinds, ${Object.keys(sorted).length} definitions`);
