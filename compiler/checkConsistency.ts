/**
 * Checks that what an intent asks for can hold at all, once each value is valid on its own:
 *   - targets on one property agree with each other (`p95 < 10 ms` and `p95 > 20 ms` cannot both hold) and
 *     can hold (`p95 < 0 ms` never does);
 *   - a request is not above its limit (`cpuRequest 2` with `cpuLimit 500m`);
 *   - DNS record targets are valid for the record type (an `A` record holds IPv4 addresses, not
 *     `$(touch /tmp/x)`).
 */
import { pointerOf } from "./canonicalJson.js";
import type { Problem } from "./errors.js";
import type { Context, ExpectationTarget, IntentExpectation } from "./types.js";
import { DELIVERY_BY_ATTRIBUTE, PROPERTY_BY_TARGET } from "./vocabulary.js";

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME =
  /^(?=.{1,253}\.?$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.?$/i;
const TXT = /^[\x20-\x7e]{1,255}$/;
const K8S_FACTORS: ReadonlyMap<string, number> = new Map([
  ["", 1],
  ["m", 1e-3],
  ["k", 1e3],
  ["M", 1e6],
  ["G", 1e9],
  ["T", 1e12],
  ["Ki", 1024],
  ["Mi", 1024 ** 2],
  ["Gi", 1024 ** 3],
  ["Ti", 1024 ** 4],
]);

export function checkConsistency(
  expectations: readonly IntentExpectation[],
  pointers: Readonly<Record<string, string>>,
  problems: Problem[],
): void {
  for (const expectation of expectations) {
    const at = pointers[expectation.expectationId] ?? "";
    const param = (key: string) => at + pointerOf("icm:params", key);
    if (expectation.expectationVerb === "DELIVER") {
      const contexts = expectation.expectationObject.objectContexts ?? [];
      const value = (attribute: string) =>
        contexts.find((c) => c.contextAttribute === attribute)?.contextValueRange;
      for (const [request, limit] of [
        ["cpuRequest", "cpuLimit"],
        ["memoryRequest", "memoryLimit"],
      ] as const) {
        const r = k8sQuantity(value(request));
        const l = k8sQuantity(value(limit));
        if (r !== undefined && l !== undefined && r > l) {
          problems.push({
            code: "E_CONFLICT",
            pointer: param(DELIVERY_BY_ATTRIBUTE.get(request)!.key),
            message: `${request} ${String(value(request))} is above ${limit} ${String(value(limit))}; Kubernetes refuses such a pod`,
          });
        }
      }
      checkRecordTargets(contexts, param, problems);
    } else {
      checkTargets(expectation.expectationTargets ?? [], param, problems);
    }
  }
}

function checkRecordTargets(
  contexts: readonly Context[],
  param: (key: string) => string,
  problems: Problem[],
): void {
  const type = contexts.find((c) => c.contextAttribute === "dnsRecordType")?.contextValueRange;
  const targets = contexts.find((c) => c.contextAttribute === "dnsRecordTargets")?.contextValueRange;
  if (typeof type !== "string" || targets === undefined) return;
  const list = [targets].flat().map(String);
  const valid: Record<string, (t: string) => boolean> = {
    A: (t) => IPV4.test(t),
    AAAA: (t) => isIpv6(t),
    CNAME: (t) => HOSTNAME.test(t),
    TXT: (t) => TXT.test(t),
  };
  const check = valid[type];
  if (!check) return;
  const pointer = param("io:recordTargets");
  list.forEach((target, i) => {
    if (!check(target)) {
      problems.push({
        code: "E_PATTERN",
        pointer: list.length > 1 ? pointer + pointerOf(i) : pointer,
        message: `${JSON.stringify(target.slice(0, 80))} is not a valid ${type} record target (${type === "A" ? "an IPv4 address" : type === "AAAA" ? "an IPv6 address" : type === "CNAME" ? "a host name" : "printable ASCII, at most 255 characters"})`,
      });
    }
  });
  // (a CNAME with several targets is refused by the DNS generator, which owns that rule)
}

function checkTargets(
  targets: readonly ExpectationTarget[],
  param: (key: string) => string,
  problems: Problem[],
): void {
  const byName = new Map<string, ExpectationTarget[]>();
  for (const target of targets) {
    const list = byName.get(target.targetName) ?? [];
    list.push(target);
    byName.set(target.targetName, list);
  }
  for (const [name, list] of byName) {
    const pointer = param(PROPERTY_BY_TARGET.get(name)?.key ?? name);
    let lower = Number.NEGATIVE_INFINITY;
    let upper = Number.POSITIVE_INFINITY;
    let lowerStrict = false;
    let upperStrict = false;
    for (const target of list) {
      const value = target.targetValueRange;
      const number =
        typeof value === "number"
          ? value
          : value && typeof value === "object" && !Array.isArray(value) && typeof value.guaThpt === "number"
            ? value.guaThpt
            : undefined;
      const raise = (v: number, strict: boolean) => {
        if (v > lower || (v === lower && strict)) [lower, lowerStrict] = [v, strict];
      };
      const cut = (v: number, strict: boolean) => {
        if (v < upper || (v === upper && strict)) [upper, upperStrict] = [v, strict];
      };
      if (Array.isArray(value) && typeof value[0] === "number" && typeof value[1] === "number") {
        raise(value[0], false);
        cut(value[1], false);
      } else if (number !== undefined) {
        if (target.targetCondition === "IS_LESS_THAN") cut(number, true);
        else if (target.targetCondition === "IS_EQUAL_TO_OR_LESS_THAN") cut(number, false);
        else if (target.targetCondition === "IS_GREATER_THAN") raise(number, true);
        else if (target.targetCondition === "IS_EQUAL_TO_OR_GREATER_THAN") raise(number, false);
        else if (target.targetCondition === "IS_EQUAL_TO") {
          raise(number, false);
          cut(number, false);
        }
      }
    }
    // Every quantity here is non-negative: "below 0" can never hold.
    if (upper < 0 || (upper === 0 && upperStrict)) {
      problems.push({
        code: "E_RANGE",
        pointer,
        message: `${name} must be below ${upper}: no measurement can ever meet that target`,
      });
    } else if (lower > upper || (lower === upper && (lowerStrict || upperStrict))) {
      problems.push({
        code: "E_CONFLICT",
        pointer,
        message: `the targets on ${name} contradict each other (above ${lower}${lowerStrict ? "" : " inclusive"} and below ${upper}${upperStrict ? "" : " inclusive"})`,
      });
    }
  }
}

/** A Kubernetes quantity in base units, or undefined when it is not one. */
function k8sQuantity(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^([0-9]+(?:\.[0-9]+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * K8S_FACTORS.get(match[2] ?? "")!;
}

function isIpv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]{2,45}$/.test(text) || text.includes(":::")) return false;
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === "" ? [] : h.split(":")));
  const last = groups[groups.length - 1] ?? "";
  const tailIpv4 = IPV4.test(last);
  const hexGroups = tailIpv4 ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = hexGroups.length + (tailIpv4 ? 2 : 0);
  return halves.length === 2 ? count < 8 : count === 8;
}
