/**
 * The words of the embedded sentence parser: comparison phrases, units and the words that carry no
 * meaning of their own. One table per concept, so what the parser understands is written down once.
 */

/** A TMF921 profile condition key (see CONDITION_KEYS in vocabulary.ts). */
export type ConditionKey = "quan:smaller" | "quan:greater" | "icm:atMost" | "icm:atLeast";

/** Comparison phrases → condition key. Longest phrases first (the regex alternation tries them in order). */
export const COMPARISONS: ReadonlyArray<readonly [string, ConditionKey]> = [
  ["no more than", "icm:atMost"],
  ["not more than", "icm:atMost"],
  ["no higher than", "icm:atMost"],
  ["not above", "icm:atMost"],
  ["no less than", "icm:atLeast"],
  ["not below", "icm:atLeast"],
  ["less than", "quan:smaller"],
  ["fewer than", "quan:smaller"],
  ["lower than", "quan:smaller"],
  ["smaller than", "quan:smaller"],
  ["shorter than", "quan:smaller"],
  ["faster than", "quan:smaller"],
  ["more than", "quan:greater"],
  ["greater than", "quan:greater"],
  ["higher than", "quan:greater"],
  ["at most", "icm:atMost"],
  ["at least", "icm:atLeast"],
  ["up to", "icm:atMost"],
  ["within", "icm:atMost"],
  ["maximum of", "icm:atMost"],
  ["minimum of", "icm:atLeast"],
  ["maximum", "icm:atMost"],
  ["minimum", "icm:atLeast"],
  ["max", "icm:atMost"],
  ["min", "icm:atLeast"],
  ["under", "quan:smaller"],
  ["below", "quan:smaller"],
  ["over", "quan:greater"],
  ["above", "quan:greater"],
  ["<=", "icm:atMost"],
  ["≤", "icm:atMost"],
  [">=", "icm:atLeast"],
  ["≥", "icm:atLeast"],
  ["<", "quan:smaller"],
  [">", "quan:greater"],
];

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A regex source matching one comparison phrase (capturing group). */
export const COMPARISON = `(${COMPARISONS.map(([p]) => escapeRegex(p).replace(/ /g, "\\s+")).join("|")})`;

/** Optional glue between a metric and its comparison ("should be", "must stay", "kept", "is"…). */
export const GLUE =
  "(?:\\s*(?:should|must|has to|needs to|to)?\\s*(?:be|stay|stays|remain|remains|kept|keep|is|are|of|at)?)?";

export function conditionOf(phrase: string): ConditionKey {
  const normal = phrase.trim().replace(/\s+/g, " ");
  const found = COMPARISONS.find(([p]) => p === normal);
  if (!found) throw new Error(`no comparison "${phrase}"`);
  return found[1];
}

export const NUMBER = "(\\d+(?:\\.\\d+)?)";

/** Time units as written → the compiler's unit. */
export const TIME_UNITS: ReadonlyMap<string, string> = new Map([
  ["ms", "ms"],
  ["msec", "ms"],
  ["millisecond", "ms"],
  ["milliseconds", "ms"],
  ["s", "s"],
  ["sec", "s"],
  ["secs", "s"],
  ["second", "s"],
  ["seconds", "s"],
  ["min", "min"],
  ["mins", "min"],
  ["minute", "min"],
  ["minutes", "min"],
]);
export const TIME_UNIT = "(milliseconds?|msec|ms|seconds?|secs?|s|minutes?|mins?)\\b";

/** Rate units as written (lower-cased) → the compiler's unit. */
export const RATE_UNITS: ReadonlyMap<string, string> = new Map([
  ["kbps", "kbps"],
  ["kbit/s", "kbps"],
  ["kb/s", "kbps"],
  ["mbps", "Mbps"],
  ["mbit/s", "Mbps"],
  ["mb/s", "Mbps"],
  ["gbps", "Gbps"],
  ["gbit/s", "Gbps"],
  ["gb/s", "Gbps"],
]);
export const RATE_UNIT = "(kbps|kbit/s|kb/s|mbps|mbit/s|mb/s|gbps|gbit/s|gb/s)";

export const PERCENT_UNIT = "(?:\\s*%|\\s*percent\\b|\\s*per\\s*cent\\b)";

/** Words that carry no meaning on their own: left over, they are not reported as "not understood". */
export const FILLER = new Set([
  "a",
  "an",
  "the",
  "and",
  "or",
  "with",
  "on",
  "at",
  "in",
  "to",
  "for",
  "of",
  "please",
  "deploy",
  "deploying",
  "run",
  "running",
  "roll",
  "out",
  "launch",
  "install",
  "start",
  "ship",
  "create",
  "set",
  "up",
  "provision",
  "give",
  "me",
  "it",
  "its",
  "that",
  "which",
  "should",
  "must",
  "be",
  "is",
  "are",
  "keep",
  "keeping",
  "kept",
  "have",
  "has",
  "we",
  "i",
  "want",
  "need",
  "our",
  "my",
  "so",
  "but",
  "also",
  "plus",
  "while",
  "where",
  "per",
  "both",
  "sites",
  "site",
  "all",
  "every",
  "each",
  "using",
  "use",
  "new",
  "there",
  "then",
  "stay",
  "stays",
  "remain",
  "as",
  "well",
  "can",
  "we'd",
  "like",
  "would",
  "let's",
]);
