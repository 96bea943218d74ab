/**
 * validateResource: checks a value against a schema of the TMF921 document or of ours, outside a route's
 * own validation (a PATCH result, a body of either accepted shape), as problem items with JSON pointers.
 */
import { Ajv, type ValidateFunction } from "ajv";
import * as addFormatsModule from "ajv-formats";
import { OURS_SCHEMA_ID, ourSchemas, TMF921_SCHEMA_ID, tmf921Schemas } from "./openApiDocument.js";
import type { ProblemItem } from "./problem.js";

const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv }).default;

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: false, formats: { base64: true } });
    addFormats(ajv);
    ajv.addSchema(tmf921Schemas());
    ajv.addSchema(ourSchemas());
  }
  return ajv;
}

/** A validator for `tmf921:Intent_FVO` or `ours:Problem`. */
export function validatorFor(name: `${"tmf921" | "ours"}:${string}`): ValidateFunction {
  let fn = compiled.get(name);
  if (!fn) {
    const [doc, schema] = name.split(":") as [string, string];
    const id = doc === "tmf921" ? TMF921_SCHEMA_ID : OURS_SCHEMA_ID;
    fn = instance().compile({ $ref: `${id}#/components/schemas/${schema}` });
    compiled.set(name, fn);
  }
  return fn;
}

/** Problems of `value` against the schema (at most 20), each with its JSON pointer. */
export function validateResource(
  name: `${"tmf921" | "ours"}:${string}`,
  value: unknown,
  at = "",
): ProblemItem[] {
  const fn = validatorFor(name);
  if (fn(value)) return [];
  return (fn.errors ?? []).slice(0, 20).map((e) => ({
    pointer: `${at}${e.instancePath}${e.keyword === "required" ? `/${String(e.params.missingProperty)}` : ""}`,
    detail: e.message ?? e.keyword,
    code: `E_SCHEMA_${e.keyword.toUpperCase()}`,
  }));
}
