/**
 * Reads a quantity (a number with a unit) from the forms the profile accepts and converts it to the
 * canonical unit of its parameter. Accepted forms:
 *   - `{ "rdf:value": 100, "quan:unit": "ms" }` (the TIO quantity form, a node in the graph),
 *   - a W3C Time duration (`time:numericDuration` + `time:unitType`, or TIO's `time:temporalUnit`), also as
 *     TM Forum's JSON-LD examples write it: wrapped in a `t:Duration` member, the unit a plain string
 *     (`"unitMinute"`), `t:numbericDuration` (sic, read as `numericDuration` by rdf/namespaces.ts),
 *   - `"100ms"`, `"100 ms"`, `"1.5 Gbps"`, `"99.9%"` (a string with the unit),
 *   - a bare number, only where the parameter has no unit (integers) — a bare number for a duration,
 *     rate or percentage is ambiguous and refused.
 */
import type { ValueKind } from "./vocabulary.js";

export type QuantityResult = { ok: true; value: number } | { ok: false; code: string; message: string };

const TIME_TO_MS: ReadonlyMap<string, number> = new Map([
  ["ns", 1e-6],
  ["us", 1e-3],
  ["µs", 1e-3],
  ["μs", 1e-3],
  ["ms", 1],
  ["msec", 1],
  ["millisecond", 1],
  ["milliseconds", 1],
  ["s", 1000],
  ["sec", 1000],
  ["secs", 1000],
  ["second", 1000],
  ["seconds", 1000],
  ["min", 60_000],
  ["mins", 60_000],
  ["minute", 60_000],
  ["minutes", 60_000],
  ["h", 3_600_000],
  ["hr", 3_600_000],
  ["hour", 3_600_000],
  ["hours", 3_600_000],
  ["d", 86_400_000],
  ["day", 86_400_000],
  ["days", 86_400_000],
  ["week", 604_800_000],
  ["weeks", 604_800_000],
]);

const RATE_TO_KBPS: ReadonlyMap<string, number> = new Map([
  ["bps", 1e-3],
  ["bit/s", 1e-3],
  ["kbps", 1],
  ["Kbps", 1],
  ["kbit/s", 1],
  ["Kbit/s", 1],
  ["Mbps", 1e3],
  ["mbps", 1e3],
  ["Mbit/s", 1e3],
  ["mbit/s", 1e3],
  ["Mb/s", 1e3],
  ["Gbps", 1e6],
  ["gbps", 1e6],
  ["Gbit/s", 1e6],
  ["gbit/s", 1e6],
  ["Gb/s", 1e6],
]);

const PERCENT: ReadonlyMap<string, number> = new Map([
  ["%", 1],
  ["percent", 1],
  ["ratio", 100],
]);

/**
 * W3C Time (and TIO TimeOntology) unit IRIs, by internal name. Months and years have no fixed length, so they
 * are not durations a reporting interval or latency can be converted from.
 */
const TIME_UNITS: ReadonlyMap<string, string> = new Map([
  ["time:unitSecond", "s"],
  ["time:unitMinute", "min"],
  ["time:unitHour", "h"],
  ["time:unitDay", "d"],
  ["time:unitWeek", "week"],
]);

type Kind = ValueKind["kind"];

/** The largest value that means anything, in the table's base unit (ms, kbps): above it is a mistake. */
const PHYSICAL_MAX: ReadonlyMap<Kind, { max: number; text: string }> = new Map([
  ["duration", { max: 7 * 86_400_000, text: "7 days" }],
  ["rate", { max: 1e9, text: "1 Tbit/s" }],
  ["xlThpt", { max: 1e9, text: "1 Tbit/s" }],
]);
const UNITS_BY_KIND: ReadonlyMap<Kind, ReadonlyMap<string, number>> = new Map<
  Kind,
  ReadonlyMap<string, number>
>([
  ["duration", TIME_TO_MS],
  ["rate", RATE_TO_KBPS],
  ["xlThpt", RATE_TO_KBPS],
  ["percent", PERCENT],
]);

