/**
 * Writes the objects of one package file back to YAML text. Objects that still carry their source
 * document are merged into it (comments, order and quoting survive); new objects are formatted
 * canonically. Transient annotations (path, index, package-path, ids) are never written.
 */
import { Document, isDocument, type Node } from "yaml";
import { stripTransientAnnotations } from "./annotations.js";
import { objectDocument } from "./formatObject.js";
import { mergeIntoNode } from "./mergeIntoNode.js";
import { sourceOf } from "./sourceNode.js";
import type { KrmObject } from "./types.js";
import { STRINGIFY_OPTIONS } from "./yamlOptions.js";

/** Options of `serializeKrmFile`. */
export interface SerializeKrmFileOptions {
  /** Sequence style: `false` (default) writes `- item` at the key's indentation, `true` indents it. */
  indentSeq?: boolean;
  /** Set when the caller owns the objects and already stripped them: skips a defensive deep copy. */
  owned?: boolean;
}

function documentFor(obj: KrmObject, used: Set<unknown>, owned: boolean): Document {
  const clean = owned ? obj : structuredClone(obj);
  if (!owned) stripTransientAnnotations(clean);
  const source = sourceOf(obj);
  if (source && !used.has(source)) {
    used.add(source);
    if (isDocument(source)) {
      source.contents = mergeIntoNode(source, source.contents as Node | null, clean);
      if (source.directives) source.directives.docStart = null;
      return source;
    }
    const doc = new Document(null, { version: "1.2" });
    doc.contents = mergeIntoNode(doc, source, clean);
    return doc;
  }
  return objectDocument(clean);
}

/**
 * Serialises the objects of one file, in the given order, separated by `---`.
 *
 * @example serializeKrmFile([configMap]) // "apiVersion: v1\nkind: ConfigMap\n..."
 */
export function serializeKrmFile(objs: readonly KrmObject[], options: SerializeKrmFileOptions = {}): string {
  const { indentSeq = false, owned = false } = options;
  const used = new Set<unknown>();
  return objs
    .map((obj) => documentFor(obj, used, owned).toString({ ...STRINGIFY_OPTIONS, indentSeq }))
    .join("---\n");
}

/** Guesses a file's sequence style: `true` when block sequences are indented under their key. */
export function detectIndentSeq(text: string): boolean | undefined {
  // `key:` (maybe with a comment), then maybe comment lines, then the first `- ` item.
  const match = /^( *)[^\s#-][^\n]*:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*#[^\n]*\n)*\1( *)- /m.exec(text);
  if (!match) return undefined;
  return (match[2] ?? "").length > 0;
}
