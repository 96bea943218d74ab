/**
 * Reads KRM YAML (a file of one or more documents) into plain objects linked to their YAML documents.
 */
import { type Document, isMap, parseAllDocuments } from "yaml";
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

/** Parses YAML text into documents, turning the first syntax error into a `KrmParseError`. */
export function parseYamlDocuments(text: string, file?: string): Document[] {
  const docs = parseAllDocuments(text, PARSE_OPTIONS);
  if (!Array.isArray(docs)) return [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) throw new KrmParseError(error.message, file === undefined ? {} : { file });
  }
  return docs as Document[];
}

/**
 * Parses one KRM file. Empty documents are skipped (they do not take an index), as kyaml does.
 *
 * @example parseKrmFile("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", "cm.yaml")[0].object.kind === "ConfigMap"
 */
export function parseKrmFile(text: string, file?: string): ParsedKrm[] {
  const out: ParsedKrm[] = [];
  for (const doc of parseYamlDocuments(text, file)) {
    if (doc.contents === null) continue;
    if (!isMap(doc.contents)) {
      throw new KrmParseError(`document ${out.length}: not a mapping`, file === undefined ? {} : { file });
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    assertKrmObject(value, `document ${out.length}${pointerOf()}`, file);
    out.push({ object: attachSource(value, doc), index: out.length });
  }
  return out;
}
