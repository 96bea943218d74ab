/**
 * The review's views on their own: the markdown comment (escaping, fences, fitting, determinism), the
 * terminal text, and problems placed on their lines in JSON and YAML sources.
 */
import { describe, expect, it } from "vitest";
import { formatReviewMarkdown } from "../../pipeline/review/formatReviewMarkdown.js";
import { formatReviewText } from "../../pipeline/review/formatReviewText.js";
import { locateProblems } from "../../pipeline/review/locateProblem.js";
import { REVIEW_MARKER } from "../../pipeline/review/reviewTemplate.js";
import type { ObjectChange, Review } from "../../pipeline/review/reviewTypes.js";

function object(i: number, diff = `--- a\n+++ b\n@@ -1 +1 @@\n-x: ${i}\n+x: ${i + 1}\n`): ObjectChange {
  return {
    subject: `ConfigMap/ns/cm-${String(i).padStart(4, "0")}`,
    apiVersion: "v1",
    action: "changed",
    diff,
  };
}

function review(objects: ObjectChange[], problems: Review["problems"] = []): Review {
  return {
    base: "a".repeat(40),
    head: "b".repeat(40),
    ok: problems.length === 0,
    summary: {
      intents: { added: 0, changed: 1, removed: 0, unchanged: 3 },
      objects: { added: 0, changed: objects.length, removed: 0 },
      sites: 1,
    },
    sites: [
      {
        site: "edge1",
        counts: { added: 0, changed: objects.length, removed: 0 },
        intents: [
          {
            subject: "edge1/app",
            site: "edge1",
            intentId: "app",
            status: "changed",
            file: "intents/app.json",
            objects,
            delta: [{ pointer: "/characteristic", reason: "TMF921 field with no TS 28.312 counterpart" }],
          },
        ],
      },
    ],
    problems,
    baseProblems: [],
  };
}

describe("formatReviewMarkdown", () => {
  it("is the same bytes for the same review, starts with the marker and shows the summary first", () => {
    const r = review([object(1), object(2)]);
    const a = formatReviewMarkdown(r).body;
    expect(formatReviewMarkdown(structuredClone(r)).body).toBe(a);
    expect(a.startsWith(`${REVIEW_MARKER}\n## intentops review:`)).toBe(true);
    expect(a.indexOf("| `edge1` | 1 | 0 | 2 | 0 |")).toBeLessThan(a.indexOf("<details>"));
  });

  it("keeps table cells and fences intact whatever the text holds", () => {
    const r = review(
      [object(1, "--- a\n+++ b\n@@ -1 +1 @@\n-text: ```\n+text: ````\n")],
      [
        {
          file: "intents/app.json",
          line: 3,
          column: 5,
          pointer: "/x",
          code: "E_X",
          message: "a | b\n<script>",
        },
      ],
    );
    const body = formatReviewMarkdown(r).body;
    expect(body).toContain("| `intents/app.json` | 3:5 | `E_X` | a \\| b &lt;script&gt; |");
    expect(body).toContain("`````diff\n");
  });

  it("fits the limit by leaving out diffs from the end, and says so", () => {
    const r = review(Array.from({ length: 300 }, (_, i) => object(i)));
    const full = formatReviewMarkdown(r, { maxChars: Number.POSITIVE_INFINITY });
    const fitted = formatReviewMarkdown(r, { maxChars: 20_000, artifact: "https://ci.invalid/1" });
    expect(full.omittedDiffs).toBe(0);
    expect(fitted.body.length).toBeLessThanOrEqual(20_000);
    expect(fitted.omittedDiffs).toBeGreaterThan(0);
    expect(fitted.body).toContain(`**truncated**: ${fitted.omittedDiffs} object diff(s)`);
    expect(fitted.body).toContain("full diff in the artifact (https://ci.invalid/1)");
    // The diffs shown are the first ones; every later object is still listed (this limit allows it).
    expect(fitted.body).toContain("<code>ConfigMap/ns/cm-0000</code>");
    expect(fitted.body).toContain("- changed `ConfigMap/ns/cm-0299` (diff in the artifact)");
  });

  it("shortens the list itself when even the list does not fit", () => {
    const r = review(Array.from({ length: 3000 }, (_, i) => object(i)));
    const fitted = formatReviewMarkdown(r, { maxChars: 30_000 });
    expect(fitted.body.length).toBeLessThanOrEqual(30_000);
    expect(fitted.body).toMatch(/… and \d+ more object\(s\), listed in the artifact/);
  });
});

describe("formatReviewText", () => {
  it("prints problems as file:line:column and each object's diff", () => {
    const text = formatReviewText(
      review(
        [object(1)],
        [{ file: "intents/app.json", line: 7, column: 9, pointer: "/a", code: "E_A", message: "bad" }],
      ),
    );
    expect(text).toContain("intents/app.json:7:9: bad [E_A]");
    expect(text).toContain("changed ConfigMap/ns/cm-0001");
    expect(text).toContain("     +x: 2");
  });
});

describe("locateProblems", () => {
  it("places JSON pointers in JSON and YAML sources, missing members on their parent, syntax errors where they are", () => {
    const json = '{\n  "a": {\n    "b": [1, {"c": true}]\n  }\n}\n';
    const yaml = "sites:\n  - id: edge1\n    kind: nowhere\n";
    const broken = '{\n  "a": 1,\n  "b": \n}\n';
    const texts = new Map([
      ["x.json", json],
      ["sites.yaml", yaml],
      ["broken.json", broken],
    ]);
    const placed = locateProblems(
      [
        { file: "x.json", pointer: "/a/b/1/c", code: "E", message: "m" },
        { file: "x.json", pointer: "/a/missing", code: "E", message: "m" },
        { file: "sites.yaml", pointer: "/sites/0/kind", code: "E", message: "m" },
        { file: "broken.json", pointer: "", code: "E_SYNTAX", message: "m" },
        { file: "gone.json", pointer: "/x", code: "E", message: "m" },
      ],
      texts,
    );
    expect(placed.map((p) => [p.line, p.column])).toEqual([
      [3, 15],
      [2, 3],
      [3, 5],
      [4, 1],
      [undefined, undefined],
    ]);
  });
});
