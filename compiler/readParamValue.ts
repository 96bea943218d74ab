/**
 * Reads one delivery parameter's value (a scalar, a list, or the `icm:value` / `@value` wrapped forms) and
 * checks it against its `ValueKind`, returning the 28.312 value and condition or a problem with a pointer.
 */
import { pointerOf } from "./canonicalJson.js";
import type { Problem } from "./errors.js";
import { isRecord, type NameResolver } from "./jsonLdProfile.js";
import { normaliseQuantity, splitQuantity } from "./normaliseQuantity.js";
import type { Condition, Context, ValueRange } from "./types.js";
import type { DeliveryParam, ValueKind } from "./vocabulary.js";

export type ReadResult<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

const TIER_FIELDS = ["name", "count", "flavor", "image", "subnetCidr", "volumeSize"] as const;
const FLAVOR = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const GIB = /^\s*(\d+)\s*(GiB|Gi|GB)?\s*$/;

/** Strips `[{ "icm:value": v }]`, `{ "icm:value": v }` and `{ "@value": v }` (without unit) down to `v`. */
export function unwrapValue(raw: unknown, resolver: NameResolver): unknown {
  if (Array.isArray(raw)) {
    const items = raw.map((item) => unwrapValue(item, resolver));
    return items.length === 1 && !Array.isArray(items[0]) && isWrapped(raw[0], resolver) ? items[0] : items;
  }
  if (isRecord(raw)) {
    const keys = Object.keys(raw);
    if (keys.length === 1 && resolver.canonical(keys[0]!) === "icm:value")
      return unwrapValue(raw[keys[0]!], resolver);
    if (keys.length === 1 && keys[0] === "@value") return raw["@value"];
  }
  return raw;
}

function isWrapped(raw: unknown, resolver: NameResolver): boolean {
  if (!isRecord(raw)) return false;
  const keys = Object.keys(raw);
  return keys.length === 1 && (keys[0] === "@value" || resolver.canonical(keys[0]!) === "icm:value");
}

/**
 * Reads a delivery parameter into its 28.312 context(s). Tiers expand into one context per tier field.
 *
 * @example readDeliveryParam(siteParam, ["edge1", "edge2"], …) → contexts [{ contextAttribute:
 *   "edgeIdentificationId", contextCondition: "IS_ALL_OF", contextValueRange: ["edge1", "edge2"] }]
 */
export function readDeliveryParam(
  param: DeliveryParam,
  raw: unknown,
  pointer: string,
  resolver: NameResolver,
): ReadResult<Context[]> {
  const value = unwrapValue(raw, resolver);
  if (param.value.kind === "tiers") return readTiers(value, pointer, resolver);
  const read = readScalarKind(param.value, value, pointer, resolver);
  if (!read.ok) return read;
  const condition: Condition = Array.isArray(read.value) ? "IS_ALL_OF" : "IS_EQUAL_TO";
  return {
    ok: true,
    value: [
      { contextAttribute: param.attribute, contextCondition: condition, contextValueRange: read.value },
    ],
  };
}

