/**
 * stringifyCanonicalFast: the bytes of `stringifyCanonical(value, 0)` (compiler/canonicalJson.ts), built
 * in one pass. The generic version copies the value and builds a JSON pointer per member for its error
 * messages; the render computes one input digest per package over the whole compiled intent, where
 * that copy is measurable. Anything unusual (a non-finite number, a function, a bigint) is handed to
 * `stringifyCanonical`, which throws its own error. `test/render/stringifyCanonicalFast.test.ts`
 * checks identity with fast-check.
 */
import { stringifyCanonical } from "../../compiler/canonicalJson.js";

class Unsupported extends Error {}
const UNSUPPORTED = new Unsupported("outside the fast subset");

/**
 * Compact canonical JSON, byte-identical to `stringifyCanonical(value, 0)`.
 * @example stringifyCanonicalFast({ b: 1, a: [true] }) === '{"a":[true],"b":1}'
 */
export function stringifyCanonicalFast(value: unknown): string {
  try {
    const out: string[] = [];
    write(value, out);
    return out.join("");
  } catch (error) {
    if (error instanceof Unsupported) return stringifyCanonical(value, 0);
    throw error;
  }
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;
const isArrayIndex = (key: string) => ARRAY_INDEX.test(key) && Number(key) < 4_294_967_295;

function write(value: unknown, out: string[]): void {
  if (value === null) {
    out.push("null");
    return;
  }
  switch (typeof value) {
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "number":
      if (!Number.isFinite(value)) throw UNSUPPORTED;
      out.push(Object.is(value, -0) ? "0" : JSON.stringify(value));
      return;
    case "object": {
      if (Array.isArray(value)) {
        out.push("[");
        for (let i = 0; i < value.length; i++) {
          if (i) out.push(",");
          write(value[i] === undefined ? null : value[i], out);
        }
        out.push("]");
        return;
      }
      const record = value as Record<string, unknown>;
      // `canonicalize` inserts the sorted keys into a fresh object: array-index keys then enumerate
      // first, in numeric order, and a `__proto__` member sets the copy's prototype instead of
      // becoming a key, so it never appears. Both are mirrored here.
      let keys = Object.keys(record)
        .sort()
        .filter((k) => record[k] !== undefined && k !== "__proto__");
      if (keys.some(isArrayIndex)) {
        keys = [
          ...keys.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b)),
          ...keys.filter((k) => !isArrayIndex(k)),
        ];
      }
      out.push("{");
      keys.forEach((key, i) => {
        out.push(i ? "," : "", JSON.stringify(key), ":");
        write(record[key], out);
      });
      out.push("}");
      return;
    }
    default:
      throw UNSUPPORTED;
  }
}
