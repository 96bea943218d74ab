/**
 * Checks an SLO policy against `schemas/slo-policy.v1.schema.json` and the rules a schema cannot say, and
 * returns a frozen deep copy: a policy read back from evidence or built with overrides is as trustworthy
 * as one just derived.
 */
import { Ajv } from "ajv";
import type { Problem } from "../../compiler/errors.js";
import policySchema from "../../schemas/slo-policy.v1.schema.json" with { type: "json" };
import { SloError } from "./SloError.js";
import type { SloPolicy } from "./types.js";

const ajv = new Ajv({ allErrors: true, strict: false });
const validateSchema = ajv.compile(policySchema);

/**
 * Validates `policy` and returns it deeply frozen.
 *
 * Beyond the schema: target ids are unique; `forSeconds` fits in the window (a longer one could never
 * count, so every breach would end inconclusive); `minSamples` is reachable with the window and interval;
 * a `within` range has min ≤ max.
 *
 * @throws SloError `E_SLO_INVALID_POLICY` with every problem found
 * @example validateSloPolicy(deriveSloPolicy(compiled, "edge1")) // → the same policy, frozen
 */
export function validateSloPolicy(policy: unknown): Readonly<SloPolicy> {
  const problems: Problem[] = [];
  if (!validateSchema(policy)) {
    for (const e of validateSchema.errors ?? []) {
      if (e.keyword === "if") continue;
      problems.push({ code: "E_SCHEMA", pointer: e.instancePath, message: e.message ?? e.keyword });
    }
  } else {
    problems.push(...semanticProblems(policy as unknown as SloPolicy));
  }
  const subject = subjectOf(policy);
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new SloError(
      "E_SLO_INVALID_POLICY",
      `invalid SLO policy: ${first.pointer || "/"}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ""}`,
      { problems, ...(subject ? { subject } : {}) },
    );
  }
  return deepFreeze(structuredClone(policy as SloPolicy));
}

function semanticProblems(policy: SloPolicy): Problem[] {
  const problems: Problem[] = [];
  // Evaluations happen at 0, interval, 2·interval, … ≤ window.
  const maxEvaluations = Math.floor(policy.windowSeconds / policy.intervalSeconds + 1e-9) + 1;
  const seen = new Set<string>();
  policy.targets.forEach((t, i) => {
    const at = (field: string) => `/targets/${i}/${field}`;
    if (seen.has(t.id))
      problems.push({ code: "E_DUPLICATE", pointer: at("id"), message: `duplicate id ${t.id}` });
    seen.add(t.id);
    if (t.forSeconds > policy.windowSeconds) {
      problems.push({
        code: "E_RANGE",
        pointer: at("forSeconds"),
        message: `for ${t.forSeconds}s is longer than the ${policy.windowSeconds}s window: a breach could never count`,
      });
    }
    if (t.minSamples > maxEvaluations) {
      problems.push({
        code: "E_RANGE",
        pointer: at("minSamples"),
        message: `${t.minSamples} samples required but a ${policy.windowSeconds}s window at ${policy.intervalSeconds}s holds at most ${maxEvaluations}`,
      });
    }
    if (Array.isArray(t.threshold) && t.threshold[0] > t.threshold[1]) {
      problems.push({
        code: "E_RANGE",
        pointer: at("threshold"),
        message: "range minimum is above its maximum",
      });
    }
  });
  return problems;
}

function subjectOf(policy: unknown): string | undefined {
  if (policy === null || typeof policy !== "object") return undefined;
  const { site, intentId } = policy as { site?: unknown; intentId?: unknown };
  return typeof site === "string" && typeof intentId === "string" ? `${site}/${intentId}` : undefined;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
