/**
 * The namespaces the compiler understands, and the many spellings TM Forum has published them under.
 *
 * TIO (TM Forum Intent Ontology) IRIs differ by version (`v1.0.0`, `v2.0.0`, `v3.4.0`, `v3.6.0`, …), by host
 * (`tio.models.tmforum.org`, `www.models.tmforum.org`, `tio.labs.tmforum.org`), by scheme and by the
 * separator (`/` or `#`). All of them name the same terms, so every IRI is normalised to one internal name
 * (`icm:target`, `quan:smaller`, `log:allOf`, …) and the versions seen are recorded for the delta report.
 */

/** Internal prefix → the namespace IRI written when a canonical name is expanded. */
export const CANONICAL_NAMESPACES: ReadonlyMap<string, string> = new Map([
  ["icm", "http://tio.models.tmforum.org/tio/v3.6.0/IntentCommonModel/"],
  ["quan", "http://tio.models.tmforum.org/tio/v3.6.0/QuantityOntology/"],
  ["log", "http://tio.models.tmforum.org/tio/v3.6.0/LogicalOperators/"],
  ["set", "http://tio.models.tmforum.org/tio/v3.6.0/SetOperators/"],
  ["imo", "http://tio.models.tmforum.org/tio/v3.6.0/IntentManagementOntology/"],
  ["io", "https://intentops.io/ontology/v1#"],
  ["rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"],
  ["rdfs", "http://www.w3.org/2000/01/rdf-schema#"],
  ["xsd", "http://www.w3.org/2001/XMLSchema#"],
  ["time", "http://www.w3.org/2006/time#"],
  ["dct", "http://purl.org/dc/terms/"],
]);

/** TIO module name (as it appears in the IRI) → internal prefix. */
const TIO_MODULES: ReadonlyMap<string, string> = new Map([
  ["IntentCommonModel", "icm"],
  ["QuantityOntology", "quan"],
  ["LogicalOperators", "log"],
  ["SetOperators", "set"],
  ["IntentManagementOntology", "imo"],
  // sic: TM Forum's v3.4.0 material spells it so
  ["IntentManagmentOntology", "imo"],
  ["TimeOntology", "time"],
]);

const TIO =
  /^https?:\/\/(?:tio\.models|www\.models|models|tio\.labs)\.tmforum\.org\/tio\/(v\d+(?:\.\d+)*)\/([A-Za-z]+)[/#]/;

const FIXED: ReadonlyArray<[string, string]> = [
  ["https://intentops.io/ontology/v1#", "io"],
  ["https://intentops.io/ontology/v1/", "io"],
  ["http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf"],
  ["http://www.w3.org/2000/01/rdf-schema#", "rdfs"],
  ["http://www.w3.org/2001/XMLSchema#", "xsd"],
  ["http://www.w3.org/2006/time#", "time"],
  ["http://purl.org/dc/terms/", "dct"],
];

/**
 * Terms TM Forum's published material misspells, read as the term meant (full IRI → internal name). Each is
 * listed in the compiled intent's delta report when read. Only misspellings that cannot mean anything else
 * belong here, each with where it appears.
 */
export const TM_FORUM_SPELLINGS: ReadonlyMap<string, string> = new Map([
  // sic: `t:numbericDuration` (W3C Time's `numericDuration`) in the reporting interval of the TMF921 v5.0.0
  // OpenAPI document's JSON-LD examples (`components.examples`: Intent_create_example_01_request and the
  // list, retrieve, update and ProbeIntent examples built from it; schemas/tmf921/).
  ["http://www.w3.org/2006/time#numbericDuration", "time:numericDuration"],
]);

export interface NormalisedIri {
  /** `icm:target` for a known term, the IRI in angle brackets (`<http://…>`) otherwise. */
  name: string;
  known: boolean;
  /** The TIO version named by the IRI (`v3.6.0`), when it is a TIO IRI. */
  tioVersion?: string;
  /** Set when the IRI is a misspelling of TM Forum's material read as `name` (TM_FORUM_SPELLINGS). */
  respelled?: true;
}

/**
 * @example normaliseIri("http://www.models.tmforum.org/tio/v1.0.0/IntentCommonModel#target")
 *   → { name: "icm:target", known: true, tioVersion: "v1.0.0" }
 */
export function normaliseIri(iri: string): NormalisedIri {
  const meant = TM_FORUM_SPELLINGS.get(iri);
  if (meant !== undefined) return { name: meant, known: true, respelled: true };
  const tio = TIO.exec(iri);
  if (tio) {
    const prefix = TIO_MODULES.get(tio[2]!);
    const local = iri.slice(tio[0].length);
    if (prefix && isLocalName(local)) return { name: `${prefix}:${local}`, known: true, tioVersion: tio[1]! };
    return { name: `<${iri}>`, known: false };
  }
  for (const [namespace, prefix] of FIXED) {
    if (iri.startsWith(namespace)) {
      const local = iri.slice(namespace.length);
      if (isLocalName(local)) return { name: `${prefix}:${local}`, known: true };
    }
  }
  return { name: `<${iri}>`, known: false };
}

/** The full IRI of an internal name (`icm:Intent` → `http://tio…/IntentCommonModel/Intent`). */
export function expandName(name: string): string {
  const colon = name.indexOf(":");
  const namespace = colon > 0 ? CANONICAL_NAMESPACES.get(name.slice(0, colon)) : undefined;
  return namespace ? namespace + name.slice(colon + 1) : name;
}

function isLocalName(local: string): boolean {
  return local.length > 0 && !/[/#?\s]/.test(local);
}
