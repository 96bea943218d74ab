/**
 * Commit messages: subject, body, and git-style trailers (`Key: value` lines in the last paragraph), so
 * `git log --format=%(trailers)` and `git interpret-trailers` read what we write.
 */

/** A trailer, in the order written. Keys may repeat (`Rendered-Digest:` once per site). */
export interface Trailer {
  key: string;
  value: string;
}

export interface CommitMessage {
  subject: string;
  body: string;
  trailers: Trailer[];
}

const TRAILER_LINE = /^([A-Za-z][A-Za-z0-9-]*): (.*)$/;

/** Formats a message: subject, blank line, body (if any), blank line, trailers (if any), final newline. */
export function formatCommitMessage({ subject, body, trailers }: CommitMessage): string {
  if (/[\r\n]/.test(subject)) throw new TypeError("commit subject must be one line");
  const parts = [subject];
  if (body.trim()) parts.push(body.trim());
  if (trailers.length) parts.push(trailers.map((t) => `${t.key}: ${t.value}`).join("\n"));
  return `${parts.join("\n\n")}\n`;
}

/** Parses a message written by `formatCommitMessage` (or by hand, following git's trailer convention). */
export function parseCommitMessage(message: string): CommitMessage {
  const paragraphs = message
    .replace(/\r\n/g, "\n")
    .trim()
    .split(/\n{2,}/);
  const subject = paragraphs.shift() ?? "";
  const last = paragraphs[paragraphs.length - 1];
  let trailers: Trailer[] = [];
  if (last?.split("\n").every((line) => TRAILER_LINE.test(line))) {
    trailers = last.split("\n").map((line) => {
      const m = TRAILER_LINE.exec(line)!;
      return { key: m[1]!, value: m[2]! };
    });
    paragraphs.pop();
  }
  return { subject, body: paragraphs.join("\n\n"), trailers };
}

/** The first value of trailer `key` (case-insensitive, as git compares trailer keys). */
export function trailerValue(message: string, key: string): string | undefined {
  return parseCommitMessage(message).trailers.find((t) => t.key.toLowerCase() === key.toLowerCase())?.value;
}

/** True for a revert commit's message (git's own subject form). */
export function isRevertSubject(subject: string): boolean {
  return subject.startsWith('Revert "');
}
