/**
 * Parses untrusted JSON text into a value, refusing what could hurt later stages: oversized input,
 * bytes that are not UTF-8, deep nesting, duplicate member names, and keys that would pollute prototypes
 * (`__proto__`, `constructor`, `prototype`). The structure is checked by an iterative scanner before
 * JSON.parse runs, so no input can exhaust the call stack. Every refusal is a `Problem` with a JSON
 * pointer; the parser never throws on bad input.
 */
import { pointerOf } from "./canonicalJson.js";
import type { Problem } from "./errors.js";
import { locateJsonError } from "./locateJsonError.js";
import { scanJsonStructure } from "./scanJsonStructure.js";

export interface ParseLimits {
  /** Largest accepted input, in bytes (UTF-8). Default 1 MiB. */
  maxBytes?: number;
  /** Deepest accepted nesting of objects and arrays. Default 64. */
  maxDepth?: number;
}

export const DEFAULT_LIMITS = { maxBytes: 1024 * 1024, maxDepth: 64 } as const;

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export type ParseResult = { ok: true; value: unknown } | { ok: false; problems: Problem[] };

/**
 * @example parseJsonSafely('{"name":"x"}') → { ok: true, value: { name: "x" } }
 */
export function parseJsonSafely(input: string | Uint8Array, limits: ParseLimits = {}): ParseResult {
  const { maxBytes = DEFAULT_LIMITS.maxBytes, maxDepth = DEFAULT_LIMITS.maxDepth } = limits;
  // A string of n UTF-16 units is at most 3n UTF-8 bytes: only a string that could be too large is encoded.
  const size =
    typeof input !== "string"
      ? input.length
      : input.length * 3 <= maxBytes
        ? 0
        : new TextEncoder().encode(input).length;
  if (size > maxBytes) {
    return fail("E_TOO_LARGE", "", `the input is ${size} bytes; the limit is ${maxBytes} bytes`);
  }
  const decoded = decodeUtf8(input);
  if (!decoded.ok) return decoded;
  const text = decoded.text;
  if (text.includes("\u0000")) {
    const at = text.indexOf("\u0000");
    return fail("E_SYNTAX", "", `the input contains a NUL character at ${lineColumn(text, at)}`);
  }
  const structural = scanJsonStructure(text, maxDepth);
  if (structural.length) return { ok: false, problems: structural };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail("E_SYNTAX", "", `malformed JSON: ${describeSyntaxError(text, error)}`);
  }
  const problems: Problem[] = [];
  inspect(value, [], 0, maxDepth, problems);
  return problems.length ? { ok: false, problems } : { ok: true, value };
}

/** Checks depth and forbidden keys of an already-parsed value (e.g. a request body parsed elsewhere). */
export function inspectParsed(value: unknown, limits: ParseLimits = {}): Problem[] {
  const problems: Problem[] = [];
  inspect(value, [], 0, limits.maxDepth ?? DEFAULT_LIMITS.maxDepth, problems);
  return problems;
}

function inspect(
  value: unknown,
  path: (string | number)[],
  depth: number,
  maxDepth: number,
  out: Problem[],
): void {
  if (typeof value === "number" && !Number.isFinite(value)) {
    out.push({
      code: "E_VALUE",
      pointer: pointerOf(...path),
      message: "the number is too large for any parameter (it is not finite once parsed)",
    });
    return;
  }
  if (value === null || typeof value !== "object") return;
  if (depth >= maxDepth) {
    out.push({
      code: "E_TOO_DEEP",
      pointer: pointerOf(...path),
      message: `nesting deeper than ${maxDepth} levels is not accepted`,
    });
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) inspect(value[i], [...path, i], depth + 1, maxDepth, out);
    return;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) {
      out.push({
        code: "E_FORBIDDEN_KEY",
        pointer: pointerOf(...path, key),
        message: `the key "${key}" is not accepted (it could alter object prototypes)`,
      });
      continue;
    }
    inspect((value as Record<string, unknown>)[key], [...path, key], depth + 1, maxDepth, out);
  }
}

/**
 * Bytes are decoded strictly (invalid UTF-8 is an error, not U+FFFD); text must not hold unpaired
 * surrogates (which no UTF-8 file can produce).
 */
function decodeUtf8(
  input: string | Uint8Array,
): { ok: true; text: string } | Extract<ParseResult, { ok: false }> {
  if (typeof input !== "string") {
    try {
      return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(input) };
    } catch {
      const lenient = new TextDecoder("utf-8").decode(input);
      const at = lenient.indexOf("\uFFFD");
      return {
        ok: false,
        problems: [
          {
            code: "E_ENCODING",
            pointer: "",
            message: `the input is not valid UTF-8 (first bad byte sequence near ${lineColumn(lenient, Math.max(at, 0))})`,
          },
        ],
      };
    }
  }
  const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(input);
  if (lone) {
    return {
      ok: false,
      problems: [
        {
          code: "E_ENCODING",
          pointer: "",
          message: `the input holds an unpaired UTF-16 surrogate at ${lineColumn(input, lone.index)} (not valid Unicode text)`,
        },
      ],
    };
  }
  return { ok: true, text: input };
}

function describeSyntaxError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Node's message may quote the input (newlines and all); keep only its first clause.
  const base = message
    .replace(/ in JSON at position \d+.*$/s, "")
    .replace(/, ".*" is not valid JSON$/s, "")
    .replace(/^JSON\.parse: /, "")
    .split("\n")[0]!;
  const offset = locateJsonError(text);
  return `${base} at ${lineColumn(text, offset < 0 ? text.length : offset)}`;
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}

function fail(code: string, pointer: string, message: string): ParseResult {
  return { ok: false, problems: [{ code, pointer, message }] };
}
