/**
 * Writes a new value into an existing YAML node in place, changing only what differs, so comments,
 * key order and the author's quoting style survive a function that edited the object as plain data.
 */
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  type Node,
  Pair,
  Scalar,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { isAmbiguousString, quoteAmbiguousScalars } from "./yamlOptions.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

// A copy without undefined members, in insertion order (a value added to an existing object is
// written in the order the function built it, as kpt writes an exec function's output).
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => plain(v === undefined ? null : v));
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new TypeError("non-finite numbers cannot be written as YAML");
    }
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    // defineProperty, not assignment: a key named `__proto__` must stay data.
    Object.defineProperty(out, key, {
      value: plain(v),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function freshNode(doc: Document, value: unknown): Node {
  const node = doc.createNode(plain(value), { aliasDuplicateObjects: false }) as Node;
  quoteAmbiguousScalars(node);
  return node;
}

function keyOf(pair: Pair): string | undefined {
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
  return typeof key === "string" ? key : undefined;
}

// `key: # note` followed by a flow value on the next line reads back with the note on the next key
// (kyaml does so): a flow value takes the key's end-of-line comment as its own, `key: [] # note`.
function keepKeyCommentOnLine(pair: Pair): void {
  const key = pair.key as Node | null;
  const value = pair.value as Node | null;
  if (!isScalar(key) || !key.comment || !(isSeq(value) || isMap(value)) || !value.flow) return;
  value.comment = value.comment ? `${key.comment}\n${value.comment}` : key.comment;
  key.comment = undefined;
}

function mergeMap(doc: Document, node: YAMLMap, value: Record<string, unknown>): void {
  const seen = new Set<string>();
  node.items = node.items.filter((pair) => {
    const key = keyOf(pair);
    if (key === undefined || !(key in value) || value[key] === undefined) return false;
    seen.add(key);
    pair.value = mergeIntoNode(doc, pair.value as Node | null, value[key]);
    keepKeyCommentOnLine(pair);
    return true;
  });
  // As kpt merges a function's output into the objects it handed over: existing keys keep their
  // place, new keys are appended in the order they were added (so annotations stay in the order applied,
  // and a `namespace` added to `{name, labels}` comes after `labels`).
  for (const key of Object.keys(value)) {
    if (seen.has(key) || value[key] === undefined) continue;
    const keyNode = new Scalar(key);
    if (isAmbiguousString(key)) keyNode.type = "QUOTE_DOUBLE";
    node.items.push(new Pair(keyNode, freshNode(doc, value[key])));
  }
}

function mergeSeq(doc: Document, node: YAMLSeq, value: unknown[]): void {
  const items = node.items as (Node | null)[];
  node.items = value.map((v, i) =>
    i < items.length ? mergeIntoNode(doc, items[i] ?? null, v) : freshNode(doc, v),
  );
}

/**
 * Returns the node to use for `value`: `node` itself, updated in place, when the shapes agree;
 * otherwise a new node that inherits `node`'s comments.
 *
 * @example mergeIntoNode(doc, doc.contents, { ...edited }) // comments on unchanged keys are kept
 */
export function mergeIntoNode(doc: Document, node: Node | null, value: unknown): Node {
  if (node && isMap(node) && isRecord(value)) {
    mergeMap(doc, node, value);
    return node;
  }
  if (node && isSeq(node) && Array.isArray(value)) {
    mergeSeq(doc, node, value);
    // An empty block list can only be written as `[]`, and a flow node is what places it correctly.
    if (value.length === 0) node.flow = true;
    return node;
  }
  if (node && isScalar(node) && (value === null || typeof value !== "object")) {
    if (node.value === value) return node;
    const wasString = typeof node.value === "string";
    node.value = value;
    // A changed value keeps the author's quoting only when it is still a string; otherwise the
    // writer picks, and an ambiguous string is always quoted.
    if (!wasString || typeof value !== "string") node.type = undefined;
    if (typeof value === "string" && (node.type === "PLAIN" || node.type === undefined)) {
      node.type = isAmbiguousString(value) ? "QUOTE_DOUBLE" : undefined;
    }
    if (typeof value === "string" && value.includes("\n") && node.type === "PLAIN") node.type = undefined;
    return node;
  }
  const fresh = freshNode(doc, value);
  if (node) {
    fresh.commentBefore = node.commentBefore;
    fresh.comment = node.comment;
  }
  return fresh;
}
