/**
 * A PromQL double-quoted string literal for any text. PromQL strings follow Go's escapes: `\` and `"` must
 * be escaped, and a raw line break ends the query with "unterminated quoted string", so control characters
 * are escaped too. Without this a label value holding `"` could close the matcher and inject PromQL.
 *
 * @example quotePromString('a"b\\c') === '"a\\"b\\\\c"'
 */
export function quotePromString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}
