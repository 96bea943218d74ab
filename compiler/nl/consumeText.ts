/**
 * consumeText: the bookkeeping of the sentence parser. Every phrase a rule understands is marked as
 * consumed; what no rule consumed, minus filler words, is what the parser did not understand — reported,
 * never silently dropped.
 */
import { FILLER } from "./phraseTables.js";

export interface TextCursor {
  /** The normalised (NFC, lower-case, single-spaced) text the rules read. */
  readonly text: string;
  /**
   * Runs `pattern` (global) over the text; each match that overlaps no consumed span is passed to `take`,
   * and consumed when `take` returns true.
   */
  scan(pattern: RegExp, take: (match: RegExpExecArray) => boolean): void;
  /** Whether the span [from, to) overlaps anything consumed. */
  overlaps(from: number, to: number): boolean;
  /** The fragments no rule consumed, filler words trimmed away, in text order. */
  leftovers(): string[];
}

export function normaliseSentence(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\u2010-\u2015]/g, "-")
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

export function openCursor(input: string): TextCursor {
  const text = normaliseSentence(input);
  const used = new Uint8Array(text.length);
  const overlaps = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (used[i]) return true;
    return false;
  };
  return {
    text,
    overlaps,
    scan(pattern, take) {
      if (!pattern.global) throw new Error(`the pattern ${pattern.source} must be global`);
      for (const match of text.matchAll(pattern)) {
        const from = match.index;
        const to = from + match[0].length;
        if (match[0].length === 0 || overlaps(from, to)) continue;
        if (take(match as RegExpExecArray)) used.fill(1, from, to);
      }
    },
    leftovers() {
      const out: string[] = [];
      let run = "";
      const flush = () => {
        for (const piece of run.split(/[,;.!?:()]+|\s+(?:and|with|but|while|plus)\s+/)) {
          const words = piece.trim().split(/\s+/).filter(Boolean);
          while (words.length && FILLER.has(words[0]!)) words.shift();
          while (words.length && FILLER.has(words.at(-1)!)) words.pop();
          if (words.length) out.push(words.join(" "));
        }
        run = "";
      };
      for (let i = 0; i < text.length; i++) {
        if (used[i]) {
          if (run) flush();
          run = "";
        } else run += text[i];
      }
      if (run) flush();
      return out;
    },
  };
}
