/**
 * The intentops paths and schemas served beside TMF921 (OpenAPI 3.0 text; the schemas are also plain JSON
 * Schema, so the routes validate with them and the contract tests check responses against them).
 */

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

export const OUR_COMPONENTS: Record<string, Record<string, unknown>> = {
  Problem: {
    description:
      "An RFC 9457 problem document that is also a TMF921 Error (`@type`, `code`, `reason`, `message`). " +
      "`status` is left out: RFC 9457 has it a number, TMF921 a string.",
    type: "object",
    required: ["type", "title", "@type", "code", "reason"],
    properties: {
      type: { type: "string" },
      title: { type: "string" },
      detail: { type: "string" },
      instance: { type: "string" },
      "@type": { type: "string", enum: ["Error"] },
      code: { type: "string" },
      reason: { type: "string" },
      message: { type: "string" },
      requestId: { type: "string" },
      errors: {
        type: "array",
        items: {
          type: "object",
          required: ["pointer", "detail"],
          properties: { pointer: { type: "string" }, detail: { type: "string" }, code: { type: "string" } },
        },
      },
    },
  },
  ApiIntentAccepted: {
    type: "object",
    additionalProperties: false,
    required: ["intentId", "lifecycleStatus", "href", "statusUrl", "replayed"],
    properties: {
      intentId: { type: "string" },
      lifecycleStatus: { type: "string" },
      href: { type: "string", description: "The TMF921 Intent resource" },
      statusUrl: { type: "string", description: "Where to poll" },
      replayed: { type: "boolean", description: "An earlier answer to the same Idempotency-Key and body" },
      converted: {
        type: "object",
        description:
          "When the body was the older demo's plain shape: the TMF921 Intent it was converted to and accepted as",
      },
    },
  },
  ApiIntentStatus: {
    type: "object",
    additionalProperties: false,
    required: ["intentId", "lifecycleStatus", "runs"],
    properties: {
      intentId: { type: "string" },
      lifecycleStatus: { type: "string" },
      runs: {
        type: "array",
        items: {
          type: "object",
          required: ["runId", "phase", "createdAt", "updatedAt"],
          properties: {
            runId: { type: "string" },
            phase: { type: "string" },
            createdAt: { type: "string", format: "date-time" },
            updatedAt: { type: "string", format: "date-time" },
            error: {
              type: "object",
              required: ["code", "message"],
              properties: { code: { type: "string" }, message: { type: "string" } },
            },
          },
        },
      },
    },
  },
  PlainIntent: {
    description: "The older demo's plain intent shape (converted to a TMF921 Intent on intake)",
    type: "object",
    required: ["name"],
    properties: {
      intentId: { type: "string" },
      name: { type: "string" },
      service: { type: "object" },
      targetSite: { type: "string" },
      qos: { type: "object" },
      slice: { type: "object" },
      priority: { type: "string" },
      lifecycle: { type: "string" },
      metadata: { type: "object" },
    },
  },
  Statistics: {
    type: "object",
    additionalProperties: false,
    required: ["runs", "byState", "successRate", "phases"],
    properties: {
      runs: { type: "integer", minimum: 0 },
      byState: { type: "object", additionalProperties: { type: "integer", minimum: 0 } },
      successRate: {
        type: "number",
        nullable: true,
        description: "Succeeded / terminal runs; null before any run finished",
      },
      phases: {
        type: "object",
        additionalProperties: {
          type: "object",
          required: ["count", "meanSeconds", "p95Seconds"],
          properties: {
            count: { type: "integer", minimum: 0 },
            meanSeconds: { type: "number", minimum: 0 },
            p95Seconds: { type: "number", minimum: 0 },
          },
        },
      },
    },
  },
  Health: {
    type: "object",
    additionalProperties: false,
    required: ["status", "checks"],
    properties: {
      status: { type: "string", enum: ["ok", "unavailable"] },
      checks: {
        type: "object",
        additionalProperties: {
          type: "object",
          required: ["ok"],
          properties: { ok: { type: "boolean" }, detail: { type: "string" } },
        },
      },
    },
  },
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (description: string, name: string) => ({
  description,
  content: { "application/json": { schema: ref(name) } },
});

export const OUR_PATHS: Record<string, unknown> = {
  "/api/intent": {
    post: {
      operationId: "postApiIntent",
      summary: "Accept an intent from the LLM front end (TMF921 Intent or the older plain shape)",
      parameters: [
        {
          in: "header",
          name: "Idempotency-Key",
          required: false,
          schema: { type: "string", maxLength: 255 },
          description:
            "Same key + same body → the same answer and no second intent; same key + other body → 422",
        },
      ],
      requestBody: {
        required: true,
        content: {
          "application/json": { schema: { anyOf: [ref("Intent_FVO"), ref("PlainIntent")] } },
        },
      },
      responses: {
        "202": json(
          "Accepted: in the intake log and the run journal; the Git commit follows",
          "ApiIntentAccepted",
        ),
        "400": problem("Malformed request"),
        "401": problem("No or unknown API key"),
        "403": problem("The key lacks the write scope"),
        "413": problem("Body too large"),
        "415": problem("Not JSON"),
        "422": problem("Idempotency-Key reused with another body, or an invalid intent"),
        "429": problem("Rate limit; see Retry-After"),
      },
    },
  },
  "/api/intent/{id}": {
    get: {
      operationId: "getApiIntent",
      summary: "Where an accepted intent is: its lifecycle status and its runs",
      parameters: [{ in: "path", name: "id", required: true, schema: { type: "string" } }],
      responses: {
        "200": json("The intent's status", "ApiIntentStatus"),
        "401": problem("No or unknown API key"),
        "404": problem("No such intent"),
      },
    },
  },
  "/api/statistics": {
    get: {
      operationId: "getStatistics",
      summary: "Runs by state, success rate, mean and p95 duration per phase (from the run journal)",
      responses: { "200": json("Statistics", "Statistics"), "401": problem("No or unknown API key") },
    },
  },
  "/health": {
    get: {
      operationId: "getHealth",
      security: [],
      summary: "Liveness",
      responses: { "200": json("The process serves", "Health") },
    },
  },
  "/health/ready": {
    get: {
      operationId: "getReady",
      security: [],
      summary:
        "Readiness: Git remote, journal (operator mode: the management cluster) and site registry reachable",
      responses: { "200": json("Ready", "Health"), "503": json("Not ready", "Health") },
    },
  },
  "/metrics": {
    get: {
      operationId: "getMetrics",
      security: [],
      summary: "Prometheus metrics",
      responses: { "200": { description: "Prometheus text format", content: { "text/plain": {} } } },
    },
  },
  "/openapi.json": {
    get: {
      operationId: "getOpenApi",
      security: [],
      summary: "This document",
      responses: { "200": { description: "OpenAPI 3.0", content: { "application/json": {} } } },
    },
  },
};
