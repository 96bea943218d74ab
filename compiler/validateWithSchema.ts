/**
 * JSON Schema validation (ajv, all errors at once) turned into `Problem`s that a person can read:
 * one sentence per problem, pointing at the offending member, with the noise of `oneOf` branches folded
 * into a single message.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { pointerOf } from "./canonicalJson.js";
import type { Problem } from "./errors.js";
// Compiled ahead of time (compiler/buildSchemaValidators.ts): compiling the schemas at first use cost a
// one-intent render most of its time.
import * as precompiled from "./generated/schemaValidators.js";

export type SchemaName =
  | "tmf921Intent"
  | "expressionIntentNode"
  | "expressionValue"
  | "ts28312Intent"
  | "siteRegistry"
  | "vocabularyMappings";

function validatorFor(name: SchemaName): ValidateFunction {
  const validate = (precompiled as unknown as Partial<Record<SchemaName, ValidateFunction>>)[name];
  if (!validate) throw new Error(`schema ${name} is not compiled`);
  return validate;
}

/**
 * Validates `value` against one of the project's schemas. `basePointer` prefixes every pointer (for a value
 * that sits inside a larger document).
 *
 * @example validateWithSchema("siteRegistry", parsedYaml) → [] when valid
 */
export function validateWithSchema(name: SchemaName, value: unknown, basePointer = ""): Problem[] {
  const validate = validatorFor(name);
  if (validate(value)) return [];
  return describeErrors(validate.errors ?? [], basePointer);
}

/** ajv may report hundreds of thousands of errors for a hostile input; a person reads the first few. */
const MAX_SCHEMA_ERRORS = 200;

function describeErrors(all: readonly ErrorObject[], basePointer: string): Problem[] {
  const errors = all.slice(0, MAX_SCHEMA_ERRORS);
  // A failing oneOf/anyOf reports every branch's complaints too; keep only the oneOf's own message.
  const unions = errors.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf");
  const kept = errors.filter(
    (e) =>
      e.keyword === "if" ||
      !unions.some(
        (u) => u !== e && e.schemaPath.startsWith(u.schemaPath.replace(/\/(oneOf|anyOf)$/, "/$1/")),
      ),
  );
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of kept) {
    if (error.keyword === "if") continue; // the failing `then` branch says what is wrong
    const problem = describeError(error, basePointer);
    const key = `${problem.pointer}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  if (all.length > MAX_SCHEMA_ERRORS) {
    problems.push(
      problem(
        "E_TOO_MANY_PROBLEMS",
        basePointer,
        `${all.length - MAX_SCHEMA_ERRORS} more schema error(s) not listed`,
      ),
    );
  }
  return problems;
}

function describeError(error: ErrorObject, basePointer: string): Problem {
  const at = basePointer + error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return problem("E_REQUIRED", at + pointerOf(String(params.missingProperty)), "is required but missing");
    case "additionalProperties":
      return problem(
        "E_UNKNOWN_FIELD",
        at + pointerOf(String(params.additionalProperty)),
        `"${String(params.additionalProperty)}" is not an accepted field here`,
      );
    case "type":
      return problem("E_TYPE", at, `expected ${article(String(params.type))}, got ${typeName(error.data)}`);
    case "enum":
      return problem(
        "E_ENUM",
        at,
        `${preview(error.data)} is not one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
      );
    case "const":
      return problem(
        "E_ENUM",
        at,
        `must be ${JSON.stringify(params.allowedValue)}, got ${preview(error.data)}`,
      );
    case "pattern":
      return problem(
        "E_PATTERN",
        at,
        `${preview(error.data)} is not of the accepted form (${String(params.pattern)})`,
      );
    case "format":
      return problem("E_FORMAT", at, `${preview(error.data)} is not a valid ${String(params.format)}`);
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return problem(
        "E_RANGE",
        at,
        `${preview(error.data)} ${String(params.comparison)} ${String(params.limit)} does not hold`,
      );
    case "minLength":
      return problem("E_RANGE", at, "must not be empty");
    case "maxLength":
      return problem("E_RANGE", at, `is longer than ${String(params.limit)} characters`);
    case "minItems":
    case "minProperties":
      return problem(
        "E_RANGE",
        at,
        `needs at least ${String(params.limit)} entr${params.limit === 1 ? "y" : "ies"}`,
      );
    case "maxItems":
    case "maxProperties":
      return problem("E_RANGE", at, `has more than ${String(params.limit)} entries`);
    case "not":
      return problem("E_CONFLICT", at, "has a field that is not allowed together with the others");
    case "oneOf":
    case "anyOf": {
      const description = (error.parentSchema as { description?: string } | undefined)?.description;
      return problem(
        "E_SHAPE",
        at,
        `does not have an accepted shape${description ? `: ${description}` : ""}`,
      );
    }
    default:
      return problem("E_SCHEMA", at, error.message ?? "is invalid");
  }
}

/** The offending value, shortened: an attacker's 1 MB string is not echoed back. */
function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function problem(code: string, pointer: string, message: string): Problem {
  return { code, pointer, message };
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return article(typeof value);
}

function article(type: string): string {
  const names: Record<string, string> = { object: "an object", array: "a list", integer: "a whole number" };
  return names[type] ?? (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);
}
