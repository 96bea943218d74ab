/**
 * Schema conformance of the compiler's input and output:
 * - every compiled intent validates against our schemas/ts28312-intent.v18.schema.json and against the
 *   OFFICIAL 3GPP TS 28.312 Intent NRM (`Intent-Single`), with the cross-file `$ref`s resolved;
 * - every example input validates against the OFFICIAL TMF921 v5 `Intent_FVO`;
 * - each of those validators rejects a deliberately wrong document, so these checks can fail.
 * How the OpenAPI texts are adapted for ajv (oneOf → anyOf, nullable, discriminator) is explained in
 * ./officialSchemas.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import { Ajv } from "ajv";
import * as addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Intent28312 } from "../../compiler/types.js";
import ts28312Schema from "../../schemas/ts28312-intent.v18.schema.json" with { type: "json" };
import { TMF921_ID, threeGppValidator, tmf921Validator } from "../support/officialSchemas.js";
import { compile, EXAMPLES, exampleJson, ROOT } from "./helpers.js";

const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv }).default;

const compiledIntents = await Promise.all(
  EXAMPLES.map(async (e) => ({ file: e.file, intent: (await compile(e.text)).spec.intent })),
);

function errorsOf(validate: ValidateFunction, value: unknown): string[] {
  const ok = validate(value);
  return ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${e.message ?? ""}`);
}

function ourSchemaValidator(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(ts28312Schema);
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

describe("compiled intents conform to our TS 28.312 schema", () => {
  const validate = ourSchemaValidator();

  for (const { file, intent } of compiledIntents) {
    it(`${file}: intent validates against schemas/ts28312-intent.v18.schema.json`, async () => {
      expect(errorsOf(validate, intent)).toEqual([]);
    });
  }

  it("GIVEN an intent with intentPriority 101 THEN our schema rejects it", async () => {
    const wrong = { ...clone(compiledIntents[0]!.intent), intentPriority: 101 };
    expect(errorsOf(validate, wrong)).not.toEqual([]);
  });

  it('GIVEN an intent with objectType "Nonsense" THEN our schema rejects it', async () => {
    const wrong = clone(compiledIntents[0]!.intent);
    (wrong.intentExpectations[0]!.expectationObject as { objectType: string }).objectType = "Nonsense";
    expect(errorsOf(validate, wrong)).not.toEqual([]);
  });
});

describe("compiled intents conform to the official 3GPP TS 28.312 Intent NRM", () => {
  const validate = threeGppValidator("TS28312_IntentNrm.yaml", "Intent-Single");

  for (const { file, intent } of compiledIntents) {
    it(`${file}: intent validates against TS28312_IntentNrm.yaml#/components/schemas/Intent-Single`, async () => {
      expect(errorsOf(validate, intent)).toEqual([]);
    });
  }

  const base = (): Intent28312 => clone(compiledIntents[0]!.intent);
  const wrongIntents: Array<[string, () => unknown]> = [
    ["intentPriority 101", () => ({ ...base(), intentPriority: 101 })],
    ["intentPriority 0", () => ({ ...base(), intentPriority: 0 })],
    ["intentAdminState PAUSED", () => ({ ...base(), intentAdminState: "PAUSED" })],
    [
      'expectationVerb "MAYBE"',
      () => {
        const intent = base();
        (intent.intentExpectations[0] as { expectationVerb: string }).expectationVerb = "MAYBE";
        return intent;
      },
    ],
    [
      'an intent context with contextCondition "IS_MAYBE"',
      () => ({
        ...base(),
        intentContexts: [{ contextAttribute: "x", contextCondition: "IS_MAYBE", contextValueRange: 1 }],
      }),
    ],
    ["intentExpectations not a list", () => ({ ...base(), intentExpectations: { a: 1 } })],
  ];
  // Not in this list: a wrong objectType or objectContext. The official text cannot catch those, because
  // its 5GCNetworkExpectation spells the member `expectationObjects`, so any `expectationObject` matches it.
  for (const [name, make] of wrongIntents) {
    it(`GIVEN a compiled intent with ${name} THEN the official-schema validator rejects it`, async () => {
      expect(errorsOf(validate, make())).not.toEqual([]);
    });
  }
});

describe("standard targets match their 3GPP specialisations", () => {
  // The generic ExpectationTarget admits anything; these check the 3GPP-defined targets by their own types.
  const specialised: Record<string, ValidateFunction> = {
    DlLatency: threeGppValidator("TS28312_IntentExpectations.yaml", "DLLatencyTarget"),
    UlLatency: threeGppValidator("TS28312_IntentExpectations.yaml", "ULLatencyTarget"),
    DlThptPerUE: threeGppValidator("TS28312_IntentExpectations.yaml", "DLThptPerUETarget"),
    UlThptPerUE: threeGppValidator("TS28312_IntentExpectations.yaml", "ULThptPerUETarget"),
    maxNumberofUEs: threeGppValidator("TS28312_IntentExpectations.yaml", "MaxNumberofUEsTarget"),
  };
  const targets = compiledIntents.flatMap(({ file, intent }) =>
    intent.intentExpectations.flatMap((e) =>
      (e.expectationTargets ?? [])
        .filter((t) => t.targetName in specialised)
        .map((t) => ({ file, target: t })),
    ),
  );

  it("GIVEN the examples THEN they use every specialised target at least once", async () => {
    expect(new Set(targets.map((t) => t.target.targetName))).toEqual(new Set(Object.keys(specialised)));
  });

  for (const { file, target } of targets) {
    it(`${file}: ${target.targetName} validates against its specialised 3GPP target type`, async () => {
      expect(errorsOf(specialised[target.targetName]!, target)).toEqual([]);
    });
  }

  it("GIVEN DlLatency with a fractional value THEN DLLatencyTarget rejects it", async () => {
    const target = { targetName: "DlLatency", targetCondition: "IS_LESS_THAN", targetValueRange: 2.5 };
    expect(errorsOf(specialised.DlLatency!, target)).not.toEqual([]);
  });
});

describe("example inputs conform to the official TMF921 v5 Intent_FVO", () => {
  const validate = tmf921Validator("Intent_FVO");

  for (const { file, stem } of EXAMPLES) {
    it(`${file} validates against Intent_FVO`, async () => {
      expect(errorsOf(validate, exampleJson(stem))).toEqual([]);
    });
  }

  const wrongInputs: Array<[string, (input: Record<string, unknown>) => void]> = [
    ["no name", (input) => delete input.name],
    ["no expression", (input) => delete input.expression],
    ["an expression without iri", (input) => delete (input.expression as Record<string, unknown>).iri],
    ["a numeric name", (input) => (input.name = 42)],
    ["a numeric priority", (input) => (input.priority = 5)],
    ["no @type", (input) => delete input["@type"]],
  ];
  for (const [name, spoil] of wrongInputs) {
    it(`GIVEN an example intent with ${name} THEN Intent_FVO rejects it`, async () => {
      const input = exampleJson("edge-analytics");
      spoil(input);
      expect(errorsOf(validate, input)).not.toEqual([]);
    });
  }

  it("GIVEN TMF921's own JSON-LD example THEN JsonLdExpressionValue_FVO rejects it, so it is not applied", () => {
    // The discriminator would send a JsonLdExpression to JsonLdExpression_FVO, whose expressionValue schema
    // (a mechanical copy of a JSON-LD meta-schema) demands "@type" on every object and object-valued
    // @context terms: it rejects the specification's own example. Our profile schema checks expressionValue.
    const spec = parse(readFileSync(join(ROOT, "schemas", "tmf921", TMF921_ID), "utf8")) as {
      components: { examples: Record<string, { value: { expression: unknown } }> };
    };
    const example = spec.components.examples.Intent_create_example_01_request!.value;
    expect(errorsOf(validate, example)).toEqual([]);
    expect(errorsOf(tmf921Validator("JsonLdExpression_FVO"), example.expression)).not.toEqual([]);
  });
});
