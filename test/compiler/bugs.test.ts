/**
 * Compiler bugs found while writing the compiler's test suite. Each test states the expected behaviour and
 * fails until the compiler is fixed; then it stays as a regression test. (Reported to the compiler's owner.)
 */
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../compiler/errors.js";
import { parseSiteRegistry } from "../../compiler/parseSiteRegistry.js";
import { threeGppValidator } from "../support/officialSchemas.js";
import { compile, example, exampleJson, problemsOf, REGISTRY_TEXT } from "./helpers.js";

type Json = Record<string, unknown>;
const X = (i: number) => `/expression/expressionValue/icm:hasExpectation/${i}`;
const PARAM = (i: number, key: string) => `${X(i)}/icm:params/${key}`;

function params(input: Json, i: number): Json {
  const value = (input.expression as Json).expressionValue as Json;
  return (value["icm:hasExpectation"] as Json[])[i]!["icm:params"] as Json;
}

describe("bug: JSON syntax errors of the 'Unexpected token' kind", () => {
  // Node 20's JSON.parse says `Unexpected token '}', "{"a":}" is not valid JSON` without a position, so
  // parseJsonSafely's /position (\d+)/ finds nothing: no line/column, and the message quotes raw input,
  // newlines included, which breaks the one-line `file#/pointer: message [CODE]` format.
  const text = '{\n  "id": "x",\n  "name": tru\n}';

  it("GIVEN a bad literal on line 3 THEN the message gives line and column", async () => {
    const [problem] = await problemsOf(text);
    expect(problem!.code).toBe("E_SYNTAX");
    expect(problem!.message).toMatch(/line 3, column \d+/);
  });

  it("GIVEN a bad literal THEN the message is one line", async () => {
    const [problem] = await problemsOf(text);
    expect(problem!.message).not.toContain("\n");
  });
});

describe("bug: one error in a DeliveryExpectation yields follow-on errors", () => {
  it("GIVEN replicas -1 in edge-analytics THEN only that is reported (no E_UNKNOWN_TARGET)", async () => {
    // Observed: also E_UNKNOWN_TARGET at /…/hasExpectation/1/icm:target, 'icm:target "analytics-api" is not
    // delivered by any DeliveryExpectation (delivered: none)' — but it is delivered; the delivery had an error.
    const input = exampleJson("edge-analytics");
    params(input, 0)["io:replicas"] = -1;
    expect((await problemsOf(input)).map((p) => [p.code, p.pointer])).toEqual([
      ["E_RANGE", PARAM(0, "io:replicas")],
    ]);
  });

  it("GIVEN an unknown io:workload THEN only E_ENUM is reported, not one E_PARAM_NOT_APPLICABLE per parameter", async () => {
    // Observed: E_ENUM plus 11 × E_PARAM_NOT_APPLICABLE (io:appName, io:image, io:replicas, …), because the
    // unchecked workload value is used to decide which parameters apply.
    const input = exampleJson("edge-analytics");
    const value = (input.expression as Json).expressionValue as Json;
    value["icm:hasExpectation"] = (value["icm:hasExpectation"] as Json[]).slice(0, 1);
    params(input, 0)["io:workload"] = "lambda";
    expect((await problemsOf(input)).map((p) => [p.code, p.pointer])).toEqual([
      ["E_ENUM", PARAM(0, "io:workload")],
    ]);
  });
});

describe("bug: independent errors are not all reported at once", () => {
  it("GIVEN a bad priority AND an unknown site THEN both are reported", async () => {
    // Observed: only E_RANGE /priority; sites are resolved only when no other problem was found.
    const input = exampleJson("analytics-dns");
    input.priority = "whenever";
    params(input, 0)["io:site"] = "mars";
    expect((await problemsOf(input)).map((p) => [p.code, p.pointer])).toEqual([
      ["E_RANGE", "/priority"],
      ["E_UNKNOWN_SITE", PARAM(0, "io:site")],
    ]);
  });

  it("GIVEN an error in the delivery AND one in the property expectation THEN both are reported", async () => {
    // Observed: E_RANGE for the port, then a spurious E_UNKNOWN_TARGET instead of the E_UNIT.
    const input = exampleJson("edge-analytics");
    params(input, 0)["io:port"] = 70000;
    params(input, 1)["io:p95Latency"] = [{ "quan:smaller": "100 parsecs" }];
    expect((await problemsOf(input)).map((p) => [p.code, p.pointer])).toEqual([
      ["E_RANGE", PARAM(0, "io:port")],
      ["E_UNIT", `${PARAM(1, "io:p95Latency")}/0/quan:smaller`],
    ]);
  });
});

