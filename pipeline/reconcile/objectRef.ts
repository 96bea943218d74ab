/**
 * Object identity: group/kind/namespace/name, the one subject format `Kind/namespace/name` (`Kind/name`
 * for cluster-scoped objects), and the deterministic sort order (group, kind, namespace, name).
 */
import type { KrmObject } from "../../functions/runtime/types.js";

/** Identifies one object; `namespace` is `""` for cluster-scoped objects. Versions are not identity. */
export interface ObjectRef {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** The API group of an `apiVersion` (`""` for the core group `v1`). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

export function refOf(obj: KrmObject): ObjectRef {
  return {
    group: groupOf(obj.apiVersion),
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? "",
    name: obj.metadata.name ?? "",
  };
}

/** `Kind/namespace/name` or `Kind/name`. */
export function subjectOfRef(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/** A key unique per object (the group matters: two kinds may share a name across groups). */
export function refKey(ref: ObjectRef): string {
  return `${ref.group}|${ref.kind}|${ref.namespace}|${ref.name}`;
}

export function compareRefs(a: ObjectRef, b: ObjectRef): number {
  for (const k of ["group", "kind", "namespace", "name"] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return 0;
}

export function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return compareRefs(a, b) === 0;
}
