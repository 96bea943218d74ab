/**
 * compileIntent: TMF921 v5 Intent (JSON text) → TS 28.312 Rel-18 Intent in a `CompiledIntent` envelope.
 *
 * Pure: no file system, network, clock or randomness. Same input bytes' meaning → same output bytes (the
 * output is built in a fixed order and serialised canonically). Every problem in the input is reported at
 * once, each with a JSON pointer; nothing is returned when there is any.
 */
import { pointerOf } from "./canonicalJson.js";
import { digestJson } from "./digest.js";
import { IntentopsError, InvalidInputError, type Problem } from "./errors.js";
import { isRecord } from "./jsonLdProfile.js";
import { parseInstant } from "./parseInstant.js";
import { type ParseLimits, parseJsonSafely } from "./parseJsonSafely.js";
import { readExpression } from "./readExpression.js";
import { resolveSites } from "./resolveSites.js";
import type { CompiledIntent, Context, DeltaEntry, Intent28312, SiteRegistry } from "./types.js";
import { validateWithSchema } from "./validateWithSchema.js";

export interface CompileOptions {
  /** The file the intent came from, named in problems. */
  file?: string;
  limits?: ParseLimits;
}

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
export function compileIntent(
  text: string,
  registry: SiteRegistry,
  options: CompileOptions = {},
): CompiledIntent {
  const problems: Problem[] = [];
  const compiled = compileParsed(text, registry, options, problems);
  if (problems.length || !compiled) {
    throw new InvalidInputError(problems.map((p) => (options.file ? { ...p, file: options.file } : p)));
  }
  return compiled;
}

function compileParsed(
  text: string,
  registry: SiteRegistry,
  options: CompileOptions,
  problems: Problem[],
): CompiledIntent | undefined {
  const parsed = parseJsonSafely(text, options.limits);
  if (!parsed.ok) {
    problems.push(...parsed.problems);
    return undefined;
  }
  const input = parsed.value;
  if (!isRecord(input)) {
    problems.push({ code: "E_TYPE", pointer: "", message: "a TMF921 Intent must be a JSON object" });
    return undefined;
  }
  problems.push(...validateWithSchema("tmf921Intent", input));
  const delta: DeltaEntry[] = [];
  const intentId = readIntentId(input, problems);
  const priority = readPriority(input, problems);
  checkValidFor(input, problems);

  const expression = isRecord(input.expression) ? input.expression : undefined;
  const value = expression && isRecord(expression.expressionValue) ? expression.expressionValue : undefined;
  const read = value
    ? readExpression(value, pointerOf("expression", "expressionValue"), problems, delta)
    : undefined;
  if (!read) return undefined;
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
  for (const key of Object.keys(expression!)) {
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
      reason: `the intent node's @id "${read.nodeId}" is not the intent id "${intentId}" (taken from ${input.id === undefined ? "name" : "id"})`,
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
      intentDigest: digestJson(input),
      sites,
      intent,
      delta: delta.sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0)),
    },
  };
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

function readPriority(input: Record<string, unknown>, problems: Problem[]): number | undefined {
  if (typeof input.priority !== "string") return undefined;
  const value = Number(input.priority);
  if (/^\d{1,3}$/.test(input.priority) && value >= 1 && value <= 100) return value;
  problems.push({
    code: "E_RANGE",
    pointer: "/priority",
    message: `priority ${JSON.stringify(input.priority)} must be a whole number from 1 to 100 (TS 28.312 intentPriority)`,
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
