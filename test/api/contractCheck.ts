/**
 * Response contract checks: every response is looked up in the served OpenAPI (the official TMF921 paths
 * verbatim, plus ours) by path template, method and status (or `default`), and its body validated with
 * ajv against the schema found there. A status the document does not list for the operation fails.
 */
import { Ajv, type ValidateFunction } from "ajv";
import * as addFormatsModule from "ajv-formats";
import { expect } from "vitest";
import { adaptForAjv, servedOpenApi } from "../../pipeline/api/openApiDocument.js";

const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv }).default;

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
  >;
};

const doc = servedOpenApi() as unknown as Doc;
const ajv = new Ajv({ allErrors: true, strict: false, formats: { base64: true } });
addFormats(ajv);
ajv.addSchema({
  $id: "served",
  ...(adaptForAjv({ components: (doc as unknown as { components: unknown }).components }) as object),
});
const cache = new Map<string, ValidateFunction>();

/** The path template of the served document that `path` matches. */
export function templateOf(path: string): string {
  const clean = path.split("?")[0]!;
  const matches = Object.keys(doc.paths).filter((t) =>
    new RegExp(`^${t.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(clean),
  );
  if (matches.length === 0) throw new Error(`no path of the OpenAPI matches ${clean}`);
  // The most literal template wins (/health/ready over /health/{x}).
  return matches.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0]!;
}

export interface Checked {
  method: string;
  path: string;
  status: number;
  body: string;
  contentType: string | undefined;
}

/** Validates one response against the served OpenAPI; returns the checked operation's key. */
export function checkResponse(r: Checked): string {
  const template = templateOf(r.path);
  const op = doc.paths[template]![r.method.toLowerCase()];
  expect(op, `${r.method} ${template} is not in the OpenAPI`).toBeDefined();
  const responses = op!.responses;
  const spec = responses[String(r.status)] ?? responses.default;
  expect(spec, `${r.method} ${template} → ${r.status} is not in the OpenAPI`).toBeDefined();
  const media = spec!.content ? Object.entries(spec!.content) : [];
  if (media.length === 0) {
    expect(r.body, `${r.method} ${template} → ${r.status} must have no body`).toBe("");
    return `${r.method} ${template} ${r.status}`;
  }
  const [, first] = media[0]!;
  if (first.schema) {
    const key = JSON.stringify(first.schema);
    let validate = cache.get(key);
    if (!validate) {
      validate = ajv.compile(rebase(adaptForAjv(first.schema)) as object);
      cache.set(key, validate);
    }
    const body = JSON.parse(r.body) as unknown;
    const ok = validate(body);
    expect(
      ok,
      `${r.method} ${r.path} → ${r.status}: ${ajv.errorsText(validate.errors)}\n${r.body.slice(0, 500)}`,
    ).toBe(true);
  }
  if (r.status >= 400) expect(r.contentType).toMatch(/^application\/problem\+json/);
  return `${r.method} ${template} ${r.status}`;
}

/** `#/components/…` → `served#/components/…`. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === "$ref" && typeof v === "string" ? `served${v}` : rebase(v),
    ]),
  );
}

/** Validates `value` against a component schema of the served document (e.g. a listener event). */
export function checkSchema(name: string, value: unknown): void {
  const key = `#${name}`;
  let validate = cache.get(key);
  if (!validate) {
    validate = ajv.compile({ $ref: `served#/components/schemas/${name}` });
    cache.set(key, validate);
  }
  expect(validate(value), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

export interface CheckedCall {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the API answered
  json: any;
  /** The operation checked (`METHOD template status`). */
  operation: string;
}

/**
 * One request to a served API, its response validated against the OpenAPI (checkResponse). JSON bodies are
 * sent as given (a string as is, anything else stringified); `apiKey` goes in `X-API-Key`.
 */
export async function callChecked(
  base: string,
  apiKey: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<CheckedCall> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      "x-api-key": apiKey,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const operation = checkResponse({
    method,
    path,
    status: res.status,
    body: text,
    contentType: res.headers.get("content-type") ?? undefined,
  });
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: text ? JSON.parse(text) : undefined,
    operation,
  };
}
