/**
 * Finds the expectations of the intent tree (see rdf/buildIntentTree.ts), whichever TIO form they are
 * written in:
 *   - `icm:hasExpectation` → expectation with `icm:target` and `icm:params` (one or more parameter nodes,
 *     as in TMF921 v5's own examples and this project's profile);
 *   - `log:allOf` (TIO v3.6) → expectation with `icm:target` and `log:allOf` of `icm:Context` nodes (their
 *     members are parameters) and `icm:Condition` nodes (`set:forAll [ icm:valuesOfTargetProperty P ;
 *     quan:smaller Q ]`, each a condition on P). A delivery expectation with conditions is read as the
 *     delivery plus an ENSURE expectation (`<id>-targets`) on the same target.
 * Members the compiler does not map are kept for the delta report or refused by the caller.
 */
import { pointerOf, stringifyCanonical } from "./canonicalJson.js";
import type { Problem } from "./errors.js";
import type { TreeNode, TreeValue } from "./rdf/buildIntentTree.js";
import type { DeltaEntry } from "./types.js";
import { CONDITION_KEYS } from "./vocabulary.js";

export type Kind = "delivery" | "property" | "reporting";

/** One member of a tree node, with its internal name and pointer. */
export interface Member {
  key: string;
  name: string;
  known: boolean;
  value: unknown;
  pointer: string;
}

export interface RawExpectation {
  kind: Kind;
  id: string;
  pointer: string;
  target: string;
  targetPointer: string;
  params: Member[];
}

const EXPECTATION_TYPES: ReadonlyMap<string, Kind> = new Map([
  ["icm:DeliveryExpectation", "delivery"],
  ["icm:PropertyExpectation", "property"],
  ["icm:ReportingExpectation", "reporting"],
  ["icm:ObservationReportingExpectation", "reporting"],
]);
/** Types an expectation may carry next to its kind without meaning anything more. */
const NEUTRAL_TYPES = new Set(["icm:Expectation", "icm:IntentElement"]);
const EXPECTATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const CONDITION_NAMES: ReadonlySet<string> = new Set(CONDITION_KEYS.keys());
/** TIO v3.6 names the condition class `icm:Condition`; later INTEND material names it `log:Condition`. */
const CONDITION_TYPES = new Set(["icm:Condition", "log:Condition"]);
/** Members of an expectation node that are structure, not parameters. */
const STRUCTURE = new Set(["@id", "@type", "icm:target", "icm:params", "log:allOf"]);

/** A name the compiler knows: an internal `prefix:local` name, not a full IRI. */
export function isKnownName(name: string): boolean {
  return /^(icm|quan|log|set|imo|io|rdf|rdfs|xsd|time|dct):[^/]+$/.test(name);
}

export function localName(full: string): string {
  const name = full.startsWith("<") && full.endsWith(">") ? full.slice(1, -1) : full;
  const cut = Math.max(name.lastIndexOf(":"), name.lastIndexOf("/"), name.lastIndexOf("#"));
  return cut >= 0 ? name.slice(cut + 1) : name;
}

export function asList(value: TreeValue | undefined): TreeValue[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export function isNode(value: unknown): value is TreeNode {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Removes `@id`/`@type` of nested nodes, so a parameter's value is its content. */
export function contentOf(value: unknown, depth = 0): unknown {
  if (depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => contentOf(v, depth + 1));
  if (!isNode(value)) return value;
  const out: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value)) {
    if (key !== "@id" && key !== "@type") out[key] = contentOf(value[key], depth + 1);
  }
  return out;
}

