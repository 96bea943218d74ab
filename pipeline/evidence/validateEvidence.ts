/** Validation of evidence records against `schemas/evidence.v1.schema.json`. */
import { Ajv } from "ajv";
import { IntentopsError } from "../../compiler/errors.js";
import schema from "../../schemas/evidence.v1.schema.json" with { type: "json" };

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

/** Problems with a record, as `pointer: message` lines; empty when valid. */
export function evidenceProblems(record: unknown): string[] {
  if (validate(record)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message ?? "invalid"}`);
}

/** Throws `E_EVIDENCE_INVALID` when a record we are about to write does not match the schema (a bug). */
export function assertValidEvidence(record: unknown, subject: string): void {
  const problems = evidenceProblems(record);
  if (problems.length) {
    throw new IntentopsError(
      "E_EVIDENCE_INVALID",
      `evidence record does not match its schema: ${problems.join("; ")}`,
      {
        subject,
      },
    );
  }
}