/** Reads one own member of a parsed object (never an inherited one such as `constructor`). */
function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * Splits `"100 ms"` / `"1.5Gbps"` / `"'12 ms'"` (TM Forum's examples quote inside the literal) /
 * `{ "rdf:value": 100, "quan:unit": "ms" }` / a W3C Time duration `{ "time:numericDuration": 10,
 * "time:temporalUnit": "time:unitMinute" }` into number and unit.
 */
export function splitQuantity(input: unknown): { value: number; unit: string | undefined } | undefined {
  if (typeof input === "number") return { value: input, unit: undefined };
  if (typeof input === "string") {
    const text = /^\s*'(.*)'\s*$/s.exec(input)?.[1] ?? input;
    const match = /^\s*(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([^\s\d.][^\s]*)?\s*$/u.exec(text);
    if (!match) return undefined;
    return { value: Number(match[1]), unit: match[2] };
  }
  if (input && typeof input === "object" && !Array.isArray(input)) {
    const record = input as Record<string, unknown>;
    // TM Forum's JSON-LD examples (TMF921 v5.0.0) wrap a duration in a `t:Duration` member, the class's name
    // used as a property: `{ "t:Duration": [{ "t:numbericDuration": 10, "t:temporalUnit": "unitMinute" }] }`.
    const wrapped = own(record, "time:Duration");
    if (wrapped !== undefined && Object.keys(record).length === 1) return splitQuantity(wrapped);
    const raw = own(record, "rdf:value") ?? own(record, "@value") ?? own(record, "time:numericDuration");
    const timeUnit = own(record, "time:temporalUnit") ?? own(record, "time:unitType");
    // A unit written as a plain string (`"unitMinute"`: TM Forum's JSON-LD context does not make
    // `t:temporalUnit` an IRI) is read as the W3C Time unit of that name.
    const unit =
      typeof timeUnit === "string"
        ? (TIME_UNITS.get(timeUnit) ?? TIME_UNITS.get(`time:${timeUnit}`) ?? timeUnit)
        : own(record, "quan:unit");
    if (unit !== undefined && typeof unit !== "string") return undefined;
    const inner =
      typeof raw === "number"
        ? raw
        : typeof raw === "string"
          ? Number(/^\s*'(.*)'\s*$/s.exec(raw)?.[1] ?? raw)
          : Number.NaN;
    if (!Number.isFinite(inner) || (typeof raw === "string" && raw.trim() === "")) return undefined;
    return { value: inner, unit };
  }
  return undefined;
}

/**
 * Converts `input` to the canonical unit of `kind`.
 *
 * @example normaliseQuantity("0.5 s", { kind: "duration", unit: "ms" }) → { ok: true, value: 500 }
 */
export function normaliseQuantity(input: unknown, kind: ValueKind): QuantityResult {
  const parsed = splitQuantity(input);
  if (!parsed) {
    // A node this profile cannot read as a quantity is a matter of form (E_FORM), not of the value; a value
    // that is not a number where one belongs ("three", a placeholder) is a matter of the value (E_VALUE).
    const form = input !== null && typeof input === "object" && !Array.isArray(input);
    return {
      ok: false,
      code: form ? "E_FORM" : "E_VALUE",
      message: form
        ? `expected a number with a unit (a quantity node: rdf:value and quan:unit, or a W3C Time duration), got a node with ${describeMembers(input as Record<string, unknown>)}`
        : `expected a number with a unit, got ${describe(input)}`,
    };
  }
  const { value, unit } = parsed;
  if (!Number.isFinite(value)) return { ok: false, code: "E_VALUE", message: "the number is not finite" };

  if (kind.kind === "integer") {
    if (unit !== undefined && unit !== "1") {
      return { ok: false, code: "E_UNIT", message: `a count takes no unit, got "${unit}"` };
    }
    if (!Number.isInteger(value))
      return { ok: false, code: "E_RANGE", message: `expected a whole number, got ${value}` };
    if (value < kind.min || value > kind.max) {
      return {
        ok: false,
        code: "E_RANGE",
        message: `${value} is outside the allowed range ${kind.min}–${kind.max}`,
      };
    }
    return { ok: true, value };
  }

  const table = UNITS_BY_KIND.get(kind.kind);
  if (!table) return { ok: false, code: "E_FORM", message: `a ${kind.kind} value is not a quantity` };
  if (unit === undefined) {
    return {
      ok: false,
      code: "E_UNIT",
      message: `${value} needs a unit (one of ${[...table.keys()].join(", ")})`,
    };
  }
  const factor = table.get(unit);
  if (factor === undefined) {
    return {
      ok: false,
      code: "E_UNIT",
      message: `unknown unit ${JSON.stringify(unit.slice(0, 40))} (expected one of ${[...table.keys()].join(", ")})`,
    };
  }
  if (value < 0) return { ok: false, code: "E_RANGE", message: `${value} ${unit} is negative` };
  const ceiling = PHYSICAL_MAX.get(kind.kind);

  let result = value * factor;
  if (kind.kind === "duration" && kind.unit === "s") result /= 1000;
  if (kind.kind === "rate" && kind.unit === "Mbps") result /= 1000;
  if (kind.kind === "percent" && result > 100) {
    return {
      ok: false,
      code: "E_RANGE",
      message: `${value}${unit === "ratio" ? "" : ` ${unit}`} is above 100 %`,
    };
  }
  if (ceiling && value * factor > ceiling.max) {
    return {
      ok: false,
      code: "E_RANGE",
      message: `${value} ${unit} is above ${ceiling.text}, the largest accepted ${kind.kind}`,
    };
  }
  result = roundStable(result);
  if (kind.kind === "duration" && kind.integer && !Number.isInteger(result)) {
    return {
      ok: false,
      code: "E_RANGE",
      message: `${value} ${unit} is not a whole number of ${kind.unit}`,
    };
  }
  return { ok: true, value: result };
}

/** Removes binary floating-point noise (0.1 s × 1000 = 100.00000000000001) so output bytes are stable. */
function roundStable(value: number): number {
  return Number.parseFloat(value.toPrecision(12));
}

/** The members of a node, for a message (the names are the input's: escaped by whoever prints them). */
function describeMembers(record: Record<string, unknown>): string {
  const names = Object.keys(record).filter((k) => k !== "@id" && k !== "@type");
  if (names.length === 0) return "no members";
  const shown = names.slice(0, 4).map((n) => JSON.stringify(n.slice(0, 60)));
  return `members ${shown.join(", ")}${names.length > 4 ? ` and ${names.length - 4} more` : ""}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object without @value";
  return JSON.stringify(value);
}
