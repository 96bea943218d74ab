/**
 * Turns the intent's RDF graph into one tree rooted at the `icm:Intent` node, keyed by internal names
 * (`icm:hasExpectation`, `io:site`, …; IRIs the compiler does not know stay full IRIs). The tree is a pure
 * function of the graph — never of the syntax or layout it was written in: a property's several values are
 * sorted by content, blank nodes carry no label, and an RDF list becomes an array in list order. So
 * compact, expanded, flattened, `@graph` and Turtle forms of one intent give the same tree, byte for byte.
 *
 * Tables are `Map`s and tree nodes have no prototype: a term such as `constructor` is only ever a key.
 * Bounded: nesting depth and the number of values are capped, cycles are cut, no recursion deeper than
 * the depth cap.
 */
import { pointerOf, stringifyCanonical } from "../canonicalJson.js";
import type { Problem } from "../errors.js";
import { type NormalisedIri, normaliseIri } from "./namespaces.js";
import type { RdfTerm, Triple } from "./readGraph.js";

export type TreeValue = string | number | boolean | TreeNode | TreeValue[];
export interface TreeNode {
  [name: string]: TreeValue;
}

export interface IntentTree {
  intent: TreeNode;
  /** TIO versions the graph's IRIs named, sorted. */
  tioVersions: string[];
  /** Subjects the intent node does not lead to (nothing is dropped silently). */
  unreachable: string[];
  /** User mappings that were applied: original IRI → internal name. */
  mapped: Array<{ from: string; to: string }>;
  /** TM Forum misspellings that were read as the term meant (rdf/namespaces.ts TM_FORUM_SPELLINGS). */
  respelled: Array<{ from: string; to: string }>;
}

export interface TreeLimits {
  maxDepth: number;
  maxValues: number;
}

export const DEFAULT_TREE_LIMITS: TreeLimits = { maxDepth: 24, maxValues: 20_000 };

/** Maps an IRI the compiler does not know onto an internal name (the user's vocabulary mapping). */
export type IriMapper = (iri: string) => string | undefined;

const NUMERIC = new Set(
  [
    "integer",
    "decimal",
    "double",
    "float",
    "int",
    "long",
    "short",
    "byte",
    "nonNegativeInteger",
    "positiveInteger",
    "nonPositiveInteger",
    "negativeInteger",
    "unsignedInt",
    "unsignedLong",
    "unsignedShort",
    "unsignedByte",
  ].map((local) => `http://www.w3.org/2001/XMLSchema#${local}`),
);
const BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean";
const RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
const RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
const RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";

/**
 * Builds the tree of the one `icm:Intent` node of `triples`. Problems point below `pointer`, along the
 * tree (`/icm:hasExpectation/…`).
 */
