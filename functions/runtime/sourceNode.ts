/**
 * Links a plain object to the YAML node it was read from, so that writing it back keeps comments,
 * key order and quoting. The link is a non-enumerable symbol property: invisible to JSON, spread and
 * equality checks, and simply absent on objects a function builds from scratch.
 */
import type { Document, Node } from "yaml";

const SOURCE = Symbol.for("intentops.krm.source");

/** Attaches `node` as the source of `obj` and returns `obj`. */
export function attachSource<T extends object>(obj: T, node: Node | Document): T {
  Object.defineProperty(obj, SOURCE, { value: node, enumerable: false, configurable: true, writable: true });
  return obj;
}

/** The YAML node `obj` was read from, if it still carries the link. */
export function sourceOf(obj: object): Node | Document | undefined {
  return (obj as { [SOURCE]?: Node | Document })[SOURCE];
}

/** Deep-copies a JSON value, carrying source links on the top-level object along. */
export function cloneWithSource<T>(value: T): T {
  const copy = structuredClone(value);
  if (value !== null && typeof value === "object") {
    const node = sourceOf(value as object);
    if (node) attachSource(copy as object, node);
  }
  return copy;
}
