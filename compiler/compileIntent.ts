/**
 * compileIntent: TMF921 v5 Intent or ProbeIntent (JSON text or bytes) → TS 28.312 Rel-18 Intent in a
 * `CompiledIntent` envelope.
 *
 * The expression (JSON-LD or Turtle) is read as an RDF graph by kept libraries (rdf/readGraph.ts) and
 * walked by full IRIs, so every layout of one graph compiles to the same bytes.
 *
 * Pure: no file system, network, clock or randomness (asynchronous only because the JSON-LD processor's API
 * is). Same meaning → same output bytes (the output is built in a fixed order and serialised canonically).
 * Every problem in the input is reported at once, each with a JSON pointer; nothing is returned when there
 * is any.
 */
import { pointerOf } from "./canonicalJson.js";
import { checkConsistency } from "./checkConsistency.js";
import { convertPlainIntent, isPlainIntent, type PlainConversion } from "./convertPlainIntent.js";
import { digestJson } from "./digest.js";
import { capProblems, IntentopsError, InvalidInputError, type Problem } from "./errors.js";
import { isRecord } from "./jsonLdProfile.js";
import { parseInstant } from "./parseInstant.js";
import { type ParseLimits, parseJsonSafely } from "./parseJsonSafely.js";
import { buildIntentTree, type IriMapper } from "./rdf/buildIntentTree.js";
import { locateInSource } from "./rdf/locateInSource.js";
import { type GraphResult, readJsonLdGraph, readTurtleGraph } from "./rdf/readGraph.js";
import { readExpression } from "./readExpression.js";
import { readPriority } from "./readPriority.js";
import { resolveSites } from "./resolveSites.js";
import type { CompiledIntent, Context, DeltaEntry, Intent28312, SiteRegistry } from "./types.js";
import { validateWithSchema } from "./validateWithSchema.js";

export interface CompileOptions {
  /** The file the intent came from, named in problems. */
  file?: string;
  limits?: ParseLimits;
  /** Maps IRIs of the user's own vocabularies onto internal names (see compiler/readVocabularyMapping.ts). */
  mapper?: IriMapper;
}

/** The TIO version of the internal names (rdf/namespaces.ts); other versions are recorded in the delta. */
const INTERNAL_TIO_VERSION = "v3.6.0";

const SAFE_ID = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** TMF921 Intent_FVO members that are consumed as identity or envelope and so are not "unmapped". */
const CONSUMED = new Set([
  "@type",
  "id",
  "name",
  "description",
  "version",
  "priority",
  "validFor",
  "expression",
  "lifecycleStatus",
]);
const TMF_UNMAPPED = new Set([
  "@baseType",
  "@schemaLocation",
  "href",
  "context",
  "isBundle",
  "statusChangeDate",
  "creationDate",
  "lastUpdate",
  "intentSpecification",
  "intentRelationship",
  "characteristic",
  "relatedParty",
  "attachment",
]);

/**
 * Compiles one TMF921 intent.
 *
 * @throws InvalidInputError listing every problem (with file and JSON pointer)
 * @example compileIntent(readFileSync("intents/edge-analytics.json", "utf8"), registry).spec.intent
 */
export async function compileIntent(
  text: string | Uint8Array,
  registry: SiteRegistry,
  options: CompileOptions = {},
): Promise<CompiledIntent> {
  const problems: Problem[] = [];
  const source: { jsonLd?: unknown; converted?: boolean } = {};
  const compiled = await compileParsed(text, registry, options, problems, source);
  if (problems.length || !compiled) {
    const at = pointerOf("expression", "expressionValue");
    throw new InvalidInputError(
      capProblems(problems).map((p) => {
        const pointer =
          source.jsonLd === undefined ? p.pointer : locateInSource(source.jsonLd, at, p.pointer);
        // After a conversion from the plain shape, pointers name the converted TMF921 intent.
        const where = source.converted ? " (as converted to TMF921)" : "";
        return { ...p, pointer, ...(options.file ? { file: `${options.file}${where}` } : {}) };
      }),
    );
  }
  return compiled;
}

