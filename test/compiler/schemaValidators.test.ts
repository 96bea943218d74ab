/**
 * The precompiled schema validators (compiler/generated/schemaValidators.ts) are exactly what the schemas
 * compile to today, and they judge documents as validators compiled at run time would.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import * as addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { AJV_OPTIONS, buildSchemaValidators, SCHEMA_REFS } from "../../compiler/buildSchemaValidators.js";
import * as generated from "../../compiler/generated/schemaValidators.js";
import expressionSchema from "../../schemas/intentops-expression.v1.schema.json" with { type: "json" };
import siteRegistrySchema from "../../schemas/site-registry.v1.schema.json" with { type: "json" };
import tmf921Schema from "../../schemas/tmf921-intent.v5.schema.json" with { type: "json" };
import ts28312Schema from "../../schemas/ts28312-intent.v18.schema.json" with { type: "json" };
import vocabularyMappingsSchema from "../../schemas/vocabulary-mappings.v1.schema.json" with { type: "json" };

const FILE = join(dirname(fileURLToPath(import.meta.url)), "../../compiler/generated/schemaValidators.ts");
const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv }).default;
type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };

describe("precompiled schema validators", () => {
  it("are up to date with schemas/ (UPDATE_GOLDEN=1 rewrites them)", () => {
    const fresh = buildSchemaValidators();
    if (process.env.UPDATE_GOLDEN) writeFileSync(FILE, fresh);
    expect(readFileSync(FILE, "utf8")).toBe(fresh);
  });

  it("give the same verdict and errors as validators compiled at run time", () => {
    const ajv = new Ajv(AJV_OPTIONS);
    addFormats(ajv);
    ajv.addSchema([
      tmf921Schema,
      expressionSchema,
      ts28312Schema,
      siteRegistrySchema,
      vocabularyMappingsSchema,
    ]);
    const example = JSON.parse(
      readFileSync(join(dirname(FILE), "../../intents/edge-analytics.json"), "utf8"),
    ) as Record<string, unknown>;
    const documents: unknown[] = [
      example,
      { ...example, "@type": "ProbeIntent", priority: 5, validFor: { startDateTime: "yesterday" } },
      {},
      [],
      "text",
      { sites: [{ id: "edge1" }] },
    ];
    for (const name of Object.keys(SCHEMA_REFS) as (keyof typeof SCHEMA_REFS)[]) {
      const runtime = ajv.getSchema(SCHEMA_REFS[name])!;
      const precompiled = (generated as unknown as Record<string, Validate>)[name]!;
      for (const doc of documents) {
        expect(precompiled(doc), `${name}`).toBe(runtime(doc));
        expect(JSON.parse(JSON.stringify(precompiled.errors ?? null))).toEqual(
          JSON.parse(JSON.stringify(runtime.errors ?? null)),
        );
      }
    }
  });
});
