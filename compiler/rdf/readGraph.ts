/**
 * Reads a TMF921 expression into one RDF graph: a `JsonLdExpression` through the JSON-LD processor
 * (`jsonld`, expanded with the document's own `@context`; a remote context is never fetched — the document
 * loader refuses every URL), a `TurtleExpression` through the Turtle parser (`n3`). Both give the same
 * `Triple`s, so the rest of the compiler never sees the syntax the intent was written in.
 *
 * Pure: no file system, network, environment or clock. Asynchronous only because the JSON-LD processor's
 * API is (with a refusing loader it waits on nothing).
 */
import { Parser, type Quad } from "n3";
import type { Problem } from "../errors.js";
import { checkJsonLdDocument } from "./checkJsonLdDocument.js";

export type RdfTerm =
  | { kind: "iri"; value: string }
  | { kind: "blank"; value: string }
  | { kind: "literal"; value: string; datatype: string; language?: string };

export interface Triple {
  subject: RdfTerm;
  predicate: string;
  object: RdfTerm;
}

export interface GraphLimits {
  /** Most triples one intent may hold. */
  maxTriples: number;
}

export const DEFAULT_GRAPH_LIMITS: GraphLimits = { maxTriples: 5000 };

/** Relative IRIs in either syntax resolve against this base, so both give the same graph. */
export const BASE_IRI = "https://intentops.io/intents/";

export interface GraphResult {
  triples: Triple[];
  problems: Problem[];
  /** What the processor dropped (a JSON-LD member that names no IRI, …): reported, never silent. */
  dropped: Array<{ pointer: string; reason: string }>;
}

const RDF_STRING = "http://www.w3.org/2001/XMLSchema#string";

/** A document loader that fetches nothing: a remote `@context` is an error in the input. */
export async function refuseRemoteDocument(url: string): Promise<never> {
  throw new RemoteContextRefused(url);
}

class RemoteContextRefused extends Error {
  constructor(readonly url: string) {
    super(`remote JSON-LD context ${JSON.stringify(url)} is not fetched; put the context inline`);
  }
}

/** Reads a JSON-LD expressionValue (already parsed JSON) into triples. */
export async function readJsonLdGraph(
  value: Record<string, unknown>,
  pointer: string,
  limits: GraphLimits = DEFAULT_GRAPH_LIMITS,
): Promise<GraphResult> {
  const problems = checkJsonLdDocument(value, pointer);
  if (problems.length) return { triples: [], problems, dropped: [] };
  const dropped: GraphResult["dropped"] = [];
  let quads: unknown;
  try {
    // Loaded on first use: most CLI verbs never read an expression, and the processor is large.
    const { default: jsonld } = await import("jsonld");
    quads = await (jsonld.toRDF as (doc: unknown, options: unknown) => Promise<unknown>)(value, {
      base: BASE_IRI,
      documentLoader: refuseRemoteDocument,
      eventHandler: ({ event }: { event: { code: string; details?: Record<string, unknown> } }) => {
        const what = event.details?.property ?? event.details?.id ?? event.details?.type;
        dropped.push({
          pointer,
          reason: `the JSON-LD processor dropped ${what === undefined ? "a value" : JSON.stringify(what)} (${event.code}): it names no IRI`,
        });
      },
    });
  } catch (error) {
    return { triples: [], problems: [jsonLdProblem(error, pointer)], dropped };
  }
  const triples: Triple[] = [];
  for (const quad of quads as JsonLdQuad[]) {
    const subject = term(quad.subject);
    const object = term(quad.object);
    if (!subject || !object || subject.kind === "literal" || quad.predicate.termType !== "NamedNode")
      continue;
    triples.push({ subject, predicate: quad.predicate.value, object });
    if (triples.length > limits.maxTriples) return tooMany(limits, pointer, dropped);
  }
  return { triples, problems: [], dropped };
}

/** Reads a Turtle expressionValue (a string) into triples. */
export function readTurtleGraph(
  text: string,
  pointer: string,
  limits: GraphLimits = DEFAULT_GRAPH_LIMITS,
): GraphResult {
  let quads: Quad[];
  try {
    // Without a callback the parser works synchronously and returns every quad.
    quads = new Parser({ baseIRI: BASE_IRI, format: "text/turtle" }).parse(text) as unknown as Quad[];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      triples: [],
      problems: [{ code: "E_TURTLE", pointer, message: `not valid Turtle: ${message}` }],
      dropped: [],
    };
  }
  if (quads.length > limits.maxTriples) return tooMany(limits, pointer, []);
  const triples: Triple[] = [];
  for (const quad of quads) {
    const subject = term(quad.subject as unknown as JsonLdTerm);
    const object = term(quad.object as unknown as JsonLdTerm);
    if (!subject || !object || subject.kind === "literal" || quad.predicate.termType !== "NamedNode")
      continue;
    triples.push({ subject, predicate: quad.predicate.value, object });
  }
  return { triples, problems: [], dropped: [] };
}

interface JsonLdTerm {
  termType: string;
  value: string;
  datatype?: { value: string };
  language?: string;
}
interface JsonLdQuad {
  subject: JsonLdTerm;
  predicate: JsonLdTerm;
  object: JsonLdTerm;
}

function term(raw: JsonLdTerm): RdfTerm | undefined {
  if (raw.termType === "NamedNode") return { kind: "iri", value: raw.value };
  if (raw.termType === "BlankNode") return { kind: "blank", value: raw.value.replace(/^_:/, "") };
  if (raw.termType === "Literal") {
    const literal: RdfTerm = {
      kind: "literal",
      value: raw.value,
      datatype: raw.datatype?.value ?? RDF_STRING,
    };
    if (raw.language) literal.language = raw.language;
    return literal;
  }
  return undefined;
}

function tooMany(limits: GraphLimits, pointer: string, dropped: GraphResult["dropped"]): GraphResult {
  return {
    triples: [],
    problems: [
      {
        code: "E_TOO_LARGE",
        pointer,
        message: `the expression holds more than ${limits.maxTriples} RDF triples; one intent may hold at most ${limits.maxTriples}`,
      },
    ],
    dropped,
  };
}

function jsonLdProblem(error: unknown, pointer: string): Problem {
  let cause: unknown = error;
  for (let i = 0; i < 8 && cause && typeof cause === "object"; i++) {
    if (cause instanceof RemoteContextRefused) {
      return { code: "E_REMOTE_CONTEXT", pointer, message: cause.message };
    }
    const details = (cause as { details?: { cause?: unknown } }).details;
    cause = details?.cause ?? (cause as { cause?: unknown }).cause;
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { details?: { code?: unknown } }).details?.code;
  return {
    code: "E_JSONLD",
    pointer,
    message: `not valid JSON-LD: ${message}${typeof code === "string" ? ` (${code})` : ""}`,
  };
}