function readScalarKind(
  kind: ValueKind,
  value: unknown,
  pointer: string,
  resolver: NameResolver,
): ReadResult<ValueRange | ValueRange[]> {
  switch (kind.kind) {
    case "string":
      return readString(kind, value, pointer);
    case "stringList": {
      const list = typeof value === "string" ? [value] : value;
      if (!Array.isArray(list) || list.length === 0)
        return fail("E_TYPE", pointer, "expected a string or a non-empty list of strings");
      if (list.length > kind.maxItems)
        return fail("E_RANGE", pointer, `has more than ${kind.maxItems} entries`);
      const problems: Problem[] = [];
      const seen = new Set<string>();
      list.forEach((item, i) => {
        const at = Array.isArray(value) ? pointer + pointerOf(i) : pointer;
        const one = readString({ kind: "string", pattern: kind.pattern }, item, at);
        if (!one.ok) problems.push(...one.problems);
        else if (seen.has(String(one.value)))
          problems.push({
            code: "E_DUPLICATE",
            pointer: at,
            message: `${JSON.stringify(item)} is listed twice`,
          });
        else seen.add(String(one.value));
      });
      if (problems.length) return { ok: false, problems };
      const items = [...seen].sort();
      return { ok: true, value: items.length === 1 && !kind.alwaysList ? items[0]! : items };
    }
    case "integer":
    case "duration":
    case "rate":
    case "percent": {
      const result = normaliseQuantity(value, kind);
      return result.ok ? { ok: true, value: result.value } : fail(result.code, pointer, result.message);
    }
    case "plmnId":
      return readPlmnId(value, pointer, resolver);
    default:
      return fail("E_TYPE", pointer, `a ${kind.kind} value is not accepted here`);
  }
}

function readString(
  kind: Extract<ValueKind, { kind: "string" }>,
  value: unknown,
  pointer: string,
): ReadResult<string> {
  if (typeof value !== "string")
    return fail("E_TYPE", pointer, `expected a string, got ${JSON.stringify(value)}`);
  if (kind.enum && !kind.enum.includes(value)) {
    return fail("E_ENUM", pointer, `${JSON.stringify(value)} is not one of ${kind.enum.join(", ")}`);
  }
  if (kind.maxLength !== undefined && value.length > kind.maxLength) {
    return fail("E_RANGE", pointer, `is longer than ${kind.maxLength} characters`);
  }
  if (kind.pattern && !new RegExp(kind.pattern, "u").test(value)) {
    return fail("E_PATTERN", pointer, `${JSON.stringify(value)} is not of the accepted form`);
  }
  return { ok: true, value };
}

function readPlmnId(value: unknown, pointer: string, resolver: NameResolver): ReadResult<ValueRange> {
  if (!isRecord(value)) return fail("E_TYPE", pointer, "expected a PLMN id { mcc, mnc }");
  const fields: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) fields[resolver.localName(key)] = member;
  const { mcc, mnc, ...rest } = fields;
  const problems: Problem[] = [];
  if (typeof mcc !== "string" || !/^[0-9]{3}$/.test(mcc)) {
    problems.push({
      code: "E_PATTERN",
      pointer: pointer + pointerOf("mcc"),
      message: "mcc must be 3 digits (a string)",
    });
  }
  if (typeof mnc !== "string" || !/^[0-9]{2,3}$/.test(mnc)) {
    problems.push({
      code: "E_PATTERN",
      pointer: pointer + pointerOf("mnc"),
      message: "mnc must be 2 or 3 digits (a string)",
    });
  }
  for (const key of Object.keys(rest)) {
    problems.push({
      code: "E_UNKNOWN_FIELD",
      pointer: pointer + pointerOf(key),
      message: `"${key}" is not part of a PLMN id`,
    });
  }
  return problems.length
    ? { ok: false, problems }
    : { ok: true, value: { mcc: mcc as string, mnc: mnc as string } };
}

