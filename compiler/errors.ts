/**
 * Error catalogue. Every error the product raises is an `IntentopsError` with a stable literal `code`
 * (tests assert codes, never messages), an optional `subject` in the one subject format
 * (`Kind/namespace/name` or `site/intent-id`), and the underlying `cause`.
 */

export interface ErrorOptions {
  subject?: string;
  cause?: unknown;
}

export class IntentopsError extends Error {
  readonly code: string;
  readonly subject: string | undefined;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "IntentopsError";
    this.code = code;
    this.subject = options.subject;
  }
}

/** One problem found in user input: where (JSON pointer, within `file` if known) and why. */
export interface Problem {
  /** Stable problem code, e.g. `E_SCHEMA`, `E_UNIT`, `E_UNKNOWN_SITE`. */
  code: string;
  /** RFC 6901 JSON pointer into the input document; `""` is the whole document. */
  pointer: string;
  /** A sentence a person understands. */
  message: string;
  /** The file the input came from, when it came from one. */
  file?: string;
}

/** User input is invalid. Carries every problem found, not just the first. */
export class InvalidInputError extends IntentopsError {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[], options: ErrorOptions = {}) {
    const first = problems[0];
    const head = first
      ? escapeControl(`${first.file ? `${first.file}: ` : ""}${first.pointer || "/"}: ${first.message}`)
      : "";
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : "";
    super("E_INVALID_INPUT", `invalid input: ${head}${more}`, options);
    this.name = "InvalidInputError";
    this.problems = problems;
  }
}

/** Most problems one error lists; the rest are counted in a last entry. */
export const MAX_PROBLEMS = 50;

/** The first `max` problems, and one more that counts the rest. */
export function capProblems(problems: readonly Problem[], max = MAX_PROBLEMS): Problem[] {
  if (problems.length <= max) return [...problems];
  const rest = problems.length - max;
  const last = problems[max]!;
  return [
    ...problems.slice(0, max),
    {
      code: "E_TOO_MANY_PROBLEMS",
      pointer: "",
      message: `${rest} more problem(s) not listed`,
      ...(last.file ? { file: last.file } : {}),
    },
  ];
}

/**
 * Makes attacker-chosen text safe to print on a terminal or write into a line-oriented file: control
 * characters (C0, DEL, C1, line and paragraph separators, bidi overrides) are shown as `\u001b`, so a
 * key cannot move the cursor, recolour the screen or forge a second `file#/pointer: …` line.
 *
 * @example escapeControl("a\u001b[31mb\nc") === "a\\u001b[31mb\\u000ac"
 */
export function escapeControl(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Formats problems one per line: `file#/pointer: message [CODE]`, every part escaped. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems
    .map(
      (p) =>
        `${escapeControl(p.file ?? "<input>")}#${escapeControl(p.pointer || "/")}: ${escapeControl(p.message)} [${escapeControl(p.code)}]`,
    )
    .join("\n");
}
