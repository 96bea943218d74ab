/**
 * Reporting: the forms a reporting interval is written in (a TIO quantity, a W3C Time duration, and the form
 * of TM Forum's own TMF921 v5 JSON-LD examples), and several ReportingExpectations in one intent — one
 * TS 28.312 reporting: the shortest interval asked for and the union of the events asked for
 * (intents/README.md, "Reporting").
 */
import { describe, expect, it } from "vitest";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import { compile, exampleJson, problemsOf } from "./helpers.js";

type Json = Record<string, unknown>;
const TIME = "http://www.w3.org/2006/time#";

function expressionOf(input: Json): Json {
  return (input.expression as Json).expressionValue as Json;
}
function expectations(input: Json): Json[] {
  return expressionOf(input)["icm:hasExpectation"] as Json[];
}
/** edge-analytics with its reporting interval written as `interval` (and `t:` bound to W3C Time). */
function withInterval(interval: unknown): Json {
  const input = exampleJson("edge-analytics");
  (expressionOf(input)["@context"] as Json).t = TIME;
  (expectations(input)[2]!["icm:params"] as Json)["icm:reportingInterval"] = interval;
  return input;
}

describe("a reporting interval", () => {
  it("GIVEN TM Forum's JSON-LD form (t:Duration member, t:numbericDuration sic, unit as a plain string) THEN 600 s, the spelling in the delta report", async () => {
    // As in TMF921 v5.0.0's Intent_create_example_01_request, verbatim.
    const compiled = await compile(
      withInterval([{ "t:Duration": [{ "t:numbericDuration": 10, "t:temporalUnit": "unitMinute" }] }]),
    );
    expect(compiled.spec.intent.observationPeriod).toBe(600);
    expect(compiled.spec.delta.map((d) => d.reason)).toContain(
      `${TIME}numbericDuration read as time:numericDuration (a misspelling in TM Forum's published material)`,
    );
  });

  it("GIVEN a W3C Time duration (time:numericDuration, time:unitType an IRI) THEN its seconds", async () => {
    const compiled = await compile(
      withInterval({ "@type": "t:Duration", "t:numericDuration": 2, "t:unitType": { "@id": "t:unitHour" } }),
    );
    expect(compiled.spec.intent.observationPeriod).toBe(7200);
    // the correct spelling is no misspelling
    expect(compiled.spec.delta.some((d) => d.reason.includes("misspelling"))).toBe(false);
  });

  it("GIVEN the same duration in both spellings THEN the same 28.312 intent", async () => {
    const tmf = await compile(
      withInterval({ "t:Duration": { "t:numbericDuration": 3, "t:temporalUnit": "unitMinute" } }),
    );
    const w3c = await compile(
      withInterval({ "t:Duration": { "t:numericDuration": 3, "t:temporalUnit": { "@id": "t:unitMinute" } } }),
    );
    expect(stringifyCanonical(tmf.spec.intent)).toBe(stringifyCanonical(w3c.spec.intent));
    expect(tmf.spec.intent.observationPeriod).toBe(180);
  });

  it("GIVEN a node that is no quantity THEN E_FORM (a matter of form), naming its members", async () => {
    const problems = await problemsOf(withInterval({ "t:Duration": { "t:howLong": 10 } }));
    expect(problems.map((p) => p.code)).toEqual(["E_FORM"]);
    expect(problems[0]!.message).toContain('"time:Duration"');
  });

  it("GIVEN a string that is no number (a placeholder) THEN E_VALUE (a matter of the value)", async () => {
    const problems = await problemsOf(withInterval("BBBBB"));
    expect(problems.map((p) => p.code)).toEqual(["E_VALUE"]);
  });

  it("GIVEN a month (no fixed length) THEN E_UNIT", async () => {
    const problems = await problemsOf(
      withInterval({ "t:numericDuration": 1, "t:unitType": { "@id": "t:unitMonth" } }),
    );
    expect(problems.map((p) => p.code)).toEqual(["E_UNIT"]);
  });
});

describe("several ReportingExpectations", () => {
  /** edge-analytics with a second ReportingExpectation on the delivered API. */
  function twoReportings(interval: unknown, events: string[]): Json {
    const input = exampleJson("edge-analytics");
    expectations(input).push({
      "@id": "io:api-reporting",
      "@type": "icm:ReportingExpectation",
      "icm:target": { "@id": "io:analytics-api" },
      "icm:params": { "icm:reportingInterval": interval, "icm:reportingEvent": events },
    });
    return input;
  }

  it("GIVEN 30 s and 10 s THEN one observationPeriod, the shortest: 10 s; events the union", async () => {
    const compiled = await compile(twoReportings("10 s", ["icm:StateDegrades", "icm:IntentRejected"]));
    expect(compiled.spec.intent.observationPeriod).toBe(10);
    expect(
      compiled.spec.intent.intentContexts?.filter((c) => c.contextAttribute === "reportingEvent"),
    ).toEqual([
      {
        contextAttribute: "reportingEvent",
        contextCondition: "IS_ALL_OF",
        contextValueRange: ["IntentRejected", "StateComplies", "StateDegrades"],
      },
    ]);
  });

  it("GIVEN 30 s and 5 min THEN 30 s (the other's interval, whichever comes first)", async () => {
    const input = twoReportings("5 min", ["icm:StateComplies"]);
    const compiled = await compile(input);
    expect(compiled.spec.intent.observationPeriod).toBe(30);
    // the expectations in the other order: the same bytes
    expectations(input).reverse();
    expect(stringifyCanonical((await compile(input)).spec.intent)).toBe(
      stringifyCanonical(compiled.spec.intent),
    );
  });

  it("GIVEN a bad interval in the second THEN it is reported, where it is", async () => {
    const problems = await problemsOf(twoReportings("0.5 s", ["icm:StateComplies"]));
    // located in the input document: the fourth member of icm:hasExpectation
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ["E_RANGE", "/expression/expressionValue/icm:hasExpectation/3/icm:params/icm:reportingInterval"],
    ]);
  });
});
