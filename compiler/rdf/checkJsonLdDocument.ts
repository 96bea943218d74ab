/**
 * Checks a JSON-LD document before the JSON-LD processor sees it:
 *   - its contexts are inline and small (a remote context is never fetched; a context "bomb" of thousands of
 *     term definitions is refused before it is processed);
 *   - no object names one property twice through different spellings (`"site"` aliased to `io:site` next
 *     to `"io:site"`, or a compact IRI next to its absolute IRI): JSON-LD would merge the two values, so a
 *     second site would silently join the first — the same harm as a duplicate JSON key.
 *
 * Aliases are resolved with every term the document defines anywhere (scoping is not modelled): coarser
 * than the processor, never looser. Iterative: no recursion bounded only by the input.
 */
import { pointerOf } from "../canonicalJson.js";
import type { Problem } from "../errors.js";

/** Most term definitions all the contexts of one document may hold together. */
export const MAX_CONTEXT_TERMS = 256;
/** Most `@context` members one document may hold. */
export const MAX_CONTEXTS = 32;

const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/** RFC 3987 excludes these from IRIs; the JSON-LD processor would drop such a node silently. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const SAFE_IRI = /^[^\s<>"{}|\\^`\u0000-\u001f\u007f-\u009f]+$/u;

export function checkJsonLdDocument(document: Record<string, unknown>, pointer: string): Problem[] {
  const problems: Problem[] = [];
  const contexts: Array<{ value: unknown; pointer: string }> = [];
  const nodes: Array<{ value: Record<string, unknown>; pointer: string }> = [];
  const stack: Array<{ value: unknown; pointer: string }> = [{ value: document, pointer }];
  while (stack.length) {
    const { value, pointer: at } = stack.pop()!;
    // Children are pushed last-first, so nodes are visited in document order.
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], pointer: at + pointerOf(i) });
    } else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      nodes.push({ value: record, pointer: at });
      for (const key of Object.keys(record).reverse()) {
        if (key === "@context") contexts.push({ value: record[key], pointer: at + pointerOf(key) });
        else stack.push({ value: record[key], pointer: at + pointerOf(key) });
      }
    }
  }
  if (contexts.length > MAX_CONTEXTS) {
    return [
      {
        code: "E_CONTEXT_LIMIT",
        pointer,
        message: `the document holds ${contexts.length} @context members; at most ${MAX_CONTEXTS} are accepted`,
      },
    ];
  }
  const terms = new Map<string, string>();
  let termCount = 0;
  const contextStack = [...contexts];
  while (contextStack.length) {
    const { value, pointer: at } = contextStack.pop()!;
    if (value === null) continue;
    if (typeof value === "string") {
      problems.push({
        code: "E_REMOTE_CONTEXT",
        pointer: at,
        message: `remote JSON-LD context ${JSON.stringify(value)} is not fetched; put the context inline`,
      });
      continue;
    }
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) contextStack.push({ value: item, pointer: at + pointerOf(i) });
      continue;
    }
    if (typeof value !== "object") continue; // the processor names the error
    for (const [term, definition] of Object.entries(value as Record<string, unknown>)) {
      termCount++;
      if (term === "@import" && typeof definition === "string") {
        problems.push({
          code: "E_REMOTE_CONTEXT",
          pointer: at + pointerOf(term),
          message: `remote JSON-LD context ${JSON.stringify(definition)} is not fetched; put the context inline`,
        });
      }
      if (typeof definition === "string") terms.set(term, definition);
      else if (definition !== null && typeof definition === "object" && !Array.isArray(definition)) {
        const record = definition as Record<string, unknown>;
        if (typeof record["@id"] === "string") terms.set(term, record["@id"]);
        if (record["@context"] !== undefined) {
          contexts.push({ value: record["@context"], pointer: at + pointerOf(term, "@context") });
          contextStack.push({ value: record["@context"], pointer: at + pointerOf(term, "@context") });
        }
      }
    }
  }
  if (termCount > MAX_CONTEXT_TERMS || contexts.length > MAX_CONTEXTS) {
    return [
      {
        code: "E_CONTEXT_LIMIT",
        pointer,
        message: `the document's contexts hold ${termCount} term definitions in ${contexts.length} context(s); at most ${MAX_CONTEXT_TERMS} terms in ${MAX_CONTEXTS} contexts are accepted`,
      },
    ];
  }
  if (problems.length) return problems;

  const vocab = terms.get("@vocab");
  const resolveId = (id: string): string => {
    const colon = id.indexOf(":");
    const prefix = colon > 0 ? terms.get(id.slice(0, colon)) : undefined;
    return prefix !== undefined && !id.startsWith("//", colon + 1) ? prefix + id.slice(colon + 1) : id;
  };
  const resolve = (key: string): string => {
    let name = key;
    for (let hop = 0; hop < 8; hop++) {
      if (name.startsWith("@")) return name;
      const defined = terms.get(name);
      if (defined !== undefined && defined !== name) {
        name = defined;
        continue;
      }
      const colon = name.indexOf(":");
      if (colon > 0) {
        const prefix = terms.get(name.slice(0, colon));
        if (prefix !== undefined && !name.startsWith("//", colon + 1)) {
          name = prefix + name.slice(colon + 1);
          continue;
        }
        return name;
      }
      return ABSOLUTE_IRI.test(name) || vocab === undefined ? name : vocab + name;
    }
    return name;
  };
  const described = new Map<string, string>();
  for (const node of nodes) {
    const id = node.value["@id"];
    if (typeof id === "string") {
      if (!SAFE_IRI.test(id)) {
        problems.push({
          code: "E_UNSAFE_ID",
          pointer: node.pointer + pointerOf("@id"),
          message: `@id ${JSON.stringify(id.slice(0, 80))} is not an IRI (no spaces, quotes, angle brackets or control characters)`,
        });
      } else if (Object.keys(node.value).some((k) => k !== "@id" && k !== "@context")) {
        const iri = resolveId(id);
        const first = described.get(iri);
        if (first !== undefined) {
          problems.push({
            code: "E_DUPLICATE_ID",
            pointer: node.pointer + pointerOf("@id"),
            message: `node ${JSON.stringify(id)} is described twice (also at ${first}); JSON-LD would merge the two descriptions silently`,
          });
        } else described.set(iri, node.pointer);
      }
    }
    const seen = new Map<string, string>();
    for (const key of Object.keys(node.value)) {
      if (key === "@context") continue;
      if (!SAFE_IRI.test(key)) {
        problems.push({
          code: "E_UNSAFE_KEY",
          pointer: node.pointer + pointerOf(key),
          message: `member name ${JSON.stringify(key.slice(0, 80))} names no IRI (spaces, quotes, angle brackets and control characters are not allowed in one)`,
        });
        continue;
      }
      const iri = resolve(key);
      const first = seen.get(iri);
      if (first !== undefined) {
        problems.push({
          code: "E_DUPLICATE_KEY",
          pointer: node.pointer + pointerOf(key),
          message: `members ${JSON.stringify(first)} and ${JSON.stringify(key)} both name ${JSON.stringify(iri)}; JSON-LD would merge them silently`,
        });
      } else seen.set(iri, key);
    }
  }
  return problems;
}
