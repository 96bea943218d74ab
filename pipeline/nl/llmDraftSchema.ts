/**
 * llmDraftSchema: what an OpenAI-compatible model is asked for — the JSON schema of its answer (our TMF921
 * Intent schema with our expression profile inlined as `expression.expressionValue`, the sites narrowed to
 * the registry's ids) and the system prompt naming the vocabulary. The answer is still compiled: the
 * schema guides the model, the compiler judges.
 */
import type { SiteRegistry } from "../../compiler/types.js";
import { DELIVERY_PARAMS, PROPERTY_PARAMS } from "../../compiler/vocabulary.js";
import expressionSchema from "../../schemas/intentops-expression.v1.schema.json" with { type: "json" };
import intentSchema from "../../schemas/tmf921-intent.v5.schema.json" with { type: "json" };

type Json = Record<string, unknown>;

/** The `response_format.json_schema.schema` sent with every request. */
export function llmDraftSchema(registry: SiteRegistry): Json {
  const intent = structuredClone(intentSchema) as Json;
  const expression = structuredClone(expressionSchema) as Json;
  const { $schema: _s, $id: _i, title: _t, description: _d, definitions, ...expressionRest } = expression;
  const properties = intent.properties as Json;
  const expressionProperty = structuredClone(properties.expression) as Json;
  const inner = (expressionProperty.properties ?? {}) as Json;
  inner.expressionValue = {
    ...expressionRest,
    properties: {
      ...((expressionRest.properties as Json | undefined) ?? {}),
      "@type": { const: "icm:Intent" },
      "icm:hasExpectation": ((definitions as Json).intentNode as Json & { properties: Json }).properties[
        "icm:hasExpectation"
      ],
    },
  };
  expressionProperty.properties = inner;
  const { $schema: _s2, $id: _i2, title: _t2, description: _d2, ...intentRest } = intent;
  const defs = definitions as Json & { expectation: Json & { properties: Json } };
  const siteId = { type: "string", enum: registry.sites.map((s) => s.id) };
  defs.expectation.properties["icm:params"] = {
    type: "object",
    properties: { "io:site": { anyOf: [siteId, { type: "array", minItems: 1, items: siteId }] } },
  };
  const schema: Json = {
    ...intentRest,
    properties: { ...properties, expression: expressionProperty },
    definitions: defs,
  };
  return schema;
}

/** The system prompt: the profile, the vocabulary and the sites, as facts the model must keep to. */
export function llmSystemPrompt(registry: SiteRegistry): string {
  const sites = registry.sites.map((s) => `${s.id} (${s.kind})`);
  return [
    "You turn an operator's request into one TMF921 v5 Intent (JSON) in the intentops JSON-LD profile.",
    'The Intent has "@type": "Intent", "id" (a DNS label), "name", "description", "version": "1" and',
    '"expression": { "@type": "JsonLdExpression", "iri": "https://intentops.io/intents/<id>", "expressionValue": … }.',
    'expressionValue: "@context" { icm: http://tio.models.tmforum.org/tio/v3.6.0/IntentCommonModel/, quan:',
    "http://tio.models.tmforum.org/tio/v3.6.0/QuantityOntology/, io: https://intentops.io/ontology/v1# },",
    '"@id": "io:<id>", "@type": "icm:Intent", "icm:hasExpectation": [ one icm:DeliveryExpectation whose',
    'icm:params hold "icm:targetDescription" (io:EdgeService_Support | io:RAN_SubNetwork | io:5GC_SubNetwork) and',
    "the delivery parameters; optionally one icm:PropertyExpectation whose icm:params map objective keys to",
    'a list of one condition { "quan:smaller" | "quan:greater" | "icm:atMost" | "icm:atLeast": "<number> <unit>" } ].',
    `Sites: ONLY these ids exist: ${sites.join("; ")}. Never use another site; if the request names an unknown site, still use only known ones and say nothing else.`,
    "Delivery parameters (io:…):",
    ...DELIVERY_PARAMS.map((p) => `- ${p.key}: ${p.doc}`),
    "Objectives (io:…):",
    ...PROPERTY_PARAMS.map((p) => `- ${p.key}: ${p.doc} Conditions: ${p.conditions.join(", ")}.`),
    "Answer with the Intent JSON only.",
  ].join("\n");
}