export function readExpectationNodes(
  intent: TreeNode,
  pointer: string,
  problems: Problem[],
  delta: DeltaEntry[],
): RawExpectation[] {
  const expectationValues = unkey([...asList(intent["icm:hasExpectation"]), ...asList(intent["log:allOf"])]);
  for (const name of Object.keys(intent)) {
    if (["@id", "@type", "icm:hasExpectation", "log:allOf"].includes(name)) continue;
    delta.push({
      pointer: pointer + pointerOf(name),
      reason: isKnownName(name)
        ? `${name} has no TS 28.312 counterpart in this profile`
        : "not in a namespace this profile maps",
    });
  }
  if (expectationValues.length === 0) {
    const foreign = Object.keys(intent).filter((name) => !isKnownName(name) && !name.startsWith("@"));
    problems.push({
      code: foreign.length ? "E_UNMAPPED" : "E_REQUIRED",
      pointer: pointer + pointerOf("icm:hasExpectation"),
      message: foreign.length
        ? `the intent has no expectations (icm:hasExpectation or log:allOf); its members ${foreign.slice(0, 5).join(", ")} are in namespaces the compiler does not map; map them in mappings.yaml beside sites.yaml (intents/README.md, "Vocabulary mappings")`
        : "the intent has no expectations (icm:hasExpectation or log:allOf)",
    });
    return [];
  }
  if (expectationValues.length > 64) {
    problems.push({
      code: "E_TOO_LARGE",
      pointer: pointer + pointerOf("icm:hasExpectation"),
      message: `the intent has ${expectationValues.length} expectations; at most 64 are accepted`,
    });
    return [];
  }
  const out: RawExpectation[] = [];
  const ids = new Set<string>();
  const counters = new Map<Kind, number>();
  for (const value of expectationValues) {
    if (!isNode(value)) {
      problems.push({
        code: "E_UNKNOWN_EXPECTATION",
        pointer: pointer + pointerOf("icm:hasExpectation"),
        message: `expectation ${JSON.stringify(value)} is not described in the intent (no type, target or parameters)`,
      });
      continue;
    }
    const types = asList(value["@type"]).map(String);
    const kinds = [...new Set(types.map((t) => EXPECTATION_TYPES.get(t)).filter((k) => k !== undefined))];
    const label =
      typeof value["@id"] === "string" ? localName(value["@id"]) : keyedLabels.get(value as TreeNode);
    const at = pointer + pointerOf("icm:hasExpectation", label ?? `${kinds[0] ?? "expectation"}`);
    if (kinds.length !== 1) {
      const unknown = types.filter((t) => !NEUTRAL_TYPES.has(t));
      if (!kinds.length && unknown.some((t) => t.startsWith("icm:"))) {
        problems.push({
          code: "E_UNKNOWN_EXPECTATION",
          pointer: at + pointerOf("@type"),
          message: `${unknown.map((t) => JSON.stringify(t)).join(", ")} is not an accepted expectation type (${[...EXPECTATION_TYPES.keys()].join(", ")})`,
        });
        continue;
      }
      problems.push({
        code: kinds.length ? "E_AMBIGUOUS_EXPECTATION" : "E_UNMAPPED",
        pointer: at + pointerOf("@type"),
        message: kinds.length
          ? `the expectation is typed both ${kinds.join(" and ")}; give it one kind`
          : `expectation type ${unknown.length ? unknown.map((t) => JSON.stringify(t)).join(", ") : "(none)"} is not mapped; known: ${[...EXPECTATION_TYPES.keys()].join(", ")}; map your own type onto one of them in mappings.yaml beside sites.yaml (intents/README.md, "Vocabulary mappings")`,
      });
      continue;
    }
    const kind = kinds[0]!;
    counters.set(kind, (counters.get(kind) ?? 0) + 1);
    const id = label ?? `${kind}-${counters.get(kind)}`;
    const exp = pointer + pointerOf("icm:hasExpectation", id);
    if (!EXPECTATION_ID.test(id)) {
      problems.push({
        code: "E_UNSAFE_ID",
        pointer: exp,
        message: `expectation id ${JSON.stringify(id)} must be letters, digits, '.', '_' or '-' (at most 63)`,
      });
      continue;
    }
    if (ids.has(id)) {
      problems.push({
        code: "E_DUPLICATE_ID",
        pointer: exp,
        message: `expectation id "${id}" is used twice`,
      });
      continue;
    }
    ids.add(id);
    const target = value["icm:target"];
    if (typeof target !== "string" && !(isNode(target) && typeof target["@id"] === "string")) {
      problems.push(
        target === undefined
          ? {
              code: "E_REQUIRED",
              pointer: exp + pointerOf("icm:target"),
              message: "an expectation needs one icm:target (the name of what it is about)",
            }
          : {
              code: "E_FORM",
              pointer: exp + pointerOf("icm:target"),
              message:
                "icm:target is a blank node that no expectation with an IRI names, so it has no name this intent can deliver or watch it under; give the target or its expectation an IRI",
            },
      );
      continue;
    }
    for (const name of Object.keys(value)) {
      if (STRUCTURE.has(name)) continue;
      delta.push({
        pointer: exp + pointerOf(name),
        reason: isKnownName(name)
          ? `${name} has no TS 28.312 counterpart in this profile`
          : "not in a namespace this profile maps",
      });
    }
    const params: Member[] = [];
    const conditions: Member[] = [];
    const seen = new Map<string, { pointer: string; content: string }>();
    const addParam = (list: Member[], name: string, raw: unknown, where: string) => {
      const memberPointer = where + pointerOf(name);
      const value = contentOf(raw);
      const content = stringifyCanonical(value, 0);
      const before = seen.get(name);
      if (before) {
        // The same statement made twice says nothing more (INTEND's generated intents repeat conditions).
        if (before.content === content) return;
        problems.push({
          code: "E_CONFLICT",
          pointer: memberPointer,
          message: `${name} is given twice for one expectation, differently (also at ${before.pointer})`,
        });
        return;
      }
      seen.set(name, { pointer: memberPointer, content });
      list.push({ key: name, name, known: isKnownName(name), value, pointer: memberPointer });
    };
    const paramNodes = asList(value["icm:params"]);
    paramNodes.forEach((paramNode, i) => {
      const where = exp + pointerOf("icm:params") + (paramNodes.length > 1 ? pointerOf(i) : "");
      if (!isNode(paramNode)) {
        problems.push({ code: "E_TYPE", pointer: where, message: "icm:params must be a node of parameters" });
        return;
      }
      for (const name of Object.keys(paramNode)) {
        if (name === "@id" || name === "@type") continue;
        addParam(params, name, paramNode[name], where);
      }
    });
    for (const part of asList(value["log:allOf"])) {
      const partTypes = isNode(part) ? asList(part["@type"]).map(String) : [];
      const partId = isNode(part) && typeof part["@id"] === "string" ? localName(part["@id"]) : "part";
      const where = exp + pointerOf("log:allOf", partId);
      if (isNode(part) && partTypes.some((t) => CONDITION_TYPES.has(t))) {
        for (const name of Object.keys(part)) {
          if (name === "@id" || name === "@type" || name === "set:forAll") continue;
          delta.push({
            pointer: where + pointerOf(name),
            reason: isKnownName(name)
              ? `${name} has no TS 28.312 counterpart in this profile`
              : "not in a namespace this profile maps",
          });
        }
        readCondition(part, where, problems, (name, condition) =>
          addParam(conditions, name, condition, where + pointerOf("set:forAll")),
        );
      } else if (isNode(part) && (partTypes.includes("icm:Context") || partTypes.length === 0)) {
        for (const name of Object.keys(part)) {
          if (name === "@id" || name === "@type") continue;
          if (!isKnownName(name) || name.startsWith("io:") || name === "icm:targetDescription")
            addParam(params, name, part[name], where);
          else
            delta.push({
              pointer: where + pointerOf(name),
              reason: `${name} has no TS 28.312 counterpart in this profile`,
            });
        }
      } else {
        problems.push({
          code: "E_UNMAPPED",
          pointer: where,
          message: `log:allOf of an expectation holds ${isNode(part) ? `a node of type ${partTypes.join(", ")}` : JSON.stringify(part)}; known: icm:Condition, icm:Context`,
        });
      }
    }
    const targetName = localName(typeof target === "string" ? target : String(target["@id"]));
    const base = { pointer: exp, target: targetName, targetPointer: exp + pointerOf("icm:target") };
    if (kind === "property") out.push({ ...base, kind, id, params: [...params, ...conditions] });
    else {
      out.push({ ...base, kind, id, params });
      if (conditions.length) {
        const ensureId = `${id}-targets`;
        ids.add(ensureId);
        out.push({ ...base, kind: "property", id: ensureId, params: conditions });
      }
    }
  }
  return out;
}

