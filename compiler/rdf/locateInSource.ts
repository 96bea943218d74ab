/**
 * Problems about the intent's graph are found along the intent tree (`…/icm:hasExpectation/<id>/icm:params/
 * io:site`). When the expression was written as JSON-LD, the same place usually exists in the file too
 * (expectations found by their `@id`, members by name); this turns a tree pointer into that file pointer so
 * that a person can find the line. Where the file's layout differs (flattened, `@graph`, Turtle), the tree
 * pointer is kept: it names the place in the graph. Iterative and bounded.
 */
import { escapePointer } from "../canonicalJson.js";
import { localName } from "../readExpectationNodes.js";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** `pointer` (below `base`) translated into a pointer into `source`, the JSON-LD document at `base`. */
export function locateInSource(source: unknown, base: string, pointer: string): string {
  if (!pointer.startsWith(base) || pointer === base) return pointer;
  const tokens = pointer
    .slice(base.length)
    .split("/")
    .slice(1)
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
  const intent = findIntentNode(source);
  if (!intent) return pointer;
  let current: unknown = intent.value;
  let at = base + intent.pointer;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    for (const keyword of ["@list", "@set"]) {
      if (isObject(current) && Array.isArray(current[keyword]) && keyFor(current, token) === undefined) {
        current = current[keyword];
        at += `/${keyword}`;
      }
    }
    if (Array.isArray(current)) {
      const index = /^\d+$/.test(token)
        ? Number(token)
        : current.findIndex(
            (e) => isObject(e) && typeof e["@id"] === "string" && localName(e["@id"]) === token,
          );
      if (index >= 0 && index < current.length) {
        current = current[index];
        at += `/${index}`;
        continue;
      }
      const holder = current.findIndex((e) => isObject(e) && keyFor(e, token) !== undefined);
      if (holder < 0) return pointer;
      current = current[holder];
      at += `/${holder}`;
    }
    if (!isObject(current)) return pointer;
    const key = keyFor(current, token);
    if (key === undefined) {
      // The token names this very node (an expectation written as a single object, not a list).
      if (typeof current["@id"] === "string" && localName(current["@id"]) === token) continue;
      // A missing member: where it would be written.
      return i === tokens.length - 1 ? `${at}/${escapePointer(token)}` : pointer;
    }
    current = current[key];
    at += `/${escapePointer(key)}`;
  }
  return at;
}

function keyFor(node: Json, token: string): string | undefined {
  const keys = Object.keys(node);
  if (keys.includes(token)) return token;
  if (token.startsWith("@")) return undefined;
  const local = localName(token);
  const matches = keys.filter((k) => !k.startsWith("@") && localName(k) === local);
  return matches.length === 1 ? matches[0] : undefined;
}

/** The JSON object typed as an Intent (breadth-first, at most a few thousand objects looked at). */
function findIntentNode(source: unknown): { value: Json; pointer: string } | undefined {
  const queue: Array<{ value: unknown; pointer: string }> = [{ value: source, pointer: "" }];
  for (let seen = 0; queue.length && seen < 5000; seen++) {
    const { value, pointer } = queue.shift()!;
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) queue.push({ value: v, pointer: `${pointer}/${i}` });
    } else if (isObject(value)) {
      const types = [value["@type"]].flat();
      if (types.some((t) => typeof t === "string" && localName(t) === "Intent")) return { value, pointer };
      for (const key of Object.keys(value)) {
        if (key !== "@context")
          queue.push({ value: value[key], pointer: `${pointer}/${escapePointer(key)}` });
      }
    }
  }
  return undefined;
}
