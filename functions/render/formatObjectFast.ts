/**
 * formatObjectFast: the bytes of `formatObject`, without building a `yaml` Document.
 *
 * `formatObject` canonicalises an object, builds a `yaml` AST, marks ambiguous scalars and stringifies
 * it; for a package of plain data that is most of a render's CPU time. This emitter writes the same
 * block-style YAML directly for the subset that generated objects live in: plain objects and arrays,
 * finite numbers, booleans, null, and strings without a line break. Anything else (a multi-line string,
 * a string `yaml` would write as a block or fold, a key longer than `yaml`'s implicit-key limit, a
 * non-plain object) makes it hand the whole object to `formatObject`, so the output is identical by
 * construction for the fallback and by the rules below (ported from `yaml` 2.x `stringifyString`) for
 * the rest. `test/render/formatObjectFast.test.ts` checks identity with fast-check over generated
 * objects, tricky strings and every object of the example packages.
 */
import { formatObject } from "../runtime/formatObject.js";
import { isAmbiguousString } from "../runtime/yamlOptions.js";

const TOP_ORDER = ["apiVersion", "kind", "metadata"];
const METADATA_ORDER = ["name", "namespace", "labels", "annotations"];
/** `yaml` writes a key longer than this as an explicit `? key` entry. */
const IMPLICIT_KEY_MAX = 1024;

/**
 * Written form of keys seen before: the same few hundred keys (apiVersion, labels, …) recur in every
 * object. A pure function's memo, bounded so a stream of unique keys cannot grow it without limit.
 */
const KEY_TEXT = new Map<string, string>();
const KEY_TEXT_MAX = 10_000;

/** Thrown inside the emitter when the value leaves the supported subset; never escapes this module. */
class Unsupported extends Error {}
const UNSUPPORTED = new Unsupported("outside the fast subset");

/**
 * Formats one KRM object exactly as `formatObject` does (same bytes), faster for plain data.
 *
 * @example formatObjectFast({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } })
 * // "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
 */
export function formatObjectFast(obj: unknown): string {
  if (!isPlainObject(obj)) return formatObject(obj);
  try {
    const out: string[] = [];
    const written = writeMap(obj, "", 0, false, out);
    if (!written) return formatObject(obj);
    return out.join("");
  } catch (error) {
    if (error instanceof Unsupported) return formatObject(obj);
    throw error;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Key order of `formatObject`, `undefined` members dropped. `canonicalizeObject` inserts the keys in its
 * order into a new object, and JavaScript enumerates array-index keys ("0", "17") first, in numeric
 * order, whatever the insertion order, so the same happens here.
 */
function orderedKeys(record: Record<string, unknown>, depth: number, inMetadata: boolean): string[] {
  const keys = Object.keys(record).filter((k) => record[k] !== undefined);
  const ordered =
    depth === 0 ? withHead(keys, TOP_ORDER) : inMetadata ? withHead(keys, METADATA_ORDER) : keys.sort();
  if (!ordered.some(isArrayIndex)) return ordered;
  const indexes = ordered.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
  return [...indexes, ...ordered.filter((k) => !isArrayIndex(k))];
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;
function isArrayIndex(key: string): boolean {
  return ARRAY_INDEX.test(key) && Number(key) < 4_294_967_295;
}

function withHead(keys: string[], first: readonly string[]): string[] {
  const head = first.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !first.includes(k)).sort();
  return [...head, ...rest];
}

/**
 * Writes the entries of a non-empty map, each line starting with `indent` (the first line's indent is
 * left to the caller when `firstInline`, as after `- `). Returns false for an empty map (`{}`).
 */
function writeMap(
  record: Record<string, unknown>,
  indent: string,
  depth: number,
  inMetadata: boolean,
  out: string[],
  firstInline = false,
): boolean {
  const keys = orderedKeys(record, depth, inMetadata);
  if (keys.length === 0) return false;
  let first = true;
  for (const key of keys) {
    let keyText = KEY_TEXT.get(key);
    if (keyText === undefined) {
      keyText = scalarString(key);
      if (KEY_TEXT.size < KEY_TEXT_MAX) KEY_TEXT.set(key, keyText);
    }
    if (keyText.length > IMPLICIT_KEY_MAX) throw UNSUPPORTED;
    out.push(first && firstInline ? "" : indent, keyText, ":");
    first = false;
    writeValue(record[key], indent, depth + 1, depth === 0 && key === "metadata", out, true);
  }
  return true;
}

/** Writes ` value\n` or `\n` + nested block for the value of a map entry (`inMap`) or a sequence item. */
function writeValue(
  value: unknown,
  indent: string,
  depth: number,
  inMetadata: boolean,
  out: string[],
  inMap: boolean,
): void {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(" []\n");
      return;
    }
    if (inMap) {
      // indentSeq: false — a sequence under a key starts at the key's own indent.
      out.push("\n");
      writeSeq(value, indent, depth, out, false);
    } else {
      out.push(" ");
      writeSeq(value, `${indent}  `, depth, out, true);
    }
    return;
  }
  if (value !== null && typeof value === "object") {
    if (!isPlainObject(value)) throw UNSUPPORTED;
    const keys = orderedKeys(value, depth, inMetadata);
    if (keys.length === 0) {
      out.push(" {}\n");
      return;
    }
    if (inMap) {
      out.push("\n");
      writeMap(value, `${indent}  `, depth, inMetadata, out);
    } else {
      out.push(" ");
      writeMap(value, `${indent}  `, depth, inMetadata, out, true);
    }
    return;
  }
  out.push(" ", scalar(value), "\n");
}