const keyedLabels = new WeakMap<TreeNode, string>();

/**
 * TMF921's older examples key expectations by id (`"icm:hasExpectation": { "ex:Delivery_app": { … } }`). As
 * JSON-LD that is an untyped node whose members are the expectations: each is read as an expectation
 * labelled by its member's local name.
 */
function unkey(values: TreeValue[]): TreeValue[] {
  return values.flatMap((value) => {
    if (!isNode(value) || value["@type"] !== undefined || value["icm:target"] !== undefined) return [value];
    const names = Object.keys(value).filter((k) => k !== "@id");
    const members = names.flatMap((name) => asList(value[name]).map((v) => [name, v] as const));
    if (!members.length || !members.every(([, v]) => isNode(v) && v["@type"] !== undefined)) return [value];
    return members.map(([name, v]) => {
      if (typeof (v as TreeNode)["@id"] !== "string") keyedLabels.set(v as TreeNode, localName(name));
      return v;
    });
  });
}

/** `icm:Condition` → the property it constrains and its condition object (`{ "quan:smaller": … }`). */
function readCondition(
  node: TreeNode,
  pointer: string,
  problems: Problem[],
  add: (property: string, condition: Record<string, unknown>) => void,
): void {
  const forAll = node["set:forAll"] ?? node;
  const quantifiers = isFunctionalForAll(forAll) ? [functionalForAll(forAll)] : asList(forAll);
  for (const quantifier of quantifiers) {
    if (!isNode(quantifier)) continue;
    const property = quantifier["icm:valuesOfTargetProperty"] ?? quantifier["icm:valueOfTargetProperty"];
    const names = Object.keys(quantifier).filter((k) => CONDITION_NAMES.has(k));
    const propertyName =
      typeof property === "string" ? property : isNode(property) ? property["@id"] : undefined;
    if (typeof propertyName !== "string" || names.length !== 1) {
      problems.push({
        code: "E_FORM",
        pointer,
        message: `an icm:Condition needs set:forAll [ icm:valuesOfTargetProperty <property> ; <one condition> ] (conditions: ${[...CONDITION_NAMES].join(", ")})`,
      });
      continue;
    }
    add(propertyName, { [names[0]!]: contentOf(quantifier[names[0]!]) });
  }
}

/**
 * The N3-style form of a condition in TM Forum's and INTEND's Turtle material:
 * `set:forAll ( _:X [ icm:valuesOfTargetProperty ( P ) ] quan:smaller ( _:X Q ) )` — a list of the
 * variable, the set it ranges over, the operator and the operator's arguments (the variable and the bound).
 */
function isFunctionalForAll(value: TreeValue): value is TreeValue[] {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    isNode(value[1]) &&
    typeof value[2] === "string" &&
    CONDITION_NAMES.has(value[2]) &&
    Array.isArray(value[3]) &&
    value[3].length === 2
  );
}

/** The functional form as the node form `[ icm:valuesOfTargetProperty P ; <operator> Q ]`. */
function functionalForAll(list: TreeValue[]): TreeNode {
  const range = list[1] as TreeNode;
  const properties = asList(range["icm:valuesOfTargetProperty"] ?? range["icm:valueOfTargetProperty"]);
  const node: TreeNode = Object.create(null);
  const flat = properties.length === 1 && Array.isArray(properties[0]) ? properties[0] : properties;
  if (flat.length === 1) node["icm:valuesOfTargetProperty"] = flat[0]!;
  node[list[2] as string] = (list[3] as TreeValue[])[1]!;
  return node;
}
