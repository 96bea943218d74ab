/**
 * Reads a TMF921 `JsonLdExpression.expressionValue` in the intentops profile into TS 28.312 intent
 * expectations. Every expectation, target and context is kept; anything in a namespace the profile does not
 * know is listed in the delta report; anything in our namespaces that is not understood is an error.
 */
import { pointerOf } from "./canonicalJson.js";
import type { Problem } from "./errors.js";
import { isRecord, type Member, membersOf, NameResolver } from "./jsonLdProfile.js";
import { normaliseQuantity } from "./normaliseQuantity.js";
import { readDeliveryParam, unwrapValue } from "./readParamValue.js";
import { readTargetConditions } from "./readTargetConditions.js";
import type { Context, DeltaEntry, ExpectationTarget, IntentExpectation, ObjectType } from "./types.js";
import { validateWithSchema } from "./validateWithSchema.js";
import {
  DELIVERY_BY_KEY,
  DELIVERY_PARAMS,
  OBJECT_TYPE_SPELLINGS,
  PROPERTY_BY_KEY,
  PROPERTY_PARAMS,
  WORKLOAD_KINDS,
  type WorkloadKind,
} from "./vocabulary.js";

export interface ReadExpressionResult {
  /** `@id` of the intent node (local name), when given. */
  nodeId?: string;
  expectations: IntentExpectation[];
  intentContexts: Context[];
  observationPeriod?: number;
  /** Input pointer of each expectation, by expectation id (for messages of later checks). */
  pointers: Record<string, string>;
}

type Kind = "delivery" | "property" | "reporting";
const EXPECTATION_TYPES: Readonly<Record<string, Kind>> = {
  "icm:DeliveryExpectation": "delivery",
  "icm:PropertyExpectation": "property",
  "icm:ReportingExpectation": "reporting",
};
const EXPECTATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

interface RawExpectation {
  kind: Kind;
  id: string;
  pointer: string;
  target: string;
  targetPointer: string;
  params: Member[];
}

/** Reads `expressionValue` (at `pointer` in the TMF921 document). Problems and delta entries are appended. */
export function readExpression(
  expressionValue: Record<string, unknown>,
  pointer: string,
  problems: Problem[],
  delta: DeltaEntry[],
): ReadExpressionResult | undefined {
  const schemaProblems = validateWithSchema("expressionValue", expressionValue, pointer);
  if (schemaProblems.length) {
    problems.push(...schemaProblems);
    return undefined;
  }
  const resolver = new NameResolver(expressionValue["@context"] as Record<string, unknown>);
  const node = findIntentNode(expressionValue, resolver, pointer, problems, delta);
  if (!node) return undefined;

  const raw = readExpectations(node.value, resolver, node.pointer, problems, delta);
  const result: ReadExpressionResult = { expectations: [], intentContexts: [], pointers: {} };
  for (const expectation of raw) result.pointers[expectation.id] = expectation.pointer;
  const nodeId = node.value["@id"] ?? node.key;
  if (typeof nodeId === "string") result.nodeId = resolver.localName(nodeId);

  const deliveries = new Map<string, { objectType: ObjectType; pointer: string }>();
  for (const expectation of raw.filter((e) => e.kind === "delivery")) {
    if (deliveries.has(expectation.target)) {
      problems.push({
        code: "E_DUPLICATE_TARGET",
        pointer: expectation.targetPointer,
        message: `two DeliveryExpectations deliver the same icm:target "${expectation.target}"`,
      });
      continue;
    }
    const objectType = readObjectType(expectation, resolver, problems);
    if (!objectType) continue;
    // Registered even when the delivery has errors, so that expectations about it are still checked
    // on their own instead of failing as "not delivered".
    deliveries.set(expectation.target, { objectType, pointer: expectation.pointer });
    const read = readDelivery(expectation, objectType, resolver, problems, delta);
    if (read) result.expectations.push(read);
  }
  for (const expectation of raw.filter((e) => e.kind === "property")) {
    const delivery = deliveries.get(expectation.target);
    if (!delivery) {
      problems.push({
        code: "E_UNKNOWN_TARGET",
        pointer: expectation.targetPointer,
        message: `icm:target "${expectation.target}" is not delivered by any DeliveryExpectation (delivered: ${[...deliveries.keys()].join(", ") || "none"})`,
      });
      continue;
    }
    const targets = readProperty(expectation, delivery.objectType, resolver, problems, delta);
    if (targets) {
      result.expectations.push({
        expectationId: expectation.id,
        expectationVerb: "ENSURE",
        expectationObject: { objectType: delivery.objectType, objectInstance: expectation.target },
        expectationTargets: targets,
      });
    }
  }
  const reporting = raw.filter((e) => e.kind === "reporting");
  for (const extra of reporting.slice(1)) {
    problems.push({
      code: "E_DUPLICATE",
      pointer: extra.pointer,
      message: "only one ReportingExpectation is accepted per intent",
    });
  }
  if (reporting[0]) readReporting(reporting[0], resolver, result, problems, delta);
  return result;
}

