/**
 * Reads the intent tree (the expression's RDF graph, see rdf/buildIntentTree.ts) into TS 28.312 intent
 * expectations. Every expectation, target and context is kept; anything in a namespace the compiler does
 * not know is listed in the delta report, or refused where it would change what is delivered or ensured
 * (an unmapped parameter); anything in our namespaces that is not understood is an error.
 */
import { pointerOf } from "./canonicalJson.js";
import type { Problem } from "./errors.js";
import { NameResolver, PROFILE_CONTEXT } from "./jsonLdProfile.js";
import { normaliseQuantity } from "./normaliseQuantity.js";
import type { TreeNode } from "./rdf/buildIntentTree.js";
import { localName, type RawExpectation, readExpectationNodes } from "./readExpectationNodes.js";
import { readDeliveryParam, unwrapValue } from "./readParamValue.js";
import { readTargetConditions } from "./readTargetConditions.js";
import type { Context, DeltaEntry, ExpectationTarget, IntentExpectation, ObjectType } from "./types.js";
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

/** Names in the tree are internal names already: the resolver only splits them. */
const resolver = new NameResolver(PROFILE_CONTEXT);

/** Where to map a vocabulary the compiler does not know. */
export const MAPPING_HINT =
  'map it in mappings.yaml beside sites.yaml (intents/README.md, "Vocabulary mappings")';

/** Reads the intent tree (at `pointer` in the TMF921 document). Problems and delta entries are appended. */
export function readExpression(
  intent: TreeNode,
  pointer: string,
  problems: Problem[],
  delta: DeltaEntry[],
): ReadExpressionResult | undefined {
  const raw = readExpectationNodes(intent, pointer, problems, delta);
  const result: ReadExpressionResult = {
    expectations: [],
    intentContexts: [],
    pointers: Object.create(null),
  };
  for (const expectation of raw) result.pointers[expectation.id] = expectation.pointer;
  if (typeof intent["@id"] === "string") result.nodeId = localName(intent["@id"]);

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
    const objectType = readObjectType(expectation, problems);
    if (!objectType) continue;
    // Registered even when the delivery has errors, so that expectations about it are still checked
    // on their own instead of failing as "not delivered".
    deliveries.set(expectation.target, { objectType, pointer: expectation.pointer });
    const read = readDelivery(expectation, objectType, problems);
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
    const targets = readProperty(expectation, delivery.objectType, problems);
    if (targets) {
      result.expectations.push({
        expectationId: expectation.id,
        expectationVerb: "ENSURE",
        expectationObject: { objectType: delivery.objectType, objectInstance: expectation.target },
        expectationTargets: targets,
      });
    }
  }
  // Several ReportingExpectations (one per delivery, say) are one TS 28.312 intent's reporting: 28.312 has
  // one observationPeriod per intent, so it is the shortest interval asked for (every requester gets reports
  // at least as often as it asked), and the reporting events are the union of the events asked for.
  const reporting = { periods: [] as number[], events: new Set<string>() };
  for (const expectation of raw.filter((e) => e.kind === "reporting")) {
    readReporting(expectation, reporting, problems, delta);
  }
  if (reporting.periods.length) result.observationPeriod = Math.min(...reporting.periods);
  if (reporting.events.size) {
    result.intentContexts.push({
      contextAttribute: "reportingEvent",
      contextCondition: "IS_ALL_OF",
      contextValueRange: [...reporting.events].sort(),
    });
  }
  return result;
}

/** An unmapped parameter changes what is delivered or ensured: it is refused, with the way out. */
function unmapped(member: { name: string; pointer: string }, known: readonly { key: string }[]): Problem {
  return {
    code: "E_UNMAPPED",
    pointer: member.pointer,
    message: `parameter ${member.name} is not mapped; known: ${known.map((p) => p.key).join(", ")}; ${MAPPING_HINT}`,
  };
}

function readObjectType(expectation: RawExpectation, problems: Problem[]): ObjectType | undefined {
  const description = expectation.params.find((m) => m.name === "icm:targetDescription");
  const spelled =
    description && typeof description.value === "string" ? localName(description.value) : undefined;
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
  problems: Problem[],
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
      problems.push(unmapped(member, DELIVERY_PARAMS));
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
  problems: Problem[],
): ExpectationTarget[] | undefined {
  const before = problems.length;
  const byTarget = new Map<string, ExpectationTarget[]>();
  for (const member of expectation.params) {
    if (!member.known) {
      problems.push(unmapped(member, PROPERTY_PARAMS));
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
  reporting: { periods: number[]; events: Set<string> },
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
      } else reporting.periods.push(read.value);
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
      for (const event of events) reporting.events.add(resolver.localName(event as string));
    } else {
      delta.push({ pointer: member.pointer, reason: "reporting parameter this profile does not map" });
    }
  }
}
