/**
 * Loads the official, unmodified 3GPP and TMF921 OpenAPI texts into ajv validators for the conformance
 * tests. The texts are OpenAPI 3.0 rather than plain JSON Schema, so three keywords are adapted while
 * loading (in memory only; the files stay byte-for-byte as published):
 *
 * - `oneOf` → `anyOf`. The 3GPP texts list a generic type next to its specialisations (e.g. the generic
 *   `ExpectationTarget` next to `DLLatencyTarget`), and the generic one matches everything a specialised one
 *   matches, so a strict "exactly one" rejects every valid intent. `anyOf` keeps the meaning the authors
 *   intended: the value must be one of the listed types.
 * - `nullable: true` is handled by ajv's own OpenAPI `nullable` support (it needs a sibling `type`; where
 *   there is none, as in `additionalProperties: { nullable: true }`, the keyword is dropped because an
 *   untyped schema already admits null).
 * - `discriminator` is removed: ajv only supports it together with `oneOf` and without `mapping`, while
 *   TMF921 puts it with `mapping` on `allOf` schemas. It only tells code generators which subtype `@type`
 *   names; the base schemas (`Intent_FVO`, `IntentExpression_FVO`) still check the common members. The
 *   subtype it would pick for `expression`, `JsonLdExpression_FVO`, rejects TMF921's own JSON-LD example
 *   (see conformance.test.ts), so the expression value is left to our profile schema.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import * as addFormatsModule from "ajv-formats";
import { parse } from "yaml";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv }).default;

export const THREE_GPP_FILES = [
  "TS28312_IntentNrm.yaml",
  "TS28312_IntentExpectations.yaml",
  "TS28541_NrNrm.yaml",
  "TS28541_SliceNrm.yaml",
  "TS28623_ComDefs.yaml",
  "TS28623_GenericNrm.yaml",
] as const;

export const TMF921_ID = "TMF921-IntentManagement-v5.0.0.openapi.yaml";

/** Rewrites an OpenAPI 3.0 document into JSON Schema that ajv accepts (see the file comment). */
export function adaptOpenApi(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(adaptOpenApi);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "discriminator") continue;
    if (key === "nullable" && !("type" in node)) continue;
    out[key === "oneOf" ? "anyOf" : key] = adaptOpenApi(value);
  }
  return out;
}

function newAjv(): Ajv {
  // strict: false because OpenAPI documents carry keywords JSON Schema does not know (example, xml, …).
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}

function loadYaml(path: string): Record<string, unknown> {
  return adaptOpenApi(parse(readFileSync(path, "utf8"))) as Record<string, unknown>;
}

let threeGpp: Ajv | undefined;

/** An ajv instance holding the six 3GPP documents, each under its file name as `$id`. */
export function threeGppAjv(): Ajv {
  if (!threeGpp) {
    threeGpp = newAjv();
    for (const file of THREE_GPP_FILES) {
      threeGpp.addSchema({ ...loadYaml(join(ROOT, "schemas", "3gpp", file)), $id: file });
    }
  }
  return threeGpp;
}

/** Validator for a schema in one of the 3GPP files, e.g. `("TS28312_IntentNrm.yaml", "Intent-Single")`. */
export function threeGppValidator(file: (typeof THREE_GPP_FILES)[number], schema: string): ValidateFunction {
  const ref = `${file}#/components/schemas/${schema}`;
  const validate = threeGppAjv().getSchema(ref);
  if (!validate) throw new Error(`cannot compile ${ref}`);
  return validate;
}

let tmf921: Ajv | undefined;

/** Validator for `#/components/schemas/<schema>` of the official TMF921 v5 OpenAPI document. */
export function tmf921Validator(schema: string): ValidateFunction {
  if (!tmf921) {
    tmf921 = newAjv();
    tmf921.addSchema({
      ...loadYaml(join(ROOT, "schemas", "tmf921", TMF921_ID)),
      $id: TMF921_ID,
    });
  }
  const ref = `${TMF921_ID}#/components/schemas/${schema}`;
  const validate = tmf921.getSchema(ref);
  if (!validate) throw new Error(`cannot compile ${ref}`);
  return validate;
}
