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
import jsonld from "jsonld";
import { Parser } from "n3";
import { describe, expect, it } from "vitest";
import { compileIntent } from "../../compiler/compileIntent.js";
import { InvalidInputError } from "../../compiler/errors.js";
import { parseVocabularyMappings } from "../../compiler/parseVocabularyMappings.js";
import { tmf921Validator } from "../support/officialSchemas.js";
import { corpusEntries } from "./corpus.js";
import { REGISTRY, ROOT } from "./helpers.js";

/** Refusals about what an intent means, not how it is written. */
const SEMANTIC = new Set([
  "E_UNMAPPED",
  "E_UNKNOWN_OBJECT_TYPE",
  "E_UNKNOWN_TARGET",
  "E_UNKNOWN_SITE",
  "E_SITE_KIND",
  "E_NO_INTENT_NODE",
  "E_UNKNOWN_EXPECTATION",
  "E_UNKNOWN_PARAM",
  "E_PARAM_NOT_APPLICABLE",
  "E_DUPLICATE",
  "E_DUPLICATE_TARGET",
  "E_AMBIGUOUS_EXPECTATION",
  "E_CONDITION",
  "E_REQUIRED",
  "E_RANGE",
  "E_VALUE",
  "E_UNIT",
  "E_CONFLICT",
  "E_UNSAFE_ID",
]);

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
    const codes = [...new Set(error.problems.map((p) => p.code))].sort();
    const problems = error.problems.slice(0, 6).map((p) => `${p.code} ${p.pointer}: ${p.message}`);
    return { outcome: "refused", codes, problems };
  }
}

/** Is the document TMF921 v5 by the official schema, with an expression its own syntax's parser reads? */
async function wellFormedTmf921(text: string, turtle: string | undefined): Promise<boolean> {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return false;
  }
  const schema = value["@type"] === "ProbeIntent" ? "ProbeIntent_FVO" : "Intent_FVO";
  if (!tmf921Validator(schema)(value)) return false;
  const expression = value.expression as Record<string, unknown> | undefined;
  if (!expression) return false;
  try {
    if (expression["@type"] === "TurtleExpression") {
      new Parser({ format: "text/turtle" }).parse(String(turtle ?? expression.expressionValue));
    } else if (expression["@type"] === "JsonLdExpression") {
      await jsonld.toRDF(
        expression.expressionValue as jsonld.JsonLdDocument,
        {
          documentLoader: async (url: string) => {
            throw new Error(`not fetched: ${url}`);
          },
        } as jsonld.Options.ToRdf,
      );
    } else return false;
  } catch {
    return false;
  }
  return true;
}

const results = await Promise.all(
  entries.map(async (e) => ({
    name: e.name,
    ...(await outcomeOf(e.text)),
    wellFormed: await wellFormedTmf921(e.text, e.turtle),
  })),
);

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
        // Valid TMF921 v5 with a well-formed expression: only a reason about its meaning may refuse it.
        expect(result.codes.filter((c) => !SEMANTIC.has(c))).toEqual([]);
      } else {
        // Not TMF921 v5, or its expression is not what its syntax allows: refused, and the reason says so.
        expect(result.codes.length).toBeGreaterThan(0);
      }
    });
  }
});
