/**
 * Turtle golden: a TMF921 v5 Intent whose expression is a `TurtleExpression` in TIO v3.6 style (log:allOf,
 * icm:Condition with set:forAll, rdf:value + quan:unit, a W3C Time reporting interval, a priority word)
 * compiles to the reviewed bytes in test/golden/turtle/. UPDATE_GOLDEN=1 rewrites the golden.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import { compile, ROOT } from "./helpers.js";

const DIR = join(ROOT, "test", "golden", "turtle");

describe("Turtle golden", () => {
  it("GIVEN checkout-api.input.json (TurtleExpression) THEN checkout-api.json byte for byte", async () => {
    const input = readFileSync(join(DIR, "checkout-api.input.json"));
    const actual = stringifyCanonical(await compile(input.toString("utf8")));
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(join(DIR, "checkout-api.json"), actual);
    expect(actual).toBe(readFileSync(join(DIR, "checkout-api.json"), "utf8"));
    const compiled = JSON.parse(actual);
    // what the TIO v3.6 form means, spelled out
    expect(compiled.spec.intent.intentPriority).toBe(75);
    expect(compiled.spec.intent.observationPeriod).toBe(120);
    expect(
      compiled.spec.intent.intentExpectations.map((e: { expectationId: string }) => e.expectationId),
    ).toEqual(["deliver-checkout", "deliver-checkout-targets"]);
    expect(compiled.spec.intent.intentExpectations[1].expectationTargets).toEqual([
      { targetName: "p95Latency", targetCondition: "IS_LESS_THAN", targetValueRange: 150 },
      { targetName: "errorRate", targetCondition: "IS_LESS_THAN", targetValueRange: 0.5 },
    ]);
  });
});
