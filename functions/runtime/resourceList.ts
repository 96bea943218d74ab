/**
 * Reads and writes `config.kubernetes.io/v1` `ResourceList` text (the wire format of exec functions).
 * Items keep a link to their YAML nodes, so a function's edits are merged back with comments intact.
 */
import { Document, isDocument, isMap, isNode, isSeq, type Node, YAMLMap, YAMLSeq } from "yaml";
import { KrmParseError } from "./errors.js";
import { canonicalizeObject } from "./formatObject.js";
import { mergeIntoNode } from "./mergeIntoNode.js";
import { assertResourceItem, parseYamlDocuments } from "./parseKrm.js";
import { attachSource, sourceOf } from "./sourceNode.js";
import type { KrmObject, ResourceList, Result } from "./types.js";
import { quoteAmbiguousScalars, STRINGIFY_OPTIONS } from "./yamlOptions.js";

/** apiVersion and kind of the wire format (the legacy `config.kubernetes.io/v1alpha1` is accepted on read). */
export const RESOURCE_LIST_API_VERSION = "config.kubernetes.io/v1";

function toObject(doc: Document, node: Node, where: string): KrmObject {
  const value = node.toJS(doc, { maxAliasCount: 100 }) as unknown;
  assertResourceItem(value, where);
  return attachSource(value, node);
}

/**
 * Parses ResourceList text.
 *
 * @example parseResourceList("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n").items.length === 0
 */
export function parseResourceList(text: string): ResourceList {
  const docs = parseYamlDocuments(text);
  const doc = docs.find((d) => d.contents !== null);
  if (!doc || !isMap(doc.contents)) throw new KrmParseError("input is not a ResourceList mapping");
  const root = doc.contents;
  const kind = root.get("kind");
  const apiVersion = root.get("apiVersion");
  if (
    kind !== "ResourceList" ||
    typeof apiVersion !== "string" ||
    !apiVersion.startsWith("config.kubernetes.io/")
  ) {
    throw new KrmParseError(
      `input must be a config.kubernetes.io/v1 ResourceList, got ${String(apiVersion)} ${String(kind)}`,
    );
  }
  const itemsNode = root.get("items", true);
  const items: KrmObject[] = [];
  if (itemsNode !== undefined && itemsNode !== null) {
    if (!isSeq(itemsNode)) throw new KrmParseError("items is not a sequence");
    itemsNode.items.forEach((item, i) => {
      items.push(toObject(doc, item as Node, `items/${i}`));
    });
  }
  const rl: ResourceList = { apiVersion: RESOURCE_LIST_API_VERSION, kind: "ResourceList", items };
  const fc = root.get("functionConfig", true);
  if (fc !== undefined && fc !== null && isMap(fc) && fc.items.length > 0) {
    rl.functionConfig = toObject(doc, fc, "functionConfig");
  }
  const results = root.get("results", true);
  if (results !== undefined && results !== null) rl.results = (results as Node).toJS(doc) as Result[];
  return rl;
}

function nodeFor(doc: Document, obj: KrmObject, used: Set<unknown>): Node {
  const source = sourceOf(obj);
  const node = source && isDocument(source) ? (source.contents as Node | null) : (source as Node | undefined);
  if (node && !used.has(node)) {
    used.add(node);
    return mergeIntoNode(doc, node, obj);
  }
  const fresh = doc.createNode(canonicalizeObject(obj), { aliasDuplicateObjects: false }) as Node;
  quoteAmbiguousScalars(fresh);
  return fresh;
}

// A comment above an item would be written above its `-` line, where kyaml reads it as belonging to
// the list rather than to the object (and kpt then writes it twice); keep it inside the item instead.
function keepHeadCommentInside(node: Node): Node {
  if (isMap(node) && node.commentBefore && node.items.length > 0) {
    const first = node.items[0]?.key;
    if (isNode(first)) {
      const keyNode = first as Node;
      keyNode.commentBefore = keyNode.commentBefore
        ? `${node.commentBefore}\n${keyNode.commentBefore}`
        : node.commentBefore;
      node.commentBefore = undefined;
    }
  }
  return node;
}

/**
 * Serialises a ResourceList. Items read by `parseResourceList` keep their comments.
 *
 * @example serializeResourceList({ apiVersion: "config.kubernetes.io/v1", kind: "ResourceList", items: [] })
 */
export function serializeResourceList(rl: ResourceList): string {
  const doc = new Document(null, { version: "1.2", aliasDuplicateObjects: false });
  const used = new Set<unknown>();
  const root = new YAMLMap();
  root.set("apiVersion", RESOURCE_LIST_API_VERSION);
  root.set("kind", "ResourceList");
  const items = new YAMLSeq();
  for (const item of rl.items) items.items.push(keepHeadCommentInside(nodeFor(doc, item, used)));
  root.set("items", items);
  if (rl.functionConfig) root.set("functionConfig", nodeFor(doc, rl.functionConfig, used));
  if (rl.results && rl.results.length > 0) {
    const results = doc.createNode(rl.results.map((r) => canonicalizeObject(r))) as Node;
    quoteAmbiguousScalars(results);
    root.set("results", results);
  }
  doc.contents = root;
  return doc.toString(STRINGIFY_OPTIONS);
}