function findIntentNode(
  value: Record<string, unknown>,
  resolver: NameResolver,
  pointer: string,
  problems: Problem[],
  delta: DeltaEntry[],
): { key?: string; value: Record<string, unknown>; pointer: string } | undefined {
  const isIntent = (node: unknown) =>
    isRecord(node) && typeof node["@type"] === "string" && resolver.canonical(node["@type"]) === "icm:Intent";
  if (isIntent(value)) return { value, pointer };
  const candidates = Object.keys(value).filter((key) => !key.startsWith("@") && isIntent(value[key]));
  if (candidates.length !== 1) {
    problems.push({
      code: "E_NO_INTENT_NODE",
      pointer,
      message:
        candidates.length === 0
          ? 'expressionValue holds no node of "@type": "icm:Intent" (itself, or as its one member)'
          : `expressionValue holds ${candidates.length} icm:Intent nodes; exactly one is accepted`,
    });
    return undefined;
  }
  const key = candidates[0]!;
  for (const other of Object.keys(value)) {
    if (other !== key && other !== "@context")
      delta.push({ pointer: pointer + pointerOf(other), reason: "not part of the icm:Intent node" });
  }
  return { key, value: value[key] as Record<string, unknown>, pointer: pointer + pointerOf(key) };
}

function readExpectations(
  node: Record<string, unknown>,
  resolver: NameResolver,
  pointer: string,
  problems: Problem[],
  delta: DeltaEntry[],
): RawExpectation[] {
  const members = membersOf(node, resolver, pointer);
  const listMember = members.find((m) => m.name === "icm:hasExpectation");
  for (const m of members) {
    if (m === listMember || m.key === "@type" || m.key === "@id" || m.key === "@context") continue;
    delta.push({
      pointer: m.pointer,
      reason: m.known
        ? `${m.name} has no TS 28.312 counterpart in this profile`
        : "not in a namespace this profile maps",
    });
  }
  if (!listMember) {
    problems.push({
      code: "E_REQUIRED",
      pointer: pointer + pointerOf("icm:hasExpectation"),
      message: "is required but missing",
    });
    return [];
  }
  // Check the node's structure with its schema, through canonical names.
  const shapeProblems = validateWithSchema(
    "expressionIntentNode",
    { "@type": "icm:Intent", "icm:hasExpectation": canonicalExpectations(listMember.value, resolver) },
    "",
  );
  if (shapeProblems.length) {
    problems.push(
      ...shapeProblems.map((p) => ({
        ...p,
        pointer: listMember.pointer + p.pointer.replace(/^\/icm:hasExpectation/, ""),
      })),
    );
    return [];
  }
  const entries: Array<[string | undefined, unknown, string]> = Array.isArray(listMember.value)
    ? listMember.value.map((v, i) => [undefined, v, listMember.pointer + pointerOf(i)])
    : Object.entries(listMember.value as Record<string, unknown>).map(([k, v]) => [
        k,
        v,
        listMember.pointer + pointerOf(k),
      ]);

  const out: RawExpectation[] = [];
  const ids = new Set<string>();
  const counters: Record<Kind, number> = { delivery: 0, property: 0, reporting: 0 };
  for (const [key, value, at] of entries) {
    const expectation = value as Record<string, unknown>;
    const typeName = resolver.canonical(String(expectation["@type"]));
    const kind = typeName ? EXPECTATION_TYPES[typeName] : undefined;
    if (!kind) {
      problems.push({
        code: "E_UNKNOWN_EXPECTATION",
        pointer: at + pointerOf("@type"),
        message: `${JSON.stringify(expectation["@type"])} is not an accepted expectation type (${Object.keys(EXPECTATION_TYPES).join(", ")})`,
      });
      continue;
    }
    counters[kind] += 1;
    const rawId = typeof expectation["@id"] === "string" ? expectation["@id"] : key;
    const id = rawId === undefined ? `${kind}-${counters[kind]}` : resolver.localName(rawId);
    if (!EXPECTATION_ID.test(id)) {
      problems.push({
        code: "E_UNSAFE_ID",
        pointer: at,
        message: `expectation id ${JSON.stringify(id)} must be letters, digits, '.', '_' or '-' (at most 63)`,
      });
      continue;
    }
    if (ids.has(id)) {
      problems.push({ code: "E_DUPLICATE_ID", pointer: at, message: `expectation id "${id}" is used twice` });
      continue;
    }
    ids.add(id);
    const members = membersOf(expectation, resolver, at);
    const targetMember = members.find((m) => m.name === "icm:target")!;
    const paramsMember = members.find((m) => m.name === "icm:params")!;
    for (const m of members) {
      if (m === targetMember || m === paramsMember || m.key === "@type" || m.key === "@id") continue;
      delta.push({
        pointer: m.pointer,
        reason: m.known
          ? `${m.name} has no TS 28.312 counterpart in this profile`
          : "not in a namespace this profile maps",
      });
    }
    out.push({
      kind,
      id,
      pointer: at,
      target: resolver.localName(String(targetMember.value)),
      targetPointer: targetMember.pointer,
      params: membersOf(paramsMember.value as Record<string, unknown>, resolver, paramsMember.pointer),
    });
  }
  return out;
}

