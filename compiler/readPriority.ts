/**
 * TMF921 v5 `priority` is a free string ("1", "CRITICAL", "High"); TS 28.312 `intentPriority` is a whole
 * number from 1 to 100. A number is taken as it is; a word is read through one documented table
 * (intents/README.md, "Priority"); anything else is an error naming the table.
 */
import type { Problem } from "./errors.js";
import type { DeltaEntry } from "./types.js";

/** Priority words (case-insensitive) → TS 28.312 intentPriority. */
export const PRIORITY_WORDS: ReadonlyMap<string, number> = new Map([
  ["critical", 100],
  ["highest", 90],
  ["urgent", 90],
  ["high", 75],
  ["medium", 50],
  ["normal", 50],
  ["default", 50],
  ["low", 25],
  ["lowest", 10],
]);

export function readPriority(raw: unknown, problems: Problem[], delta: DeltaEntry[]): number | undefined {
  if (typeof raw !== "string") return undefined;
  const text = raw.trim();
  if (/^\d{1,3}$/.test(text)) {
    const value = Number(text);
    if (value >= 1 && value <= 100) return value;
  } else {
    const word = PRIORITY_WORDS.get(text.toLowerCase());
    if (word !== undefined) {
      delta.push({
        pointer: "/priority",
        reason: `priority ${JSON.stringify(raw)} read as intentPriority ${word}`,
      });
      return word;
    }
  }
  problems.push({
    code: "E_RANGE",
    pointer: "/priority",
    message: `priority ${JSON.stringify(raw.slice(0, 40))} must be a whole number from 1 to 100 (TS 28.312 intentPriority) or one of ${[...PRIORITY_WORDS.keys()].join(", ")}`,
  });
  return undefined;
}