function writeSeq(
  items: unknown[],
  indent: string,
  depth: number,
  out: string[],
  firstInline: boolean,
): void {
  let first = true;
  for (const raw of items) {
    out.push(first && firstInline ? "-" : `${indent}-`);
    first = false;
    // formatObject writes an undefined array member as null, like JSON.
    writeValue(raw === undefined ? null : raw, indent, depth + 1, false, out, false);
  }
}

function scalar(value: unknown): string {
  switch (typeof value) {
    case "string":
      return scalarString(value);
    case "number":
      if (!Number.isFinite(value)) throw UNSUPPORTED; // formatObject throws its own TypeError
      return Object.is(value, -0) ? "-0" : JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      throw UNSUPPORTED;
    default:
      throw UNSUPPORTED;
  }
}

// From yaml 2.x stringifyString: characters that force double quotes, and the plain-scalar rule.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const FORCE_DOUBLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
const SIMPLE = /^[A-Za-z][A-Za-z0-9_./-]*$/;

/**
 * One string, as a key or a value: without line breaks both follow the same rules. Line breaks are left
 * to `yaml` (block scalars, escaped folds).
 */
function scalarString(value: string): string {
  // Most strings are names, label keys, images: letters first, then no space, quote or colon. Such a
  // string is plain unless it is one of the short ambiguous words (`yes`, `off`, `false`, …).
  if (SIMPLE.test(value) && (value.length > 5 || !isAmbiguousString(value))) return value;
  if (value.includes("\n")) throw UNSUPPORTED;
  // formatObject marks ambiguous strings QUOTE_DOUBLE before stringifying.
  if (isAmbiguousString(value) || FORCE_DOUBLE.test(value)) return doubleQuoted(value);
  if (NOT_PLAIN.test(value)) return quoted(value);
  // A document marker is written plain at any depth above the root, quoted or as a block elsewhere;
  // rare enough to leave to yaml.
  if (DOCUMENT_MARKER.test(value)) throw UNSUPPORTED;
  return value;
}

/** yaml's `quotedString` with `singleQuote` unset: single quotes only when the value has `"` and no `'`. */
function quoted(value: string): string {
  if (value.includes('"') && !value.includes("'")) return `'${value.replace(/'/g, "''")}'`;
  return doubleQuoted(value);
}

/** yaml's `doubleQuotedString` for a value without line breaks: JSON, with YAML's short escapes. */
function doubleQuoted(value: string): string {
  const json = JSON.stringify(value);
  if (!json.includes("\\u")) return json;
  return json.replace(/\\(u([0-9a-fA-F]{4})|.)/g, (match, _escape: string, code: string | undefined) => {
    if (code === undefined) return match;
    switch (code) {
      case "0000":
        return "\\0";
      case "0007":
        return "\\a";
      case "000b":
        return "\\v";
      case "001b":
        return "\\e";
      case "0085":
        return "\\N";
      case "00a0":
        return "\\_";
      case "2028":
        return "\\L";
      case "2029":
        return "\\P";
      default:
        return code.startsWith("00") ? `\\x${code.slice(2)}` : match;
    }
  });
}
