/**
 * A target written as a blank node (`icm:target _:resource_slice`, as in TMF921 v5's Turtle examples): one
 * thing for every expectation that names it, named after the first of their IRIs (rdf/buildIntentTree.ts),
 * the same in every layout of the graph.
 */
import { describe, expect, it } from "vitest";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import { compile, exampleJson, problemsOf } from "./helpers.js";
import { inLayout, LAYOUTS } from "./layouts.js";

type Json = Record<string, unknown>;

function expectations(input: Json): Json[] {
  return ((input.expression as Json).expressionValue as Json)["icm:hasExpectation"] as Json[];
}

/** edge-analytics with its delivered API written as one blank node, named by delivery and property. */
function blankApi(): Json {
  const input = exampleJson("edge-analytics");
  for (const expectation of expectations(input).slice(0, 2)) expectation["icm:target"] = { "@id": "_:api" };
  return input;
}

describe("a blank-node target", () => {
  it("GIVEN delivery and property naming one blank node THEN both are about one object, named after the first expectation IRI", async () => {
    const compiled = await compile(blankApi());
    const instances = compiled.spec.intent.intentExpectations.map((e) => [
      e.expectationId,
      e.expectationObject.objectInstance,
    ]);
    // io:analytics-slo sorts before io:deliver-analytics
    expect(instances).toEqual([
      ["deliver-analytics", "analytics-slo-target"],
      ["analytics-slo", "analytics-slo-target"],
    ]);
  });

  it("GIVEN the graph in every layout (compact, expanded, flattened, @graph, Turtle) THEN the same 28.312 intent", async () => {
    const outputs = new Set<string>();
    for (const layout of LAYOUTS) {
      outputs.add(stringifyCanonical((await compile(await inLayout(blankApi(), layout))).spec.intent));
    }
    expect(outputs.size).toBe(1);
  });

  it("GIVEN two different blank nodes THEN two objects: the property's is not delivered (E_UNKNOWN_TARGET)", async () => {
    const input = blankApi();
    expectations(input)[1]!["icm:target"] = { "@id": "_:other" };
    const problems = await problemsOf(input);
    expect(problems.map((p) => p.code)).toEqual(["E_UNKNOWN_TARGET"]);
    expect(problems[0]!.message).toContain('"analytics-slo-target"');
  });

  it("GIVEN a blank target named only by a blank expectation THEN E_FORM: it has no name to deliver it under", async () => {
    const input = blankApi();
    const [delivery, property] = expectations(input);
    delete delivery!["@id"];
    delete property!["@id"];
    const problems = await problemsOf(input);
    expect(problems.map((p) => p.code)).toEqual(["E_FORM", "E_FORM"]);
  });
});
