/**
 * GitHub's REST contract, as GitHub publishes it (the OpenAPI 3.0 description of api.github.com, from the
 * `@octokit/openapi` package): finds the operation a request is for, and validates its path and query
 * parameters, its JSON body, the response status (documented for that operation?) and the response body
 * against the operation's schemas. The GitHub stand-in runs every request and response through it, so the
 * unmodified octokit client and the stand-in are both held to GitHub's own description.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS with a default export; under NodeNext its type is the module namespace.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Json = Record<string, unknown>;

export interface Operation {
  operationId: string;
  method: string;
  template: string;
  spec: Json;
}

export interface MatchedOperation extends Operation {
  params: Record<string, string>;
}

export interface Violation {
  operationId: string;
  where: "request" | "response";
  message: string;
}

let loaded:
  | { doc: Json; ajv: Ajv; routes: Array<Operation & { pattern: RegExp; names: string[] }> }
  | undefined;

/** The published description (parsed once per process: it is 13 MB). */
function contract() {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const file = join(
    dirname(require.resolve("@octokit/openapi/package.json")),
    "generated",
    "api.github.com.json",
  );
  const doc = JSON.parse(readFileSync(file, "utf8")) as Json;
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: "github" });
  const routes: Array<Operation & { pattern: RegExp; names: string[] }> = [];
  for (const [template, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, spec] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const names: string[] = [];
      // `ref` and `path` hold slashes (`heads/main`, `intents/a.json`); every other parameter is one segment.
      const source = template
        .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
        .replace(/\{([^}]+)\}/g, (_, name: string) => {
          names.push(name);
          return name === "ref" || name === "path" ? "(.+)" : "([^/]+)";
        });
      routes.push({
        operationId: (spec as Json).operationId as string,
        method: method.toUpperCase(),
        template,
        spec: spec as Json,
        pattern: new RegExp(`^${source}$`),
        names,
      });
    }
  }
  // A literal segment wins over a parameter (`/pulls/comments` over `/pulls/{pull_number}`).
  routes.sort(
    (a, b) => b.template.replace(/\{[^}]+\}/g, "").length - a.template.replace(/\{[^}]+\}/g, "").length,
  );
  loaded = { doc, ajv, routes };
  return loaded;
}

const compiled = new Map<string, ValidateFunction>();
function validator(pointer: string, schema?: Json): ValidateFunction {
  let fn = compiled.get(pointer);
  if (!fn) {
    fn = contract().ajv.compile(schema ?? { $ref: `github#${pointer}` });
    compiled.set(pointer, fn);
  }
  return fn;
}

function resolveRef<T = Json>(node: Json): T {
  let current = node;
  while (typeof current.$ref === "string") {
    const path = (current.$ref as string).replace(/^#\//, "").split("/");
    current = path.reduce<Json>(
      (at, key) => at[key.replace(/~1/g, "/").replace(/~0/g, "~")] as Json,
      contract().doc,
    );
  }
  return current as T;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

function errorsOf(fn: ValidateFunction): string {
  return (fn.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || "/"} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`)
    .join("; ");
}

/** The operation `METHOD path` is for, with its path parameters (decoded), or undefined. */
export function matchOperation(method: string, pathname: string): MatchedOperation | undefined {
  for (const route of contract().routes) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1]!);
    });
    const { pattern: _p, names: _n, ...operation } = route;
    return { ...operation, params };
  }
  return undefined;
}

/** Problems of a request for `op`: parameters (path, query) and the JSON body. */
export function validateRequest(op: MatchedOperation, query: URLSearchParams, body: unknown): string[] {
  const problems: string[] = [];
  const parameters = ((op.spec.parameters ?? []) as Json[]).map((p) => resolveRef(p));
  for (const p of parameters) {
    const name = p.name as string;
    const raw =
      p.in === "path" ? op.params[name] : p.in === "query" ? (query.get(name) ?? undefined) : undefined;
    if (p.in !== "path" && p.in !== "query") continue;
    if (raw === undefined) {
      if (p.required) problems.push(`${p.in} parameter ${name} is required`);
      continue;
    }
    const schema = resolveRef(p.schema as Json);
    const value =
      schema.type === "integer" || schema.type === "number"
        ? Number(raw)
        : schema.type === "boolean"
          ? raw === "true"
            ? true
            : raw === "false"
              ? false
              : raw
          : raw;
    const fn = validator(`param:${op.operationId}:${name}`, {
      ...(p.schema as Json),
      $schema: undefined,
    } as Json);
    if (!fn(value)) problems.push(`${p.in} parameter ${name}=${raw}: ${errorsOf(fn)}`);
  }
  const requestBody = op.spec.requestBody ? resolveRef(op.spec.requestBody as Json) : undefined;
  const media = (requestBody?.content as Json | undefined)?.["application/json"] as Json | undefined;
  if (media?.schema) {
    if (body === undefined) {
      if (requestBody?.required) problems.push("a JSON body is required");
    } else {
      const pointer = `/paths/${escapePointer(op.template)}/${op.method.toLowerCase()}/requestBody/content/application~1json/schema`;
      const fn =
        requestBody === op.spec.requestBody
          ? validator(pointer)
          : validator(`body:${op.operationId}`, { $ref: `github#${pointer}` });
      if (!fn(body)) problems.push(`body: ${errorsOf(fn)}`);
    }
  } else if (
    body !== undefined &&
    !(typeof body === "object" && body !== null && Object.keys(body).length === 0)
  ) {
    problems.push("the operation takes no JSON body");
  }
  return problems;
}

/** Problems of a response to `op`: the status must be documented, the body must match its schema. */
export function validateResponse(op: Operation, status: number, body: unknown): string[] {
  const responses = op.spec.responses as Record<string, Json>;
  const key = String(status) in responses ? String(status) : "default" in responses ? "default" : undefined;
  if (!key)
    return [
      `status ${status} is not documented for ${op.operationId} (documented: ${Object.keys(responses).join(", ")})`,
    ];
  const response = resolveRef(responses[key]!);
  const media = (response.content as Json | undefined)?.["application/json"] as Json | undefined;
  if (!media?.schema) {
    return body === undefined || body === ""
      ? []
      : [`status ${status} of ${op.operationId} has no body in the description`];
  }
  const base = responses[key]!.$ref
    ? `${(responses[key]!.$ref as string).slice(1)}/content/application~1json/schema`
    : `/paths/${escapePointer(op.template)}/${op.method.toLowerCase()}/responses/${key}/content/application~1json/schema`;
  const fn = validator(base);
  return fn(body) ? [] : [`${status} body: ${errorsOf(fn)}`];
}

/** Validates a component schema by name (for tests of the stand-in's own fixtures). */
export function validateComponent(name: string, value: unknown): string[] {
  const fn = validator(`/components/schemas/${escapePointer(name)}`);
  return fn(value) ? [] : [errorsOf(fn)];
}
