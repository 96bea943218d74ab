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
      ? `${first.file ? `${first.file}: ` : ""}${first.pointer || "/"}: ${first.message}`
      : "";
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : "";
    super("E_INVALID_INPUT", `invalid input: ${head}${more}`, options);
    this.name = "InvalidInputError";
    this.problems = problems;
  }
}

/** Formats problems one per line: `file#/pointer: message [CODE]`. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems
    .map((p) => `${p.file ?? "<input>"}#${p.pointer || "/"}: ${p.message} [${p.code}]`)
    .join("\n");
}
