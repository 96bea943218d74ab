/**
 * Checks the structure of JSON text before it is parsed, with no recursion at all (the nesting is kept
 * in an explicit stack, so 10,000 unclosed brackets cost a loop, not the call stack): nesting depth,
 * duplicate member names (JSON.parse would silently keep the last one) and forbidden member names.
 * Tokens come from jsonc-parser's scanner; the grammar itself is checked afterwards by JSON.parse.
 */
import { createScanner } from "jsonc-parser";
import { pointerOf } from "./canonicalJson.js";
import type { Problem } from "./errors.js";

// jsonc-parser's SyntaxKind is a const enum; its values are part of its public API.
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const COMMA = 5;
const COLON = 6;
const STRING = 10;
const EOF = 17;

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
/** At most this many problems are listed; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 50;

interface Frame {
  kind: "object" | "array";
  /** Pointer tokens of this container. */
  path: (string | number)[];
  keys?: Set<string>;
  index: number;
  /** The member name just read, waiting for its value. */
  key?: string;
  /** Inside a member already refused: nothing more is reported below it. */
  refused: boolean;
  keyRefused?: boolean;
  expectKey: boolean;
}

/** Returns the structural problems of `text` (empty when depth, names and keys are fine). */
export function scanJsonStructure(text: string, maxDepth: number): Problem[] {
  const scanner = createScanner(text, true);
  const stack: Frame[] = [];
  const problems: Problem[] = [];
  const push = (problem: Problem) => {
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push(problem);
  };
  const childPath = (): (string | number)[] => {
    const top = stack[stack.length - 1];
    if (!top) return [];
    return top.kind === "object" ? [...top.path, top.key ?? ""] : [...top.path, top.index];
  };
  for (let token = scanner.scan(); token !== EOF; token = scanner.scan()) {
    const top = stack[stack.length - 1];
    if (token === OPEN_BRACE || token === OPEN_BRACKET) {
      if (stack.length >= maxDepth) {
        return [
          {
            code: "E_TOO_DEEP",
            pointer: pointerOf(...childPath()),
            message: `nesting deeper than ${maxDepth} levels is not accepted (at ${lineColumn(text, scanner.getTokenOffset())})`,
          },
        ];
      }
      stack.push({
        kind: token === OPEN_BRACE ? "object" : "array",
        path: childPath(),
        index: 0,
        expectKey: token === OPEN_BRACE,
        refused: top ? top.refused || (top.kind === "object" && top.keyRefused === true) : false,
        ...(token === OPEN_BRACE ? { keys: new Set<string>() } : {}),
      });
    } else if (token === CLOSE_BRACE || token === CLOSE_BRACKET) {
      stack.pop();
    } else if (token === COMMA) {
      if (top?.kind === "array") top.index++;
      else if (top) top.expectKey = true;
    } else if (token === COLON) {
      if (top) top.expectKey = false;
    } else if (token === STRING && top?.kind === "object" && top.expectKey) {
      const key = scanner.getTokenValue();
      top.key = key;
      top.keyRefused = false;
      // The pointer is built only for a problem: building it for every member name cost more than the scan.
      const pointer = () => pointerOf(...top.path, key);
      if (top.refused) {
        // below a refused member
      } else if (FORBIDDEN_KEYS.has(key)) {
        top.keyRefused = true;
        push({
          code: "E_FORBIDDEN_KEY",
          pointer: pointer(),
          message: `the member name ${JSON.stringify(key)} is not accepted (it could alter object prototypes)`,
        });
      } else if (top.keys!.has(key)) {
        push({
          code: "E_DUPLICATE_KEY",
          pointer: pointer(),
          message: `member ${JSON.stringify(key)} appears twice in one object (${lineColumn(text, scanner.getTokenOffset())}); JSON parsers would silently keep only one of them`,
        });
      }
      top.keys!.add(key);
    }
  }
  return problems;
}

/** `line L, column C` (1-based) of `offset` in `text`. */
export function lineColumn(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return `line ${line}, column ${offset - start + 1}`;
}
