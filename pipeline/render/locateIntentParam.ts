/**
 * locateIntentParam: the JSON pointer, in an intent's file, of a DELIVER expectation's parameter (a
 * context attribute such as `namespace` → `io:namespace`) — or of the expectation itself when it does not
 * set the parameter — so that a problem found after compiling (a render refusal, an ownership conflict)
 * points where a person would change the intent. A JSON-LD file is searched by the expectation's `@id`;
 * Turtle keeps the tree pointer (the place in the graph).
 */
import { pointerOf } from "../../compiler/index.js";
import { locateInSource } from "../../compiler/rdf/locateInSource.js";
import type { CompiledIntent } from "../../compiler/types.js";
import { DELIVERY_BY_ATTRIBUTE } from "../../compiler/vocabulary.js";

export const EXPRESSION = pointerOf("expression", "expressionValue");

/** An intent as compiled and as written. */
export interface IntentSource {
  compiled: CompiledIntent;
  text: string | Uint8Array;
}

/**
 * @returns the pointer of `attribute` in expectation `expectationId`, of the expectation when the attribute
 *   is not a DELIVER parameter it sets, or of the expression when there is no such expectation
 */
export function locateIntentParam(
  source: IntentSource,
  expectationId: string | undefined,
  attribute?: string,
): string {
  const expectation = source.compiled.spec.intent.intentExpectations.find(
    (e) => e.expectationId === expectationId,
  );
  if (!expectation) return EXPRESSION;
  const given =
    attribute !== undefined &&
    (expectation.expectationObject.objectContexts ?? []).some((x) => x.contextAttribute === attribute);
  const key = attribute === undefined ? undefined : DELIVERY_BY_ATTRIBUTE.get(attribute)?.key;
  const tree =
    EXPRESSION +
    pointerOf("icm:hasExpectation", expectation.expectationId) +
    (given && key ? pointerOf("icm:params", key) : "");
  const document = source.compiled.spec.converted ?? parse(source.text);
  const expression = isRecord(document) && isRecord(document.expression) ? document.expression : undefined;
  if (expression?.["@type"] !== "JsonLdExpression" || !isRecord(expression.expressionValue)) return tree;
  return locateInSource(expression.expressionValue, EXPRESSION, tree);
}

/** Whether the expectation sets `attribute` (a DELIVER context). */
export function setsAttribute(
  source: IntentSource,
  expectationId: string | undefined,
  attribute: string,
): boolean {
  const expectation = source.compiled.spec.intent.intentExpectations.find(
    (e) => e.expectationId === expectationId,
  );
  return (expectation?.expectationObject.objectContexts ?? []).some((x) => x.contextAttribute === attribute);
}

function parse(text: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof text === "string" ? text : new TextDecoder().decode(text));
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
