/**
 * The OpenAPI texts the service is built from: the official TMF921 v5 document (vendored unmodified under
 * `schemas/tmf921/`) and ours (`/api/intent`, statistics, health, metrics). `/openapi.json` serves both
 * merged; routes validate their input against the same schemas.
 *
 * For ajv the OpenAPI 3.0 text is adapted in memory (the file stays as published): `discriminator` is
 * dropped (ajv only supports it with `oneOf` and without `mapping`; TMF921 puts it on `allOf` with
 * `mapping`), `oneOf` becomes `anyOf` (TMF921 lists a reference next to the values it also matches), and
 * `nullable` without a sibling `type` is dropped (an untyped schema admits null already).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { OUR_COMPONENTS, OUR_PATHS } from "./ourOpenApi.js";

export const TMF921_FILE = "TMF921-IntentManagement-v5.0.0.openapi.yaml";
/** Where the TMF921 routes are mounted (the document's server URL without `{apiRoot}`). */
export const TMF921_BASE = "/tmf-api/intentManagement/v5";
/** `$id` of the adapted TMF921 document among the server's shared schemas. */
export const TMF921_SCHEMA_ID = "tmf921";
export const OURS_SCHEMA_ID = "intentops-api";

function schemasDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "schemas", "tmf921", TMF921_FILE))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find schemas/tmf921/${TMF921_FILE} above this module`);
    dir = parent;
  }
  return join(dir, "schemas");
}

let official: Record<string, unknown> | undefined;

/** The official TMF921 v5 OpenAPI document, as published. */
export function officialTmf921(): Record<string, unknown> {
  official ??= parse(readFileSync(join(schemasDir(), "tmf921", TMF921_FILE), "utf8")) as Record<
    string,
    unknown
  >;
  return official;
}

/** Rewrites OpenAPI 3.0 schema text into JSON Schema ajv accepts (see the file comment). */
export function adaptForAjv(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(adaptForAjv);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "discriminator" || key === "example" || key === "examples") continue;
    if (key === "nullable" && !("type" in node)) continue;
    out[key === "oneOf" ? "anyOf" : key] = adaptForAjv(value);
  }
  return out;
}

/** The TMF921 components as one JSON Schema document (`$id` tmf921) for ajv. */
export function tmf921Schemas(): Record<string, unknown> {
  const doc = officialTmf921();
  return {
    $id: TMF921_SCHEMA_ID,
    components: adaptForAjv({ schemas: (doc.components as { schemas: unknown }).schemas }),
  };
}

/** Our components as one JSON Schema document (`$id` intentops-api) for ajv. */
export function ourSchemas(): Record<string, unknown> {
  return { $id: OURS_SCHEMA_ID, components: { schemas: OUR_COMPONENTS } };
}

/** What `/openapi.json` serves: the official TMF921 paths under their base path, and ours. */
export function servedOpenApi(): Record<string, unknown> {
  const doc = officialTmf921();
  const paths: Record<string, unknown> = {};
  for (const [path, item] of Object.entries(doc.paths as Record<string, unknown>)) {
    if (path.startsWith("/listener/")) continue;
    // Intent specifications are read-only here: only their GET operations are served.
    const ops = path.startsWith("/intentSpecification")
      ? Object.fromEntries(
          Object.entries(item as Record<string, Operation>).filter(
            ([m]) => m === "get" || m === "parameters",
          ),
        )
      : (item as Record<string, Operation>);
    paths[`${TMF921_BASE}${path}`] = withOurStatuses(ops);
  }
  Object.assign(paths, OUR_PATHS);
  const components = doc.components as Record<string, Record<string, unknown>>;
  return {
    openapi: doc.openapi,
    info: {
      title: "intentops serve: TMF921 v5 Intent Management and the intentops API",
      version: "1.0.0",
      description:
        "The TMF921 v5 Intent Management paths exactly as TM Forum publishes them (mounted under " +
        `${TMF921_BASE}; /intentSpecification is read-only and the listener paths are not served), and the intentops ` +
        "paths. Errors are RFC 9457 problem documents that are also valid TMF921 Error objects.",
    },
    servers: [{ url: "/" }],
    paths,
    components: {
      ...components,
      schemas: { ...components.schemas, ...OUR_COMPONENTS },
      securitySchemes: {
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
        bearer: { type: "http", scheme: "bearer" },
      },
    },
    security: [{ apiKey: [] }, { bearer: [] }],
  };
}

type Operation = { responses: Record<string, unknown> } & Record<string, unknown>;

/** Statuses we answer that TMF921 does not list for an operation: added (never replacing its own). */
const EXTRA_STATUSES: Record<string, string> = {
  "401": "No or unknown API key",
  "403": "The key lacks the scope",
  "404": "No such resource",
  "409": "Conflict (the intent has a run in flight, or exists already)",
  "413": "Body too large",
  "415": "Unsupported media type",
  "422": "Unprocessable",
  "429": "Rate limit; see Retry-After",
  "503": "The Git remote has not taken the commit yet; retried",
};

function withOurStatuses(item: Record<string, Operation>): Record<string, Operation> {
  const out: Record<string, Operation> = {};
  for (const [method, op] of Object.entries(item)) {
    if (!op || typeof op !== "object" || !("responses" in op)) {
      out[method] = op;
      continue;
    }
    const responses = { ...op.responses };
    for (const [status, description] of Object.entries(EXTRA_STATUSES)) {
      if (responses[status] || responses.default) continue;
      responses[status] = {
        description: `${description} (intentops)`,
        content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
      };
    }
    out[method] = { ...op, responses };
  }
  return out;
}