describe("bug: CoverageAreaTac with one TAC is not a TS 28.312 CoverageTACContext", () => {
  // vocabulary.ts promises the 3GPP name and value type for io:tac (CoverageTACContext: IS_ALL_OF, a list of
  // Tac). With one TAC the compiler emits IS_EQUAL_TO and a bare string (urllc-service-edge2:
  // "io:tac": ["0010"] → { contextCondition: "IS_EQUAL_TO", contextValueRange: "0010" }). The golden
  // test/golden/compile/urllc-service-edge2.json holds the corrected output.
  const coverageTac = threeGppValidator("TS28312_IntentExpectations.yaml", "CoverageTACContext");

  it("GIVEN urllc-service-edge2 THEN its CoverageAreaTac context validates against CoverageTACContext", async () => {
    const compiled = await compile(example("urllc-service-edge2").text);
    const contexts = compiled.spec.intent.intentExpectations.flatMap(
      (e) => e.expectationObject.objectContexts ?? [],
    );
    const tac = contexts.find((c) => c.contextAttribute === "CoverageAreaTac");
    expect(tac).toEqual({
      contextAttribute: "CoverageAreaTac",
      contextCondition: "IS_ALL_OF",
      contextValueRange: ["0010"],
    });
    expect(coverageTac(tac)).toBe(true);
  });
});

describe("bug: parseSiteRegistry", () => {
  it("GIVEN a registry with a YAML alias THEN it parses or throws InvalidInputError (not a ReferenceError)", async () => {
    // Observed: `ReferenceError: Alias resolution is disabled` from yaml's toJS({ maxAliasCount: 0 }).
    const text = REGISTRY_TEXT.replace(
      "labels:\n      region: north",
      "labels: &north\n      region: north",
    ).replace("labels:\n      region: south\n      tier: edge", "labels: *north");
    expect(text).toContain("*north");
    // Refusing aliases is fine (it guards against alias bombs); failing with a stray exception is not.
    let thrown: unknown;
    try {
      parseSiteRegistry(text, "intents/sites.yaml");
    } catch (error) {
      thrown = error;
    }
    if (thrown !== undefined) {
      expect(thrown).toBeInstanceOf(InvalidInputError);
      expect((thrown as InvalidInputError).problems[0]?.file).toBe("intents/sites.yaml");
    }
  });

  it("GIVEN malformed YAML on line 3 THEN the message names the line", async () => {
    // parseSiteRegistry appends "(line N)" from error.linePos, which yaml only sets with prettyErrors: true.
    let thrown: unknown;
    try {
      parseSiteRegistry(REGISTRY_TEXT.replace("kind: SiteRegistry", "kind: [SiteRegistry"), "sites.yaml");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect((thrown as InvalidInputError).problems[0]!.message).toMatch(/line \d+/);
  });
});

describe("bug: accepted input that cannot be delivered", () => {
  it("GIVEN an empty icm:reportingEvent list THEN no reporting-event context (not E_INTERNAL)", async () => {
    // Observed: IntentopsError E_INTERNAL "compiled intent fails the TS 28.312 schema:
    // /intentContexts/0/contextValueRange …": `[].every(…)` is true, so [] passes the reporting-event check
    // and becomes an empty contextValueRange. Found by fuzzing the examples' subtrees.
    // In the RDF graph an empty JSON-LD array is no statement at all: the intent simply names no event.
    const input = exampleJson("edge-analytics");
    params(input, 2)["icm:reportingEvent"] = [];
    const compiled = await compile(input);
    expect(
      compiled.spec.intent.intentContexts?.some((c) => c.contextAttribute === "reportingEvent"),
    ).toBeFalsy();
  });

  it("GIVEN minReplicas 10 and maxReplicas 2 THEN E_RANGE (as for a range with min > max)", async () => {
    // Observed: compiles; the generators would get an autoscaler whose lower bound is above its upper bound.
    const input = exampleJson("edge-analytics");
    params(input, 0)["io:minReplicas"] = 10;
    params(input, 0)["io:maxReplicas"] = 2;
    const codes = (await problemsOf(input)).map((p) => p.code);
    expect(codes).toContain("E_RANGE");
  });

  it("GIVEN validFor ending before it starts THEN E_RANGE at /validFor", async () => {
    // Observed: compiles to a validFor context whose endTime is before its startTime.
    const input = exampleJson("analytics-dns");
    input.validFor = { startDateTime: "2025-01-01T00:00:00Z", endDateTime: "2024-01-01T00:00:00Z" };
    const problems = await problemsOf(input);
    expect(problems.map((p) => p.code)).toContain("E_RANGE");
    expect(problems.every((p) => p.pointer.startsWith("/validFor"))).toBe(true);
  });
});
