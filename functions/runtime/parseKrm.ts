/**
 * Reads KRM YAML (a file of one or more documents) into plain objects linked to their YAML documents.
 */
import { type Document, isMap, isNode, isPair, parseAllDocuments, visit } from "yaml";
import { pointerOf } from "../../compiler/canonicalJson.js";
import { KrmParseError } from "./errors.js";
import { attachSource } from "./sourceNode.js";
import type { KrmObject } from "./types.js";
import { PARSE_OPTIONS } from "./yamlOptions.js";

/** One object read from a file, with its document index (empty documents do not count). */
export interface ParsedKrm {
  object: KrmObject;
  index: number;
}

/** `kustomization.yaml` / `.yml`: read and handed to functions like KRM although it need not be KRM (as kpt does). */
export function isKustomizationFile(path: string | undefined): boolean {
  if (path === undefined) return false;
  const base = path.slice(path.lastIndexOf("/") + 1);
  return base === "kustomization.yaml" || base === "kustomization.yml";
}

/** True for an item without apiVersion or kind (only a kustomization file may be one). */
export function isNonKrm(obj: { apiVersion?: unknown; kind?: unknown }): boolean {
  return typeof obj.apiVersion !== "string" || typeof obj.kind !== "string";
}

/**
 * Checks an item of a ResourceList: KRM, except that a kustomization file (known by its path
 * annotation) only has to be a mapping.
 */
export function assertResourceItem(value: unknown, where: string): asserts value is KrmObject {
  const annotations = (value as { metadata?: { annotations?: Record<string, unknown> } } | null)?.metadata
    ?.annotations;
  const path =
    annotations?.["internal.config.kubernetes.io/path"] ?? annotations?.["config.kubernetes.io/path"];
  if (typeof path === "string" && isKustomizationFile(path)) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new KrmParseError(`${where}: not a mapping`);
    }
    const record = value as Record<string, unknown>;
    if (record["metadata"] === undefined || record["metadata"] === null) record["metadata"] = {};
    return;
  }
  assertKrmObject(value, where);
}

/** Checks the minimal KRM shape (apiVersion, kind, metadata) and throws a clear error otherwise. */
export function assertKrmObject(value: unknown, where: string, file?: string): asserts value is KrmObject {
  const fail = (message: string) => {
    throw new KrmParseError(`${where}: ${message}`, file === undefined ? {} : { file });
  };
  if (value === null || typeof value !== "object" || Array.isArray(value)) fail("not a mapping");
  const record = value as Record<string, unknown>;
  if (typeof record["apiVersion"] !== "string" || record["apiVersion"] === "") fail("missing apiVersion");
  if (typeof record["kind"] !== "string" || record["kind"] === "") fail("missing kind");
  const metadata = record["metadata"];
  if (metadata === undefined || metadata === null) record["metadata"] = {};
  else if (typeof metadata !== "object" || Array.isArray(metadata)) fail("metadata is not a mapping");
}

const KEY_LINE_COMMENT = /^[ \t]*:[ \t]*#([^\n]*)/;

/**
 * The parser gives an end-of-line comment after a key whose value is a map or a list
 * (`spec: # note`) to the value, as the comment above its first entry; written back it would move
 * onto its own line (and kpt, reading that, keeps both copies on every run). Reading the source text
 * tells the two apart: such a comment becomes the key's own comment, which is written after `key:`.
 */
function keepKeyLineComments(doc: Document, text: string): void {
  visit(doc, {
    Pair(_key, pair) {
      if (!isPair(pair) || !isNode(pair.key) || !isNode(pair.value)) return;
      const value = pair.value;
      const end = pair.key.range?.[1];
      if (!value.commentBefore || end === undefined) return;
      const match = KEY_LINE_COMMENT.exec(text.slice(end));
      if (!match) return;
      const [first, ...rest] = value.commentBefore.split("\n");
      if (first === undefined || first.trimEnd() !== (match[1] ?? "").trimEnd()) return;
      pair.key.comment = pair.key.comment ? `${pair.key.comment}\n${first}` : first;
      value.commentBefore = rest.length > 0 ? rest.join("\n") : undefined;
    },
  });
}

/** Parses YAML text into documents, turning the first syntax error into a `KrmParseError`. */
export function parseYamlDocuments(text: string, file?: string): Document[] {
  const docs = parseAllDocuments(text, PARSE_OPTIONS);
  if (!Array.isArray(docs)) return [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) throw new KrmParseError(error.message, file === undefined ? {} : { file });
    keepKeyLineComments(doc as Document, text);
  }
  return docs as Document[];
}

/**
 * Parses one KRM file. Empty documents are skipped (they do not take an index), as kyaml does.
 * With `requireKrm: false` the documents only have to be mappings (for kustomization files).
 *
 * @example parseKrmFile("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", "cm.yaml")[0].object.kind === "ConfigMap"
 */
export function parseKrmFile(
  text: string,
  file?: string,
  options: { requireKrm?: boolean } = {},
): ParsedKrm[] {
  const { requireKrm = true } = options;
  const out: ParsedKrm[] = [];
  for (const doc of parseYamlDocuments(text, file)) {
    if (doc.contents === null) continue;
    if (!isMap(doc.contents)) {
      throw new KrmParseError(`document ${out.length}: not a mapping`, file === undefined ? {} : { file });
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
    if (requireKrm) assertKrmObject(value, `document ${out.length}${pointerOf()}`, file);
    else if (value["metadata"] === undefined || value["metadata"] === null) value["metadata"] = {};
    out.push({ object: attachSource(value as KrmObject, doc), index: out.length });
  }
  return out;
}
