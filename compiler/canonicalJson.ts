/**
 * Canonical JSON: the one serialisation every digest and every written JSON file goes through.
 *
 * Keys are sorted by UTF-16 code unit order, `undefined` members are dropped, arrays keep their order,
 * and non-finite numbers are refused (JSON cannot carry them, and silently writing `null` would change
 * meaning). Same value → same bytes, on every machine.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Returns a deep copy of `value` with object keys sorted and `undefined` members removed. */
export function canonicalize(value: unknown): Json {
  return canon(value, "");
}

function canon(value: unknown, pointer: string): Json {
  if (value === null) return null;
  switch (typeof value) {
    case "boolean":
    case "string":
      return value;
    case "number":
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonical JSON: non-finite number at ${pointer || "/"}`);
      }
      return Object.is(value, -0) ? 0 : value;
    case "object": {
      if (Array.isArray(value)) {
        return value.map((item, i) => canon(item === undefined ? null : item, `${pointer}/${i}`));
      }
      const out: { [key: string]: Json } = {};
      for (const key of Object.keys(value as object).sort()) {
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined) continue;
        out[key] = canon(member, `${pointer}/${escapePointer(key)}`);
      }
      return out;
    }
    default:
      throw new TypeError(`canonical JSON: cannot serialise a ${typeof value} at ${pointer || "/"}`);
  }
}

/**
 * Serialises `value` canonically. With `indent` (default 2) the output ends with a newline, as a file
 * should; with `indent: 0` it is the compact form used for digests.
 *
 * @example stringifyCanonical({ b: 1, a: [true] }, 0) === '{"a":[true],"b":1}'
 */
export function stringifyCanonical(value: unknown, indent = 2): string {
  const text = JSON.stringify(canonicalize(value), null, indent || undefined);
  return indent ? `${text}\n` : text;
}

/** Escapes one JSON Pointer reference token (RFC 6901). */
export function escapePointer(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Builds a JSON Pointer from reference tokens. */
export function pointerOf(...tokens: (string | number)[]): string {
  return tokens.map((t) => `/${escapePointer(String(t))}`).join("");
}
