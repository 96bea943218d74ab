/**
 * Typed reading of the `objectContexts` of a DELIVER expectation. Every failure is a `GeneratorError`
 * naming the subject, the expectation and the attribute, so a person can find the bad value.
 */
import type { Json } from "../../compiler/canonicalJson.js";
import type { Context, ValueRange } from "../../compiler/types.js";
import { GeneratorError, type GeneratorWhere } from "./GeneratorError.js";

/** Read access to the contexts of one expectation. */
export interface ContextReader {
  /** Every attribute present, sorted. */
  attributes(): string[];
  has(attribute: string): boolean;
  string(attribute: string): string | undefined;
  requireString(attribute: string): string;
  integer(attribute: string, min?: number, max?: number): number | undefined;
  /** A list of strings; a single string reads as a one-element list. */
  stringList(attribute: string): string[] | undefined;
  /** A structured value (e.g. a PlmnId). */
  record(attribute: string): { [key: string]: Json } | undefined;
  /** The `where` of an error about `attribute`. */
  where(attribute?: string): GeneratorWhere;
}

/**
 * Builds a reader over `contexts`. An attribute given twice is refused: which one wins would otherwise
 * depend on the order of the input.
 */
export function readContexts(contexts: readonly Context[], where: GeneratorWhere): ContextReader {
  const byAttribute = new Map<string, Context>();
  for (const context of contexts) {
    if (byAttribute.has(context.contextAttribute)) {
      throw new GeneratorError(
        "E_GEN_INVALID_PARAM",
        { ...where, attribute: context.contextAttribute },
        "the context is given more than once",
      );
    }
    byAttribute.set(context.contextAttribute, context);
  }
  const at = (attribute: string): GeneratorWhere => ({ ...where, attribute });
  const fail = (attribute: string, message: string): never => {
    throw new GeneratorError("E_GEN_INVALID_PARAM", at(attribute), message);
  };
  const scalar = (attribute: string): ValueRange | undefined => {
    const context = byAttribute.get(attribute);
    if (context === undefined) return undefined;
    const value = context.contextValueRange;
    if (Array.isArray(value)) {
      if (value.length !== 1) return fail(attribute, "expected one value, got a list");
      return value[0];
    }
    return value;
  };

  const reader: ContextReader = {
    attributes: () => [...byAttribute.keys()].sort(),
    has: (attribute) => byAttribute.has(attribute),
    string(attribute) {
      const value = scalar(attribute);
      if (value === undefined) return undefined;
      if (typeof value !== "string")
        return fail(attribute, `expected a string, got ${JSON.stringify(value)}`);
      return value;
    },
    requireString(attribute) {
      const value = reader.string(attribute);
      if (value === undefined || value.length === 0) {
        throw new GeneratorError("E_GEN_MISSING_PARAM", at(attribute), "this context is required");
      }
      return value;
    },
    integer(attribute, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
      const value = scalar(attribute);
      if (value === undefined) return undefined;
      const number = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
      if (typeof number !== "number" || !Number.isInteger(number)) {
        return fail(attribute, `expected an integer, got ${JSON.stringify(value)}`);
      }
      if (number < min || number > max) return fail(attribute, `${number} is outside [${min}, ${max}]`);
      return number;
    },
    stringList(attribute) {
      const context = byAttribute.get(attribute);
      if (context === undefined) return undefined;
      const raw = context.contextValueRange;
      const list = Array.isArray(raw) ? raw : [raw];
      const strings: string[] = [];
      for (const item of list) {
        if (typeof item !== "string") return fail(attribute, `expected strings, got ${JSON.stringify(item)}`);
        strings.push(item);
      }
      return strings;
    },
    record(attribute) {
      const value = scalar(attribute);
      if (value === undefined) return undefined;
      if (typeof value !== "object" || value === null) {
        return fail(attribute, `expected an object, got ${JSON.stringify(value)}`);
      }
      return value;
    },
    where: (attribute) => (attribute === undefined ? where : at(attribute)),
  };
  return reader;
}