/** Rewrites expectation keys to canonical names so the schema can check them whatever the prefixes. */
function canonicalExpectations(value: unknown, resolver: NameResolver): unknown {
  const rewrite = (node: unknown) =>
    isRecord(node)
      ? Object.fromEntries(Object.entries(node).map(([k, v]) => [resolver.canonical(k) ?? k, v]))
      : node;
  if (Array.isArray(value)) return value.map(rewrite);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
  return value;
}

function readObjectType(
  expectation: RawExpectation,
  resolver: NameResolver,
  problems: Problem[],
): ObjectType | undefined {
  const description = expectation.params.find((m) => m.name === "icm:targetDescription");
  const spelled =
    description && typeof description.value === "string" ? resolver.localName(description.value) : undefined;
  const objectType = spelled ? OBJECT_TYPE_SPELLINGS.get(spelled) : undefined;
  if (!objectType) {
    problems.push({
      code: "E_UNKNOWN_OBJECT_TYPE",
      pointer: description?.pointer ?? `${expectation.pointer}/icm:params/icm:targetDescription`,
      message: `icm:targetDescription must name an object type: ${[...new Set(OBJECT_TYPE_SPELLINGS.values())].join(", ")}${spelled ? ` (got "${spelled}")` : ""}`,
    });
  }
  return objectType;
}

function readDelivery(
  expectation: RawExpectation,
  objectType: ObjectType,
  resolver: NameResolver,
  problems: Problem[],
  delta: DeltaEntry[],
): IntentExpectation | undefined {
  const workloadMember = expectation.params.find((m) => m.name === "io:workload");
  const workloadValue = workloadMember ? unwrapValue(workloadMember.value, resolver) : undefined;
  const workload = (
    workloadValue !== undefined
      ? workloadValue
      : objectType === "EdgeService_Support"
        ? "application"
        : "slice"
  ) as WorkloadKind;
  // With an unknown workload, which parameters apply is unknowable: report only the workload itself.
  const knownWorkload = (WORKLOAD_KINDS as readonly unknown[]).includes(workload);
  const before = problems.length;
  const byAttribute = new Map<string, Context[]>();
  for (const member of expectation.params) {
    if (member.name === "icm:targetDescription") continue;
    if (!member.known) {
      delta.push({ pointer: member.pointer, reason: "parameter in a namespace this profile does not map" });
      continue;
    }
    const param = DELIVERY_BY_KEY.get(member.name);
    if (!param) {
      problems.push({
        code: "E_UNKNOWN_PARAM",
        pointer: member.pointer,
        message: `${member.name} is not a delivery parameter (known: ${DELIVERY_PARAMS.map((p) => p.key).join(", ")})`,
      });
      continue;
    }
    if (
      knownWorkload &&
      (!param.objectTypes.includes(objectType) || (param.workloads && !param.workloads.includes(workload)))
    ) {
      problems.push({
        code: "E_PARAM_NOT_APPLICABLE",
        pointer: member.pointer,
        message: `${member.name} does not apply to a ${objectType} ${workload}`,
      });
      continue;
    }
    const read = readDeliveryParam(param, member.value, member.pointer, resolver);
    if (read.ok) byAttribute.set(param.key, read.value);
    else problems.push(...read.problems);
  }
  for (const param of DELIVERY_PARAMS) {
    if (param.required && !byAttribute.has(param.key) && problems.length === before) {
      problems.push({
        code: "E_REQUIRED",
        pointer: `${expectation.pointer}${pointerOf("icm:params", param.key)}`,
        message: `is required (${param.doc})`,
      });
    }
  }
  if (!knownWorkload) {
    // the io:workload value itself was reported above
  } else if (workload === "slice" && objectType === "EdgeService_Support") {
    problems.push({
      code: "E_PARAM_NOT_APPLICABLE",
      pointer: workloadMember!.pointer,
      message: "a slice is delivered as RAN_SubNetwork or 5GC_SubNetwork",
    });
  } else if (workload !== "slice" && objectType !== "EdgeService_Support") {
    problems.push({
      code: "E_PARAM_NOT_APPLICABLE",
      pointer: workloadMember!.pointer,
      message: `${objectType} delivers a slice, not a ${workload}`,
    });
  }
  const bound = (key: string) => byAttribute.get(key)?.[0]?.contextValueRange;
  const [min, max] = [bound("io:minReplicas"), bound("io:maxReplicas")];
  if (typeof min === "number" && typeof max === "number" && min > max) {
    problems.push({
      code: "E_RANGE",
      pointer: `${expectation.pointer}${pointerOf("icm:params", "io:minReplicas")}`,
      message: `minReplicas ${min} is above maxReplicas ${max}`,
    });
  }
  if (problems.length > before) return undefined;
  // Contexts in the vocabulary's order, whatever the input's order: same meaning → same bytes.
  const objectContexts = DELIVERY_PARAMS.flatMap((p) => byAttribute.get(p.key) ?? []);
  if (!byAttribute.has("io:workload")) {
    objectContexts.splice(1, 0, {
      contextAttribute: "workloadKind",
      contextCondition: "IS_EQUAL_TO",
      contextValueRange: workload,
    });
  }
  return {
    expectationId: expectation.id,
    expectationVerb: "DELIVER",
    expectationObject: { objectType, objectInstance: expectation.target, objectContexts },
  };
}

