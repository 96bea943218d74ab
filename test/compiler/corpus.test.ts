/**
 * Public intents written by others (test/testdata/corpus/SOURCES.md), compiled as a newcomer would: with
 * the repository's site registry and the shipped vocabulary mappings (vocabularies/*.yaml).
 *
 * Each document either compiles, or is refused — and a document that is valid TMF921 v5 (the official
 * `Intent_FVO` schema) with a well-formed expression (the JSON-LD processor and the Turtle parser read it)
 * is refused only for what it means (out of our domain, a vocabulary not mapped, a site we do not have),
 * never for its syntax. What each document gives is recorded in test/golden/corpus/outcomes.json
 * (UPDATE_GOLDEN=1 rewrites it), so any change in how a public intent is read shows in review.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileIntent } from "../../compiler/compileIntent.js";
import { InvalidInputError, type Problem } from "../../compiler/errors.js";
import { parseVocabularyMappings } from "../../compiler/parseVocabularyMappings.js";
import { corpusEntries } from "./corpus.js";
import { formProblems, wellFormedTmf921 } from "./corpusVerdict.js";
import { REGISTRY, ROOT } from "./helpers.js";

const GOLDEN = join(ROOT, "test", "golden", "corpus", "outcomes.json");
/** The shipped mappings of the two public vocabularies (vocabularies/), as a user would copy them in. */
const shipped = ["intend-5g4data.yaml", "tmf921-examples.yaml"].map((file) =>
  parseVocabularyMappings(readFileSync(join(ROOT, "vocabularies", file), "utf8"), `vocabularies/${file}`),
);
const mappings = { mapper: (iri: string) => shipped.map((m) => m.mapper(iri)).find((t) => t !== undefined) };
const entries = corpusEntries();

type Outcome =
  | { outcome: "compiles"; intentId: string; sites: string[]; probe: boolean }
  | { outcome: "refused"; codes: string[]; problems: string[] };

/** Every problem of a refusal (the golden keeps the first six), by document text. */
const allProblems = new Map<string, readonly Problem[]>();

async function outcomeOf(text: string): Promise<Outcome> {
  try {
    const compiled = await compileIntent(text, REGISTRY, { file: "corpus", mapper: mappings.mapper });
    return {
      outcome: "compiles",
      intentId: compiled.spec.intentId,
      sites: compiled.spec.sites,
      probe: compiled.spec.probe === true,
    };
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    allProblems.set(text, error.problems);
    const codes = [...new Set(error.problems.map((p) => p.code))].sort();
    const problems = error.problems.slice(0, 6).map((p) => `${p.code} ${p.pointer}: ${p.message}`);
    return { outcome: "refused", codes, problems };
  }
}

const results = await Promise.all(
  entries.map(async (e) => ({
    name: e.name,
    ...(await outcomeOf(e.text)),
    wellFormed: await wellFormedTmf921(e.text, e.turtle),
  })),
);
const textOf = new Map(entries.map((e) => [e.name, e.text]));

describe("the corpus of public intents", () => {
  it("holds at least 25 distinct documents from at least three public sources", () => {
    expect(entries.length).toBeGreaterThanOrEqual(25);
    expect(new Set(entries.map((e) => e.name.split("/")[0])).size).toBeGreaterThanOrEqual(3);
  });

  it("is split into compiled and refused, as recorded (UPDATE_GOLDEN=1 rewrites the record)", () => {
    const text = `${JSON.stringify(results, null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, "utf8"));
  });

  for (const result of results) {
    it(`${result.name}: ${result.outcome}${result.outcome === "refused" ? ` (${result.codes.join(", ")})` : ""}`, () => {
      if (result.outcome === "compiles") {
        // Compiled for at least one site of the registry (a probe too: it names where it would run).
        expect(result.sites.length).toBeGreaterThan(0);
      } else if (result.wellFormed) {
        // Valid TMF921 v5 with a well-formed expression: only a reason about its meaning may refuse it —
        // every problem, not only the six the golden keeps (corpusVerdict.ts).
        const problems = allProblems.get(textOf.get(result.name)!);
        expect(problems?.length).toBeGreaterThan(0);
        expect(formProblems(problems!).map((p) => `${p.code} ${p.pointer}: ${p.message}`)).toEqual([]);
      } else {
        // Not TMF921 v5, or its expression is not what its syntax allows: refused, and the reason says so.
        expect(result.codes.length).toBeGreaterThan(0);
      }
    });
  }
});
