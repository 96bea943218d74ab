/**
 * The order objects are listed in: API group, version, kind, namespace, name (byte order). Apply staging
 * (CRDs and Namespaces first) is the reconciler's job; a fixed order here makes output byte-stable.
 */
import type { GeneratedObject } from "./types.js";

/** `group`, `version`, `kind`, `namespace`, `name` of an object; the core group is `""`. */
export function identityOf(obj: GeneratedObject): [string, string, string, string, string] {
  const slash = obj.apiVersion.indexOf("/");
  const group = slash < 0 ? "" : obj.apiVersion.slice(0, slash);
  const version = slash < 0 ? obj.apiVersion : obj.apiVersion.slice(slash + 1);
  return [group, version, obj.kind, obj.metadata.namespace ?? "", obj.metadata.name];
}

/** The subject of an object in the project's format: `Kind/namespace/name` (or `Kind/name`). */
export function objectSubject(obj: GeneratedObject): string {
  const ns = obj.metadata.namespace;
  return ns === undefined ? `${obj.kind}/${obj.metadata.name}` : `${obj.kind}/${ns}/${obj.metadata.name}`;
}

function compareTuples(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Returns a new array sorted by identity. */
export function sortObjects(objects: readonly GeneratedObject[]): GeneratedObject[] {
  return [...objects].sort((a, b) => compareTuples(identityOf(a), identityOf(b)));
}