function readProperty(
  expectation: RawExpectation,
  objectType: ObjectType,
  resolver: NameResolver,
  problems: Problem[],
  delta: DeltaEntry[],
): ExpectationTarget[] | undefined {
  const before = problems.length;
  const byTarget = new Map<string, ExpectationTarget[]>();
  for (const member of expectation.params) {
    if (!member.known) {
      delta.push({ pointer: member.pointer, reason: "property in a namespace this profile does not map" });
      continue;
    }
    const param = PROPERTY_BY_KEY.get(member.name);
    if (!param) {
      problems.push({
        code: "E_UNKNOWN_PARAM",
        pointer: member.pointer,
        message: `${member.name} is not a property (known: ${PROPERTY_PARAMS.map((p) => p.key).join(", ")})`,
      });
      continue;
    }
    if (!param.objectTypes.includes(objectType)) {
      problems.push({
        code: "E_PARAM_NOT_APPLICABLE",
        pointer: member.pointer,
        message: `${member.name} does not apply to ${objectType}`,
      });
      continue;
    }
    const read = readTargetConditions(param, member.value, member.pointer, resolver);
    if (read.ok) byTarget.set(param.key, read.value);
    else problems.push(...read.problems);
  }
  if (problems.length > before) return undefined;
  const targets = PROPERTY_PARAMS.flatMap((p) => byTarget.get(p.key) ?? []);
  if (targets.length === 0) {
    problems.push({
      code: "E_REQUIRED",
      pointer: `${expectation.pointer}/icm:params`,
      message: "a PropertyExpectation needs at least one property",
    });
    return undefined;
  }
  return targets;
}

function readReporting(
  expectation: RawExpectation,
  resolver: NameResolver,
  result: ReadExpressionResult,
  problems: Problem[],
  delta: DeltaEntry[],
): void {
  for (const member of expectation.params) {
    if (member.name === "icm:reportingInterval") {
      const read = normaliseQuantity(unwrapValue(member.value, resolver), {
        kind: "duration",
        unit: "s",
        integer: true,
      });
      if (!read.ok || read.value < 1) {
        problems.push({
          code: read.ok ? "E_RANGE" : read.code,
          pointer: member.pointer,
          message: read.ok ? "the reporting interval must be at least 1 s" : read.message,
        });
      } else result.observationPeriod = read.value;
    } else if (member.name === "icm:reportingEvent") {
      const events = Array.isArray(member.value) ? member.value : [member.value];
      if (events.length === 0 || !events.every((e) => typeof e === "string" && e.length > 0)) {
        problems.push({
          code: "E_TYPE",
          pointer: member.pointer,
          message: "reporting events must be names such as icm:StateComplies",
        });
        continue;
      }
      const names = [...new Set(events.map((e) => resolver.localName(e as string)))].sort();
      result.intentContexts.push({
        contextAttribute: "reportingEvent",
        contextCondition: "IS_ALL_OF",
        contextValueRange: names,
      });
    } else {
      delta.push({ pointer: member.pointer, reason: "reporting parameter this profile does not map" });
    }
  }
}
