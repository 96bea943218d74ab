/**
 * locateProblem: a problem's JSON pointer mapped back to the line and column of the source text it points
 * into (an intent's JSON or the site registry's YAML), so a check-run annotation lands on the right line.
 *
 * The text is parsed once more with the `yaml` package, whose syntax tree keeps source ranges (JSON is
 * YAML 1.2); the pointer is walked through it. A pointer to a member that is not there (a required property
 * missing) lands on the deepest node that is. A syntax error is placed where the JSON stops being valid.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { Problem } from "../../compiler/errors.js";
import { locateJsonError } from "../../compiler/locateJsonError.js";
import type { ReviewProblem } from "./reviewTypes.js";

interface Place {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A parsed source text that can place many pointers (parse once per file). */
export function sourceLocator(text: string, kind: "json" | "yaml"): (problem: Problem) => Place {
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument> | undefined;
  const parse = () => {
    doc ??= parseDocument(text, { lineCounter, uniqueKeys: false, keepSourceTokens: false });
    return doc;
  };
  const at = (start: number, end: number): Place => {
    const a = lineCounter.linePos(start);
    const b = lineCounter.linePos(Math.max(start, end));
    return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  };
  return (problem) => {
    if (kind === "json" && problem.code === "E_SYNTAX") {
      parse();
      const offset = locateJsonError(text);
      const o = offset < 0 ? text.length : offset;
      return at(o, o);
    }
    const document = parse();
    let node: unknown = document.contents;
    let range: [number, number] = rangeOf(node) ?? [0, 0];
    for (const segment of segmentsOf(problem.pointer)) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === segment);
        if (!pair) break;
        const keyRange = rangeOf(pair.key);
        const valueRange = rangeOf(pair.value);
        range = [keyRange?.[0] ?? range[0], valueRange?.[1] ?? keyRange?.[1] ?? range[1]];
        node = pair.value;
      } else if (isSeq(node)) {
        const item = /^\d+$/.test(segment) ? node.items[Number(segment)] : undefined;
        const itemRange = rangeOf(item);
        if (!itemRange) break;
        range = itemRange;
        node = item;
      } else break;
    }
    return at(range[0], range[1]);
  };
}

/** Places every problem; problems of one file share one parse. */
export function locateProblems(
  problems: readonly Problem[],
  texts: ReadonlyMap<string, string>,
): ReviewProblem[] {
  const locators = new Map<string, ReturnType<typeof sourceLocator>>();
  return problems.map((problem) => {
    const file = problem.file ?? "<input>";
    const text = texts.get(file);
    const base = { file, pointer: problem.pointer, code: problem.code, message: problem.message };
    if (text === undefined) return base;
    let locate = locators.get(file);
    if (!locate) {
      locate = sourceLocator(text, file.endsWith(".json") ? "json" : "yaml");
      locators.set(file, locate);
    }
    return { ...base, ...locate(problem) };
  });
}

function rangeOf(node: unknown): [number, number] | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? [range[0], range[1]] : undefined;
}

function segmentsOf(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}
