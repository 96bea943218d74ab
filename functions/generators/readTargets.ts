/**
 * The `expectationTargets` of the ENSURE expectations that refer to a DELIVER, as numeric bounds.
 *
 * A bound says what the target requires of the measured value: `upper` (value must stay below, `strict`
 * for IS_LESS_THAN), `lower` (value must stay above, `strict` for IS_GREATER_THAN) or `range` (inclusive).
 */
import type { Condition, ExpectationTarget, IntentExpectation } from "../../compiler/types.js";
import { GeneratorError, type GeneratorWhere } from "./GeneratorError.js";

export type Bound =
  | { kind: "upper"; value: number; strict: boolean }
  | { kind: "lower"; value: number; strict: boolean }
  | { kind: "range"; min: number; max: number };

/** One target with the ENSURE expectation it came from. */
export interface TargetReading {
  expectationId: string;
  targetName: string;
  condition: Condition;
  target: ExpectationTarget;
}

/** Flattens the targets of `ensures` (sorted by expectation id, then target name, for determinism). */
export function readTargets(ensures: readonly IntentExpectation[]): TargetReading[] {
  const readings: TargetReading[] = [];
  for (const ensure of ensures) {
    for (const target of ensure.expectationTargets ?? []) {
      readings.push({
        expectationId: ensure.expectationId,
        targetName: target.targetName,
        condition: target.targetCondition,
        target,
      });
    }
  }
  return readings.sort((a, b) =>
    a.expectationId === b.expectationId
      ? compare(a.targetName, b.targetName)
      : compare(a.expectationId, b.expectationId),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first target named `name`, if any. */
export function findTarget(readings: readonly TargetReading[], name: string): TargetReading | undefined {
  return readings.find((r) => r.targetName === name);
}

/**
 * The numeric bound of a target. Only the comparison conditions and IS_WITHIN_RANGE carry one; other
 * conditions, or non-numeric values, are refused with `E_GEN_INVALID_PARAM`.
 */
export function boundOf(reading: TargetReading, where: GeneratorWhere): Bound {
  const here: GeneratorWhere = {
    ...where,
    expectationId: reading.expectationId,
    attribute: reading.targetName,
  };
  const value = reading.target.targetValueRange;
  const fail = (message: string): never => {
    throw new GeneratorError("E_GEN_INVALID_PARAM", here, message);
  };
  const number = (v: unknown): number =>
    typeof v === "number" && Number.isFinite(v) ? v : fail(`expected a number, got ${JSON.stringify(v)}`);
  const single = (): number => number(Array.isArray(value) && value.length === 1 ? value[0] : value);
  switch (reading.condition) {
    case "IS_LESS_THAN":
      return { kind: "upper", value: single(), strict: true };
    case "IS_EQUAL_TO_OR_LESS_THAN":
      return { kind: "upper", value: single(), strict: false };
    case "IS_GREATER_THAN":
      return { kind: "lower", value: single(), strict: true };
    case "IS_EQUAL_TO_OR_GREATER_THAN":
      return { kind: "lower", value: single(), strict: false };
    case "IS_WITHIN_RANGE": {
      if (!Array.isArray(value) || value.length !== 2) return fail("IS_WITHIN_RANGE needs [min, max]");
      const min = number(value[0]);
      const max = number(value[1]);
      if (min > max) return fail(`range [${min}, ${max}] is empty`);
      return { kind: "range", min, max };
    }
    default:
      return fail(`condition ${reading.condition} has no numeric bound`);
  }
}

/** The highest value a bound allows (for upper and range bounds), used to size HPA targets and 5QIs. */
export function upperLimitOf(bound: Bound): number | undefined {
  return bound.kind === "upper" ? bound.value : bound.kind === "range" ? bound.max : undefined;
}