export function buildIntentTree(
  triples: readonly Triple[],
  pointer: string,
  problems: Problem[],
  mapper: IriMapper = () => undefined,
  limits: TreeLimits = DEFAULT_TREE_LIMITS,
): IntentTree | undefined {
  const versions = new Set<string>();
  const mapped = new Map<string, string>();
  const respelled = new Map<string, string>();
  const names = new Map<string, NormalisedIri>();
  const nameOf = (iri: string): string => {
    let known = names.get(iri);
    if (!known) {
      known = normaliseIri(iri);
      if (!known.known) {
        const target = mapper(iri);
        if (target !== undefined) {
          known = { name: target, known: true };
          mapped.set(iri, target);
        }
      }
      names.set(iri, known);
    }
    if (known.tioVersion) versions.add(known.tioVersion);
    if (known.respelled) respelled.set(iri, known.name);
    return known.name;
  };
  const bySubject = new Map<string, Triple[]>();
  for (const triple of triples) {
    const key = keyOf(triple.subject);
    const list = bySubject.get(key);
    if (list) list.push(triple);
    else bySubject.set(key, [triple]);
  }
  const intents = [...bySubject.entries()].filter(([, list]) =>
    list.some(
      (t) =>
        t.predicate === RDF_TYPE && t.object.kind !== "literal" && nameOf(t.object.value) === "icm:Intent",
    ),
  );
  if (intents.length !== 1) {
    problems.push({
      code: "E_NO_INTENT_NODE",
      pointer,
      message:
        intents.length === 0
          ? "the expression's graph holds no node of type icm:Intent (TIO IntentCommonModel Intent)"
          : `the expression's graph holds ${intents.length} icm:Intent nodes; exactly one is accepted per intent`,
    });
    return undefined;
  }
  const targetNames = nameBlankTargets(triples, nameOf);
  const reached = new Set<string>();
  let values = 0;
  const before = problems.length;

  const literal = (term: Extract<RdfTerm, { kind: "literal" }>, at: string): TreeValue => {
    if (NUMERIC.has(term.datatype)) {
      const number = Number(term.value);
      if (!Number.isFinite(number)) {
        problems.push({
          code: "E_VALUE",
          pointer: at,
          message: `the number ${term.value.slice(0, 40)} is not finite`,
        });
        return 0;
      }
      return Object.is(number, -0) ? 0 : number;
    }
    if (term.datatype === BOOLEAN) return term.value === "true" || term.value === "1";
    return term.value;
  };

  const embed = (key: string, depth: number, path: ReadonlySet<string>, at: string): TreeValue => {
    const list = listItems(key);
    if (list) {
      reached.add(key);
      return list.map((item, i) => value(item, depth + 1, path, at + pointerOf(i)));
    }
    const node: TreeNode = Object.create(null);
    const [kind, id] = splitKey(key);
    if (kind === "iri") node["@id"] = nameOf(id);
    else if (targetNames.has(key)) node["@id"] = targetNames.get(key)!;
    const triplesOf = bySubject.get(key) ?? [];
    if (!triplesOf.length) return kind === "iri" ? nameOf(id) : node;
    reached.add(key);
    if (depth >= limits.maxDepth) {
      problems.push({
        code: "E_TOO_DEEP",
        pointer: at,
        message: `nodes nested deeper than ${limits.maxDepth} levels are not accepted`,
      });
      return node;
    }
    const inner = new Set(path).add(key);
    const grouped = new Map<string, TreeValue[]>();
    for (const triple of triplesOf) {
      const name = triple.predicate === RDF_TYPE ? "@type" : nameOf(triple.predicate);
      let group = grouped.get(name);
      if (!group) {
        group = [];
        grouped.set(name, group);
      }
      group.push(
        triple.predicate === RDF_TYPE && triple.object.kind === "iri"
          ? nameOf(triple.object.value)
          : value(triple.object, depth + 1, inner, at + pointerOf(name)),
      );
    }
    for (const name of [...grouped.keys()].sort()) {
      const group = sortByContent(grouped.get(name)!);
      node[name] = name === "@type" || group.length > 1 ? group : group[0]!;
    }
    return node;
  };

  const value = (term: RdfTerm, depth: number, path: ReadonlySet<string>, at: string): TreeValue => {
    if (++values > limits.maxValues) {
      if (values === limits.maxValues + 1) {
        problems.push({
          code: "E_TOO_LARGE",
          pointer,
          message: `the intent's graph unfolds into more than ${limits.maxValues} values; one intent may hold at most ${limits.maxValues}`,
        });
      }
      return "";
    }
    if (term.kind === "literal") return literal(term, at);
    const key = keyOf(term);
    if (path.has(key)) return term.kind === "iri" ? nameOf(term.value) : "_:cycle";
    return embed(key, depth, path, at);
  };

  const listItems = (key: string): RdfTerm[] | undefined => {
    const items: RdfTerm[] = [];
    let current = key;
    for (let i = 0; i <= limits.maxValues; i++) {
      if (current === `iri:${RDF_NIL}`) return i === 0 ? undefined : items;
      const list = bySubject.get(current);
      const first = list?.find((t) => t.predicate === RDF_FIRST);
      const rest = list?.find((t) => t.predicate === RDF_REST);
      if (!list || !first || !rest || list.length !== 2) return undefined;
      if (i > 0) reached.add(current);
      items.push(first.object);
      current = keyOf(rest.object);
    }
    return undefined;
  };

  const [intentKey] = intents[0]!;
  const intent = embed(intentKey, 0, new Set(), pointer) as TreeNode;
  if (problems.length > before) return undefined;
  const unreachable = [...bySubject.keys()]
    .filter((key) => !reached.has(key))
    .map((key) => {
      const [kind, id] = splitKey(key);
      return kind === "iri" ? nameOf(id) : "a blank node";
    })
    .sort();
  return {
    intent,
    tioVersions: [...versions].sort(),
    unreachable,
    mapped: [...mapped.entries()]
      .map(([from, to]) => ({ from, to }))
      .sort((a, b) => (a.from < b.from ? -1 : 1)),
    respelled: [...respelled.entries()]
      .map(([from, to]) => ({ from, to }))
      .sort((a, b) => (a.from < b.from ? -1 : 1)),
  };
}

/**
 * A target written as a blank node (`icm:target _:resource_slice`, as in TMF921 v5's Turtle examples) is one
 * thing for every expectation that names it, but has no name of its own, and its label is not part of the
 * graph. It is named after the expectations that name it: `_:<local name of the first of their IRIs>-target`
 * (a function of the graph, so every layout gives the same name). A blank target named by a blank
 * expectation stays unnamed, and is refused by the reader. Renaming the first expectation renames the target;
 * an IRI gives a target a name that stays.
 */
function nameBlankTargets(triples: readonly Triple[], nameOf: (iri: string) => string): Map<string, string> {
  const referrers = new Map<string, string[] | null>();
  for (const t of triples) {
    if (t.object.kind !== "blank" || nameOf(t.predicate) !== "icm:target") continue;
    const key = keyOf(t.object);
    const list = referrers.get(key);
    if (list === null) continue;
    if (t.subject.kind !== "iri") referrers.set(key, null);
    else if (list) list.push(t.subject.value);
    else referrers.set(key, [t.subject.value]);
  }
  const names = new Map<string, string>();
  for (const [key, list] of referrers) {
    if (!list) continue;
    const first = list.sort()[0]!;
    const local = first.slice(Math.max(first.lastIndexOf("#"), first.lastIndexOf("/")) + 1);
    if (local) names.set(key, `_:${local}-target`);
  }
  return names;
}

function keyOf(term: RdfTerm): string {
  return `${term.kind}:${term.value}`;
}

function splitKey(key: string): [string, string] {
  const colon = key.indexOf(":");
  return [key.slice(0, colon), key.slice(colon + 1)];
}

/** Values of one property in an order that depends on their content only. */
function sortByContent(values: TreeValue[]): TreeValue[] {
  if (values.length < 2) return values;
  return values
    .map((v) => ({ v, k: stringifyCanonical(v, 0) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((e) => e.v);
}
