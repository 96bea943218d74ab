/**
 * The small part of JSON-LD the profile needs: compact IRIs are resolved through the expression's
 * `@context`, so `icm:params`, `tio:params` (with `tio` bound to the same IRI) and the absolute IRI all name
 * the same member. Members are looked up by their canonical name (`icm:…`, `quan:…`, `io:…`); names in other
 * namespaces are "foreign" and end up in the delta report.
 */
import { pointerOf } from "./canonicalJson.js";

/** The namespaces the profile understands, by canonical prefix. */
const KNOWN_NAMESPACES: ReadonlyArray<{ prefix: string; test: RegExp; iri: string }> = [
  {
    prefix: "icm",
    test: /^https?:\/\/tio\.models\.tmforum\.org\/tio\/v\d+(\.\d+)*\/IntentCommonModel[/#]?$/,
    iri: "http://tio.models.tmforum.org/tio/v3.6.0/IntentCommonModel/",
  },
  {
    prefix: "quan",
    test: /^https?:\/\/tio\.models\.tmforum\.org\/tio\/v\d+(\.\d+)*\/QuantityOntology[/#]?$/,
    iri: "http://tio.models.tmforum.org/tio/v3.6.0/QuantityOntology/",
  },
  {
    prefix: "io",
    test: /^https:\/\/intentops\.io\/ontology\/v1[/#]?$/,
    iri: "https://intentops.io/ontology/v1#",
  },
];

export const PROFILE_CONTEXT: Readonly<Record<string, string>> = Object.fromEntries(
  KNOWN_NAMESPACES.map((ns) => [ns.prefix, ns.iri]),
);

export type ResolvedName = { known: true; name: string } | { known: false; name: string };

/** Resolves names against one `@context`. */
export class NameResolver {
  private readonly prefixes: ReadonlyMap<string, string>;

  constructor(context: Readonly<Record<string, unknown>>) {
    const map = new Map<string, string>();
    for (const [prefix, iri] of Object.entries(context)) {
      if (typeof iri !== "string") continue;
      const ns = KNOWN_NAMESPACES.find((candidate) => candidate.test.test(iri));
      if (ns) map.set(prefix, ns.prefix);
    }
    this.prefixes = map;
  }

  /** `tio:params` → `{ known: true, name: "icm:params" }`; `elb:quality` → `{ known: false, … }`. */
  resolve(term: string): ResolvedName {
    if (term.startsWith("@")) return { known: true, name: term };
    const absolute = /^(https?:\/\/.*[/#])([^/#]+)$/.exec(term);
    if (absolute) {
      const ns = KNOWN_NAMESPACES.find((candidate) => candidate.test.test(absolute[1]!));
      return ns ? { known: true, name: `${ns.prefix}:${absolute[2]}` } : { known: false, name: term };
    }
    const colon = term.indexOf(":");
    if (colon <= 0) return { known: false, name: term };
    const canonical = this.prefixes.get(term.slice(0, colon));
    return canonical
      ? { known: true, name: `${canonical}:${term.slice(colon + 1)}` }
      : { known: false, name: term };
  }

  /** The canonical name of `term`, or undefined for a foreign term. */
  canonical(term: string): string | undefined {
    const resolved = this.resolve(term);
    return resolved.known ? resolved.name : undefined;
  }

  /** The local part of a compact IRI or identifier: `io:edge-app` → `edge-app`, `_:service` → `service`. */
  localName(term: string): string {
    const resolved = this.resolve(term);
    const name = resolved.name;
    const cut = Math.max(name.lastIndexOf(":"), name.lastIndexOf("/"), name.lastIndexOf("#"));
    return cut >= 0 ? name.slice(cut + 1) : name;
  }
}

/** One member of a JSON-LD node, with its original key and pointer. */
export interface Member {
  key: string;
  name: string;
  known: boolean;
  value: unknown;
  pointer: string;
}

/** Lists the members of `node` with their canonical names, in the input's key order. */
export function membersOf(node: Record<string, unknown>, resolver: NameResolver, pointer: string): Member[] {
  return Object.keys(node).map((key) => {
    const resolved = resolver.resolve(key);
    return {
      key,
      name: resolved.name,
      known: resolved.known,
      value: node[key],
      pointer: pointer + pointerOf(key),
    };
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