function readTiers(raw: unknown, pointer: string, resolver: NameResolver): ReadResult<Context[]> {
  // One tier is one node in the graph, not a list of one.
  const value = isRecord(raw) ? [raw] : raw;
  if (!Array.isArray(value) || value.length === 0)
    return fail("E_TYPE", pointer, "expected a non-empty list of tiers");
  const problems: Problem[] = [];
  const contexts: Context[] = [];
  const names = new Set<string>();
  value.forEach((raw, i) => {
    const at = pointer + pointerOf(i);
    if (!isRecord(raw)) {
      problems.push({
        code: "E_TYPE",
        pointer: at,
        message: "expected a tier object { name, count, flavor, … }",
      });
      return;
    }
    const tier: Record<string, { value: unknown; pointer: string }> = {};
    for (const [key, member] of Object.entries(raw)) {
      const local = resolver.localName(key);
      if (!(TIER_FIELDS as readonly string[]).includes(local)) {
        problems.push({
          code: "E_UNKNOWN_FIELD",
          pointer: at + pointerOf(key),
          message: `"${key}" is not a tier field (${TIER_FIELDS.join(", ")})`,
        });
        continue;
      }
      tier[local] = { value: unwrapValue(member, resolver), pointer: at + pointerOf(key) };
    }
    const name = tier.name?.value;
    if (typeof name !== "string" || !/^[a-z0-9]([-a-z0-9]{0,14}[a-z0-9])?$/.test(name)) {
      problems.push({
        code: "E_PATTERN",
        pointer: tier.name?.pointer ?? at,
        message: "a tier needs a name: a short DNS label (at most 16 characters)",
      });
      return;
    }
    if (names.has(name)) {
      problems.push({
        code: "E_DUPLICATE",
        pointer: tier.name!.pointer,
        message: `tier "${name}" is listed twice`,
      });
      return;
    }
    names.add(name);
    const add = (field: string, v: ValueRange) =>
      contexts.push({
        contextAttribute: `tier.${name}.${field}`,
        contextCondition: "IS_EQUAL_TO",
        contextValueRange: v,
      });
    const count = normaliseQuantity(tier.count?.value, { kind: "integer", min: 0, max: 100 });
    if (!count.ok)
      problems.push({
        code: count.code,
        pointer: tier.count?.pointer ?? at,
        message: tier.count ? count.message : "a tier needs a count",
      });
    else add("count", count.value);
    const flavor = tier.flavor?.value;
    if (typeof flavor !== "string" || !FLAVOR.test(flavor))
      problems.push({
        code: "E_PATTERN",
        pointer: tier.flavor?.pointer ?? at,
        message: "a tier needs a flavor name",
      });
    else add("flavor", flavor);
    if (tier.image) {
      const image = tier.image.value;
      if (typeof image !== "string" || !FLAVOR.test(image))
        problems.push({
          code: "E_PATTERN",
          pointer: tier.image.pointer,
          message: "the image must be an image name",
        });
      else add("image", image);
    }
    const cidr = tier.subnetCidr?.value;
    if (typeof cidr !== "string" || !/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(cidr) || !validCidr(cidr)) {
      problems.push({
        code: "E_PATTERN",
        pointer: tier.subnetCidr?.pointer ?? at,
        message: "a tier needs subnetCidr, an IPv4 CIDR such as 10.0.1.0/24",
      });
    } else add("subnetCidr", cidr);
    if (tier.volumeSize) {
      const size = readGiB(tier.volumeSize.value);
      if (size === undefined)
        problems.push({
          code: "E_UNIT",
          pointer: tier.volumeSize.pointer,
          message: 'volumeSize must be whole GiB, e.g. "20 GiB"',
        });
      else add("volumeGiB", size);
    }
  });
  return problems.length ? { ok: false, problems } : { ok: true, value: contexts };
}

function readGiB(value: unknown): number | undefined {
  if (isRecord(value)) {
    const quantity = splitQuantity(value);
    return quantity?.unit === "GiB" &&
      Number.isInteger(quantity.value) &&
      quantity.value > 0 &&
      quantity.value <= 65536
      ? quantity.value
      : undefined;
  }
  if (typeof value !== "string") return undefined;
  const match = GIB.exec(value);
  if (!match || match[2] === undefined) return undefined;
  const size = Number(match[1]);
  return size > 0 && size <= 65536 ? size : undefined;
}

function validCidr(cidr: string): boolean {
  const [address, bits] = cidr.split("/");
  return Number(bits) <= 32 && address!.split(".").every((octet) => Number(octet) <= 255);
}

function fail<T>(code: string, pointer: string, message: string): ReadResult<T> {
  return { ok: false, problems: [{ code, pointer, message }] };
}
