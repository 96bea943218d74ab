/**
 * The corpus check (corpusVerdict.ts) can fail: a schema-valid TMF921 v5 intent refused for how it is written
 * is caught, whatever else it is refused for; a refusal only for meaning passes.
 */
import { describe, expect, it } from "vitest";
import type { Problem } from "../../compiler/errors.js";
import { corpusEntries } from "./corpus.js";
import { formProblems, wellFormedTmf921 } from "./corpusVerdict.js";
import { problemsOf } from "./helpers.js";

type Json = Record<string, unknown>;
const EXAMPLE = "tmf921/Intent_create_example_01_request[0]";
const REPORTING =
  "/expression/expressionValue/idan:EventLiveBroadcast000001/icm:hasExpectation/idan:Reporting/icm:params/icm:reportingInterval";

/** TM Forum's TMF921 v5 example 01, as the corpus reads it, with its reporting interval replaced. */
function example01(interval?: unknown): string {
  const entry = corpusEntries().find((e) => e.name === EXAMPLE);
  if (!entry) throw new Error(`no corpus entry ${EXAMPLE}`);
  if (interval === undefined) return entry.text;
  const value = JSON.parse(entry.text) as Json;
  const intent = ((value.expression as Json).expressionValue as Json)[
    "idan:EventLiveBroadcast000001"
  ] as Json;
  const reporting = (intent["icm:hasExpectation"] as Json)["idan:Reporting"] as Json;
  (reporting["icm:params"] as Json)["icm:reportingInterval"] = interval;
  return JSON.stringify(value, null, 2);
}

describe("the corpus check: refused for meaning, never for form", () => {
  it("GIVEN TM Forum's example 01 as published THEN refused for meaning only (out of our domain)", async () => {
    const text = example01();
    expect(await wellFormedTmf921(text, undefined)).toBe(true);
    const problems = await problemsOf(text);
    expect([...new Set(problems.map((p) => p.code))].sort()).toEqual([
      "E_UNKNOWN_OBJECT_TYPE",
      "E_UNKNOWN_TARGET",
    ]);
    expect(formProblems(problems)).toEqual([]);
  });

  it("GIVEN example 01 with a reporting interval in a form the profile does not read THEN the check fails on it", async () => {
    // Still TMF921 v5 by the official schema, still a JSON-LD document the processor reads.
    const text = example01([{ "t:Duration": [{ "t:howLong": 10, "t:temporalUnit": "unitMinute" }] }]);
    expect(await wellFormedTmf921(text, undefined)).toBe(true);
    const problems = await problemsOf(text);
    expect(formProblems(problems).map((p) => [p.code, p.pointer])).toEqual([["E_FORM", REPORTING]]);
  });

  it("GIVEN refusals of each kind THEN only those about form are listed", () => {
    const problem = (code: string, pointer: string): Problem => ({ code, pointer, message: "…" });
    const inside = "/expression/expressionValue/icm:hasExpectation/x";
    const meaning = [
      problem("E_UNMAPPED", `${inside}/@type`),
      problem("E_VALUE", `${inside}/rdf:value`), // a placeholder where a number belongs
      problem("E_REQUIRED", `${inside}/icm:target`), // an expectation about nothing
    ];
    const form = [
      problem("E_FORM", `${inside}/icm:target`),
      problem("E_REQUIRED", "/name"), // the envelope's schema
      problem("E_TYPE", `${inside}/icm:params`),
      problem("E_TURTLE", "/expression/expressionValue"),
      problem("E_DUPLICATE", inside), // "only one ReportingExpectation is accepted", as it was refused before
      problem("E_UNSAFE_ID", inside),
    ];
    expect(formProblems(meaning)).toEqual([]);
    expect(formProblems([...meaning, ...form])).toEqual(form);
  });
});
