/**
 * Is a refusal about what an intent means, or about how it is written? The corpus test
 * (corpus.test.ts) lets a schema-valid TMF921 v5 intent be refused only for its meaning.
 *
 * Meaning: out of our domain (object types, expectation types, targets not delivered), vocabularies not
 * mapped, sites we do not have, values that mean nothing here (out of range, a placeholder where a number
 * belongs, a unit we do not know, contradictions). Form: anything else — in particular `E_FORM` (a node
 * written in a form the profile does not read), `E_TYPE`, `E_SYNTAX`, `E_TURTLE`, `E_JSONLD`, and schema
 * refusals of the envelope.
 */
import jsonld from "jsonld";
import { Parser } from "n3";
import type { Problem } from "../../compiler/errors.js";
import { tmf921Validator } from "../support/officialSchemas.js";

/** Codes the compiler raises only for what an intent means (each checked against its uses in compiler/). */
export const MEANING_CODES: ReadonlySet<string> = new Set([
  "E_UNMAPPED",
  "E_UNKNOWN_OBJECT_TYPE",
  "E_UNKNOWN_TARGET",
  "E_UNKNOWN_SITE",
  "E_SITE_KIND",
  "E_NO_INTENT_NODE",
  "E_UNKNOWN_EXPECTATION",
  "E_UNKNOWN_PARAM",
  "E_PARAM_NOT_APPLICABLE",
  "E_DUPLICATE_TARGET",
  "E_AMBIGUOUS_EXPECTATION",
  "E_CONDITION",
  "E_RANGE",
  "E_VALUE",
  "E_UNIT",
  "E_CONFLICT",
]);

/** Inside the expression's graph, a missing member is missing meaning (no target, no expectation, …). */
const EXPRESSION = "/expression/expressionValue/";

/** The problems of a refusal that are about form, not meaning: empty when the refusal is about meaning. */
export function formProblems(problems: readonly Problem[]): Problem[] {
  return problems.filter(
    (p) => !(MEANING_CODES.has(p.code) || (p.code === "E_REQUIRED" && p.pointer.startsWith(EXPRESSION))),
  );
}

/** Is the document TMF921 v5 by the official schema, with an expression its own syntax's parser reads? */
export async function wellFormedTmf921(text: string, turtle: string | undefined): Promise<boolean> {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return false;
  }
  const schema = value["@type"] === "ProbeIntent" ? "ProbeIntent_FVO" : "Intent_FVO";
  if (!tmf921Validator(schema)(value)) return false;
  const expression = value.expression as Record<string, unknown> | undefined;
  if (!expression) return false;
  try {
    if (expression["@type"] === "TurtleExpression") {
      new Parser({ format: "text/turtle" }).parse(String(turtle ?? expression.expressionValue));
    } else if (expression["@type"] === "JsonLdExpression") {
      await jsonld.toRDF(
        expression.expressionValue as jsonld.JsonLdDocument,
        {
          documentLoader: async (url: string) => {
            throw new Error(`not fetched: ${url}`);
          },
        } as jsonld.Options.ToRdf,
      );
    } else return false;
  } catch {
    return false;
  }
  return true;
}