async function compileParsed(
  text: string | Uint8Array,
  registry: SiteRegistry,
  options: CompileOptions,
  problems: Problem[],
  source: { jsonLd?: unknown; converted?: boolean },
): Promise<CompiledIntent | undefined> {
  const parsed = parseJsonSafely(text, options.limits);
  if (!parsed.ok) {
    problems.push(...parsed.problems);
    return undefined;
  }
  let input = parsed.value;
  let converted: PlainConversion | undefined;
  if (isPlainIntent(input)) {
    // The older demo's plain shape: converted to a TMF921 Intent first (shown to the user in the result).
    converted = convertPlainIntent(input, registry);
    problems.push(...converted.problems);
    if (!converted.intent) return undefined;
    source.converted = true;
    input = converted.intent;
  }
  if (!isRecord(input)) {
    problems.push({ code: "E_TYPE", pointer: "", message: "a TMF921 Intent must be a JSON object" });
    return undefined;
  }
  for (const p of validateWithSchema("tmf921Intent", input)) problems.push(p);
  const delta: DeltaEntry[] = converted
    ? converted.delta.map((d) => ({ ...d, reason: `plain shape: ${d.reason}` }))
    : [];
  const intentId = readIntentId(input, problems);
  const priority = readPriority(input.priority, problems, delta);
  checkValidFor(input, problems);

  const expression = isRecord(input.expression) ? input.expression : undefined;
  const at = pointerOf("expression", "expressionValue");
  let graph: GraphResult | undefined;
  if (expression?.["@type"] === "TurtleExpression" && typeof expression.expressionValue === "string") {
    graph = readTurtleGraph(expression.expressionValue, at);
  } else if (expression?.["@type"] === "JsonLdExpression" && isRecord(expression.expressionValue)) {
    graph = await readJsonLdGraph(expression.expressionValue, at);
    source.jsonLd = expression.expressionValue;
  }
  if (!graph) return undefined;
  for (const p of graph.problems) problems.push(p);
  for (const d of graph.dropped) delta.push(d);
  const tree = graph.problems.length
    ? undefined
    : buildIntentTree(graph.triples, at, problems, options.mapper);
  if (!tree) return undefined;
  for (const version of tree.tioVersions.filter((v) => v !== INTERNAL_TIO_VERSION)) {
    delta.push({
      pointer: at,
      reason: `TIO ${version} terms read as the internal TIO vocabulary (icm:, quan:, log:, set:)`,
    });
  }
  for (const subject of tree.unreachable) {
    delta.push({ pointer: at, reason: `${subject} is not reachable from the intent node; not mapped` });
  }
  for (const { from, to } of tree.mapped) {
    delta.push({ pointer: at, reason: `${from} read as ${to} (vocabulary mapping)` });
  }
  for (const { from, to } of tree.respelled) {
    delta.push({
      pointer: at,
      reason: `${from} read as ${to} (a misspelling in TM Forum's published material)`,
    });
  }
  const read = readExpression(tree.intent, at, problems, delta);
  if (!read) return undefined;
  checkConsistency(read.expectations, read.pointers, problems);
  // Sites are checked even when other problems were found: every independent problem is reported at once.
  const sites = resolveSites(read.expectations, registry, (id) => read.pointers[id] ?? "", problems);
  if (problems.length || !intentId) return undefined;

  for (const key of Object.keys(input)) {
    if (CONSUMED.has(key)) continue;
    delta.push({
      pointer: pointerOf(key),
      reason: TMF_UNMAPPED.has(key)
        ? "TMF921 field with no TS 28.312 counterpart"
        : "not a TMF921 Intent_FVO field",
    });
  }
  for (const key of Object.keys(expression ?? {})) {
    if (key !== "@type" && key !== "iri" && key !== "expressionValue") {
      delta.push({
        pointer: pointerOf("expression", key),
        reason: "TMF921 expression field with no TS 28.312 counterpart",
      });
    }
  }
  if (read.nodeId && read.nodeId !== intentId) {
    delta.push({
      pointer: pointerOf("expression", "expressionValue", "@id"),
      reason: `the intent node's id "${read.nodeId}" is not the intent id "${intentId}" (taken from ${input.id === undefined ? "name" : "id"})`,
    });
  }

  const intentContexts: Context[] = [...read.intentContexts];
  const validFor = input.validFor as { startDateTime?: string; endDateTime?: string } | undefined;
  if (validFor && (validFor.startDateTime || validFor.endDateTime)) {
    const window: Record<string, string> = {};
    if (validFor.startDateTime) window.startTime = validFor.startDateTime;
    if (validFor.endDateTime) window.endTime = validFor.endDateTime;
    intentContexts.push({
      contextAttribute: "validFor",
      contextCondition: "IS_EQUAL_TO",
      contextValueRange: window,
    });
  }
  const intent: Intent28312 = {
    id: intentId,
    userLabel: input.name as string,
    intentExpectations: read.expectations,
    intentAdminState: adminState(input.lifecycleStatus, delta),
  };
  if (intentContexts.length) intent.intentContexts = intentContexts;
  if (priority !== undefined) intent.intentPriority = priority;
  if (read.observationPeriod !== undefined) intent.observationPeriod = read.observationPeriod;

  const outputProblems = validateWithSchema("ts28312Intent", intent);
  if (outputProblems.length) {
    // The input was accepted, so an invalid output is our bug, not the user's.
    throw new IntentopsError(
      "E_INTERNAL",
      `compiled intent fails the TS 28.312 schema: ${outputProblems[0]!.pointer} ${outputProblems[0]!.message}`,
      {
        subject: `Intent/${intentId}`,
      },
    );
  }
  const compiled: CompiledIntent = {
    apiVersion: "intentops.io/v1alpha1",
    kind: "CompiledIntent",
    metadata: { name: intentId },
    spec: {
      intentId,
      // The digest names the intent's meaning (envelope + graph), not its layout: every layout of one
      // graph is one revision.
      intentDigest: digestJson({
        envelope: envelopeOf(input),
        intent: tree.intent,
        unreachable: tree.unreachable,
      }),
      sites,
      intent,
      delta: delta.sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0)),
    },
  };
  if (input["@type"] === "ProbeIntent") compiled.spec.probe = true;
  if (converted?.intent) compiled.spec.converted = converted.intent;
  if (typeof input.version === "string") compiled.spec.revision = input.version;
  if (typeof input.description === "string") compiled.spec.description = input.description;
  return compiled;
}

