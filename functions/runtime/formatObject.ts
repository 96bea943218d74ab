/**
 * Deterministic YAML for KRM objects: the same object always gives the same bytes.
 *
 * Keys are ordered apiVersion, kind, metadata, then the rest sorted; inside metadata: name, namespace,
 * labels, annotations, then the rest sorted. `undefined` members are dropped. Strings that a YAML
 * reader could take for another type are quoted, so a value such as `"yes"`, `"0123"` or
 * `"a: b\n- c"` reads back as the same string.
 */
import { Document } from "yaml";
import { quoteAmbiguousScalars, STRINGIFY_OPTIONS } from "./yamlOptions.js";

const TOP_ORDER = ["apiVersion", "kind", "metadata"];
const METADATA_ORDER = ["name", "namespace", "labels", "annotations"];

function orderKeys(keys: string[], first: readonly string[]): string[] {
  const head = first.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !first.includes(k)).sort();
  return [...head, ...rest];
}

/** Returns a copy of `value` with KRM key order applied at the top and in `metadata`, undefined dropped. */
export function canonicalizeObject(value: unknown): unknown {
  return canon(value, 0, false);
}

function canon(value: unknown, depth: number, inMetadata: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => canon(v === undefined ? null : v, depth + 1, false));
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new TypeError("formatObject: non-finite numbers cannot be written as YAML");
    }
    return value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined);
  const ordered =
    depth === 0 ? orderKeys(keys, TOP_ORDER) : inMetadata ? orderKeys(keys, METADATA_ORDER) : keys.sort();
  const out: Record<string, unknown> = {};
  for (const key of ordered) {
    // defineProperty, not assignment: a key named `__proto__` must stay data, not change the prototype.
    Object.defineProperty(out, key, {
      value: canon(record[key], depth + 1, depth === 0 && key === "metadata"),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Builds the YAML document for one object, canonically ordered and quoted. Used by the writers. */
export function objectDocument(obj: unknown): Document {
  const doc = new Document(canonicalizeObject(obj), { version: "1.2", aliasDuplicateObjects: false });
  quoteAmbiguousScalars(doc);
  return doc;
}

/**
 * Formats one KRM object as YAML (ends with a newline).
 *
 * @example formatObject({ kind: "ConfigMap", apiVersion: "v1", metadata: { name: "x" }, data: { a: "yes" } })
 * // "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"yes\"\n"
 */
export function formatObject(obj: unknown): string {
  return objectDocument(obj).toString(STRINGIFY_OPTIONS);
}

/**
 * Formats several objects as one multi-document YAML stream, separated by `---`; `""` for none.
 *
 * @example formatObjects([a, b]) === `${formatObject(a)}---\n${formatObject(b)}`
 */
export function formatObjects(objs: readonly unknown[]): string {
  return objs.map((o) => formatObject(o)).join("---\n");
}
