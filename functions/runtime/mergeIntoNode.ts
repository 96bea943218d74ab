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
import { canonicalizeObject } from "./formatObject.js";
import { isAmbiguousString, quoteAmbiguousScalars } from "./yamlOptions.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function freshNode(doc: Document, value: unknown): Node {
  const node = doc.createNode(canonicalizeObject(value), { aliasDuplicateObjects: false }) as Node;
  quoteAmbiguousScalars(node);
  return node;
}

function keyOf(pair: Pair): string | undefined {
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
  return typeof key === "string" ? key : undefined;
}

/** Where a map sits in an object: its root, its `metadata`, or anywhere else. */
export type MapPlace = "root" | "metadata" | "other";

// Fields kpt and kubectl keep in this order; a new one goes right after its predecessors, so an added
// `namespace` lands after `name` (not after `labels`), as kpt's functions insert it.
const FIELD_ORDER: Record<MapPlace, readonly string[]> = {
  root: ["apiVersion", "kind", "metadata"],
  metadata: ["name", "generateName", "namespace", "labels", "annotations"],
  other: [],
};

function insertAt(items: Pair[], key: string, order: readonly string[]): number {
  const rank = order.indexOf(key);
  if (rank < 0) return items.length;
  let at = -1;
  items.forEach((pair, i) => {
    const r = order.indexOf(keyOf(pair) ?? "");
    if (r >= 0 && r < rank) at = i;
  });
  if (at >= 0) return at + 1;
  const later = items.findIndex((pair) => order.indexOf(keyOf(pair) ?? "") > rank);
  return later >= 0 ? later : items.length;
}

function mergeMap(doc: Document, node: YAMLMap, value: Record<string, unknown>, place: MapPlace): void {
  const seen = new Set<string>();
  node.items = node.items.filter((pair) => {
    const key = keyOf(pair);
    if (key === undefined || !(key in value) || value[key] === undefined) return false;
    seen.add(key);
    const child = place === "root" && key === "metadata" ? "metadata" : "other";
    pair.value = mergeIntoNode(doc, pair.value as Node | null, value[key], child);
    return true;
  });
  // New keys keep the order in which they were added (annotations as applied), known fields their place.
  for (const key of Object.keys(value)) {
    if (seen.has(key) || value[key] === undefined) continue;
    const keyNode = new Scalar(key);
    if (isAmbiguousString(key)) keyNode.type = "QUOTE_DOUBLE";
    const pair = new Pair(keyNode, freshNode(doc, value[key]));
    (node.items as Pair[]).splice(insertAt(node.items as Pair[], key, FIELD_ORDER[place]), 0, pair);
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
export function mergeIntoNode(
  doc: Document,
  node: Node | null,
  value: unknown,
  place: MapPlace = "other",
): Node {
  if (node && isMap(node) && isRecord(value)) {
    mergeMap(doc, node, value, place);
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