/** The intent id names directories, labels and Git trailers, so it must be a DNS label. */
function readIntentId(input: Record<string, unknown>, problems: Problem[]): string | undefined {
  if (typeof input.id === "string") {
    if (SAFE_ID.test(input.id)) return input.id;
    problems.push({
      code: "E_UNSAFE_ID",
      pointer: "/id",
      message: `${JSON.stringify(input.id)} is not a safe intent id: use a DNS label (lowercase letters, digits and '-', at most 63 characters), because it names directories and labels`,
    });
    return undefined;
  }
  if (typeof input.name !== "string") return undefined;
  const slug = input.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  if (SAFE_ID.test(slug)) return slug;
  problems.push({
    code: "E_UNSAFE_ID",
    pointer: "/name",
    message: "no intent id: give an id, or a name with letters or digits",
  });
  return undefined;
}

function adminState(status: unknown, delta: DeltaEntry[]): "ACTIVATED" | "DEACTIVATED" {
  if (status === undefined) return "ACTIVATED";
  const normal = String(status).toLowerCase();
  if (["active", "activated", "created", "approved"].includes(normal)) return "ACTIVATED";
  if (["suspended", "inactive", "deactivated"].includes(normal)) return "DEACTIVATED";
  delta.push({
    pointer: "/lifecycleStatus",
    reason: `lifecycle status ${JSON.stringify(status)} has no TS 28.312 admin state; ACTIVATED assumed`,
  });
  return "ACTIVATED";
}

function checkValidFor(input: Record<string, unknown>, problems: Problem[]): void {
  const validFor = input.validFor as { startDateTime?: unknown; endDateTime?: unknown } | undefined;
  if (
    !isRecord(validFor) ||
    typeof validFor.startDateTime !== "string" ||
    typeof validFor.endDateTime !== "string"
  ) {
    return;
  }
  const start = parseInstant(validFor.startDateTime);
  const end = parseInstant(validFor.endDateTime);
  if (start !== null && end !== null && end < start) {
    problems.push({
      code: "E_RANGE",
      pointer: "/validFor/endDateTime",
      message: "the validity period ends before it starts",
    });
  }
}

/** The TMF921 members around the expression (its syntax is not part of the intent's meaning). */
function envelopeOf(input: Record<string, unknown>): Record<string, unknown> {
  const envelope: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(input)) if (key !== "expression") envelope[key] = input[key];
  return envelope;
}
