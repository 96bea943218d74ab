/**
 * The TMF921 IntentSpecification this service accepts intents against: one, read-only — the intentops
 * expectation profile (a `JsonLdExpression` holding an `icm:Intent` with delivery, property and reporting
 * expectations, parameters in the `io:` namespace; `schemas/intentops-expression.v1.schema.json`). Served
 * by GET `/intentSpecification` and `/intentSpecification/{id}` so an OSS client can discover what to
 * POST; specifications are not created, changed or deleted through the API (the profile is the compiler's).
 */
import { TMF921_BASE } from "./openApiDocument.js";

export const INTENT_SPECIFICATION_ID = "intentops-expectation-profile-v1";

export function intentSpecifications(): Record<string, unknown>[] {
  return [
    {
      "@type": "IntentSpecification",
      id: INTENT_SPECIFICATION_ID,
      href: `${TMF921_BASE}/intentSpecification/${INTENT_SPECIFICATION_ID}`,
      name: "intentops expectation profile",
      description:
        "A TMF921 Intent whose expression is a JsonLdExpression: an icm:Intent with icm:DeliveryExpectation " +
        "(what to deliver, where), icm:PropertyExpectation (targets: quan:smaller, quan:greater, icm:atMost, " +
        "icm:atLeast, quan:inRange) and icm:ReportingExpectation; parameters in the io: namespace. Compiled " +
        "to a 3GPP TS 28.312 intent; an expression outside the profile is accepted and ends rejected.",
      version: "1.0",
      lifecycleStatus: "active",
      isBundle: false,
      expressionSpecification: {
        "@type": "ExpressionSpecification",
        expressionLanguage: "JSON-LD",
        iri: "https://intentops.io/ontology/v1#",
      },
    },
  ];
}
