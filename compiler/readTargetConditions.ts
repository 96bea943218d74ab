/**
 * Reads the conditions of one property parameter (`"io:p95Latency": [{ "quan:smaller": "100 ms" }]`) into
 * TS 28.312 `ExpectationTarget`s: one target per condition, values in the parameter's canonical unit.
 */
import { pointerOf } from "./canonicalJson.js";
import type { Problem } from "./errors.js";
import { isRecord, type NameResolver } from "./jsonLdProfile.js";
import { normaliseQuantity } from "./normaliseQuantity.js";
import type { ReadResult } from "./readParamValue.js";
import type { Condition, ExpectationTarget, ValueRange } from "./types.js";
import { CONDITION_KEYS, type PropertyParam } from "./vocabulary.js";

const CONDITION_SPELLING: Readonly<Record<Condition, string>> = {
  IS_LESS_THAN: "quan:smaller",
  IS_GREATER_THAN: "quan:greater",
  IS_EQUAL_TO_OR_LESS_THAN: "icm:atMost",
  IS_EQUAL_TO_OR_GREATER_THAN: "icm:atLeast",
  IS_WITHIN_RANGE: "quan:inRange",
  IS_EQUAL_TO: "icm:value",
  IS_OUTSIDE_RANGE: "-",
  IS_ONE_OF: "-",
  IS_NOT_ONE_OF: "-",
  IS_ALL_OF: "-",
};

/**
 * @example readTargetConditions(p95, [{ "quan:smaller": "0.1 s" }], …)
 *   → [{ targetName: "p95Latency", targetCondition: "IS_LESS_THAN", targetValueRange: 100 }]
 */
export function readTargetConditions(
  param: PropertyParam,
  raw: unknown,
  pointer: string,
  resolver: NameResolver,
): ReadResult<ExpectationTarget[]> {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) return fail("E_TYPE", pointer, "needs at least one condition");
  const problems: Problem[] = [];
  const targets: ExpectationTarget[] = [];
  list.forEach((item, i) => {
    const at = Array.isArray(raw) ? pointer + pointerOf(i) : pointer;
    if (!isRecord(item) || Object.keys(item).length !== 1) {
      problems.push({
        // Not a condition node at all is a matter of form; a node with two conditions says two things.
        code: isRecord(item) ? "E_CONDITION" : "E_FORM",
        pointer: at,
        message: `expected one condition object such as { "quan:smaller": "100 ms" } (conditions: ${[...CONDITION_KEYS.keys()].join(", ")})`,
      });
      return;
    }
    const key = Object.keys(item)[0]!;
    const canonical = resolver.canonical(key);
    const mapped = canonical ? CONDITION_KEYS.get(canonical) : undefined;
    if (!mapped) {
      problems.push({
        code: "E_CONDITION",
        pointer: at + pointerOf(key),
        message: `"${key}" is not a condition (expected one of ${[...CONDITION_KEYS.keys()].join(", ")})`,
      });
      return;
    }
    const condition: Condition = mapped === "VALUE" ? "IS_EQUAL_TO" : mapped;
    if (!param.conditions.includes(condition)) {
      problems.push({
        code: "E_CONDITION",
        pointer: at + pointerOf(key),
        message: `${param.targetName} cannot use ${key} (${condition}); it accepts ${param.conditions
          .map((c) => `${CONDITION_SPELLING[c]} (${c})`)
          .join(", ")}`,
      });
      return;
    }
    const value = readConditionValue(param, condition, item[key], at + pointerOf(key), resolver);
    if (!value.ok) problems.push(...value.problems);
    else
      targets.push({
        targetName: param.targetName,
        targetCondition: condition,
        targetValueRange: value.value,
      });
  });
  return problems.length ? { ok: false, problems } : { ok: true, value: targets };
}

function readConditionValue(
  param: PropertyParam,
  condition: Condition,
  raw: unknown,
  pointer: string,
  resolver: NameResolver,
): ReadResult<ValueRange | ValueRange[]> {
  if (condition === "IS_WITHIN_RANGE") {
    const bounds = rangeBounds(raw, resolver);
    if (!bounds) {
      return fail("E_VALUE", pointer, 'a range needs { "quan:min": …, "quan:max": … } or a list [min, max]');
    }
    const min = quantity(param, bounds[0], pointer);
    const max = quantity(param, bounds[1], pointer);
    if (!min.ok || !max.ok)
      return { ok: false, problems: [...(min.ok ? [] : min.problems), ...(max.ok ? [] : max.problems)] };
    if (min.value > max.value)
      return fail("E_RANGE", pointer, `the range minimum ${min.value} is above its maximum ${max.value}`);
    return { ok: true, value: [min.value, max.value] };
  }
  const single = quantity(param, raw, pointer);
  if (!single.ok) return single;
  if (param.value.kind === "xlThpt") return { ok: true, value: { guaThpt: single.value } };
  return single;
}

function quantity(param: PropertyParam, raw: unknown, pointer: string): ReadResult<number> {
  const kind = param.value.kind === "xlThpt" ? ({ kind: "rate", unit: "kbps" } as const) : param.value;
  const result = normaliseQuantity(raw, kind);
  if (!result.ok) return fail(result.code, pointer, `${param.targetName}: ${result.message}`);
  if (param.value.kind === "duration" && param.value.integer && !Number.isInteger(result.value)) {
    return fail("E_RANGE", pointer, `${param.targetName} must be a whole number of ms`);
  }
  return { ok: true, value: result.value };
}

function rangeBounds(raw: unknown, resolver: NameResolver): [unknown, unknown] | undefined {
  if (Array.isArray(raw) && raw.length === 2) return [raw[0], raw[1]];
  if (isRecord(raw)) {
    let min: unknown;
    let max: unknown;
    for (const [key, value] of Object.entries(raw)) {
      const name = resolver.canonical(key);
      if (name === "quan:min") min = value;
      else if (name === "quan:max") max = value;
      else return undefined;
    }
    if (min !== undefined && max !== undefined) return [min, max];
  }
  return undefined;
}

function fail<T>(code: string, pointer: string, message: string): ReadResult<T> {
  return { ok: false, problems: [{ code, pointer, message }] };
}
