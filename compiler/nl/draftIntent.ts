/**
 * draftIntent: the embedded natural-language front end. One operator sentence ("deploy the analytics app
 * version 1.4.0 on edge1 and edge2, p95 under 100 ms") → a TMF921 v5 Intent in the intentops JSON-LD
 * profile, plus what was understood, what was assumed and what was not understood.
 *
 * Deterministic and pure: same sentence and registry → same intent bytes. It never invents a site: sites
 * are the registry's ids named in the sentence, or a group ("both sites", "all edge sites") resolved
 * against the registry; a site-like word the registry lacks is a problem. The caller compiles the draft
 * (compileIntent) to validate it against the vocabulary.
 */
import type { Problem } from "../errors.js";
import type { SiteRegistry } from "../types.js";
import { openCursor } from "./consumeText.js";
import { type Reading, readSentence } from "./readSentence.js";

export interface NlDraft {
  /** The TMF921 Intent; null when a problem prevents it. */
  intent: Record<string, unknown> | null;
  understood: { phrase: string; meaning: string }[];
  assumptions: string[];
  /** Fragments of the sentence no rule read. */
  notUnderstood: string[];
  problems: Problem[];
}

export interface DraftOptions {
  /** The intent id; default derived from the application name or slice type and sites. */
  id?: string;
}

const TIO = "http://tio.models.tmforum.org/tio/v3.6.0/";
const CONTEXT = {
  icm: `${TIO}IntentCommonModel/`,
  quan: `${TIO}QuantityOntology/`,
  io: "https://intentops.io/ontology/v1#",
};
const MAX_TEXT = 2000;
const SAFE_ID = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * @example draftIntent("deploy analytics on edge1, p95 under 100 ms", registry).intent?.id // "analytics"
 */
export function draftIntent(text: string, registry: SiteRegistry, options: DraftOptions = {}): NlDraft {
  const problem = (code: string, message: string): Problem => ({ code, pointer: "/text", message });
  if (text.length > MAX_TEXT) {
    return empty([problem("E_NL_TOO_LONG", `the text has ${text.length} characters; at most ${MAX_TEXT}`)]);
  }
  if (!text.trim()) return empty([problem("E_NL_EMPTY", "the text is empty")]);
  const cursor = openCursor(text);
  const reading = readSentence(
    cursor,
    registry.sites.map((s) => s.id),
  );
  const problems = [...reading.problems];
  const notUnderstood = cursor.leftovers();
  const sites = resolveSiteWords(reading, registry, problems);
  const workload = reading.sliceType ? "slice" : reading.appName ? "application" : undefined;
  if (!workload) {
    problems.push(
      problem(
        "E_NL_NO_WORKLOAD",
        'no application or slice named: say e.g. "deploy the analytics app …" or "an eMBB slice …"',
      ),
    );
  }
  if (reading.sliceType && reading.appName) {
    problems.push(
      problem(
        "E_NL_AMBIGUOUS",
        `the sentence names both an application ("${reading.appName}") and a ${reading.sliceType} slice; draft one intent for each`,
      ),
    );
  }
  if (workload === "application" && reading.params["io:image"] === undefined) {
    problems.push(
      problem(
        "E_NL_NO_IMAGE",
        `no container image named for "${reading.appName}": say e.g. "image registry.example.com/${reading.appName}:1.0.0"`,
      ),
    );
  }
  const base = { understood: reading.understood, assumptions: reading.assumptions, notUnderstood };
  if (problems.length || !workload || sites.length === 0) return { ...base, intent: null, problems };

  const stem =
    workload === "slice" ? `${reading.sliceType!.toLowerCase()}-slice-${sites.join("-")}` : reading.appName!;
  const id = options.id ?? stem.slice(0, 63).replace(/-+$/, "");
  if (!SAFE_ID.test(id)) {
    return {
      ...base,
      intent: null,
      problems: [{ code: "E_NL_ID", pointer: "/id", message: `"${id}" is not a DNS label` }],
    };
  }
  const siteList = sites.join(" and ");
  const name =
    workload === "slice" ? `${reading.sliceType} slice on ${siteList}` : `${reading.appName} on ${siteList}`;
  const deliver: Record<string, unknown> = {
    "icm:targetDescription": `io:${workload === "slice" ? (reading.sliceTarget ?? "RAN_SubNetwork") : "EdgeService_Support"}`,
    "io:site": sites,
    "io:workload": workload,
    ...(workload === "application"
      ? { "io:appName": reading.appName }
      : { "io:sliceType": reading.sliceType }),
  };
  for (const key of Object.keys(reading.params).sort()) deliver[key] = reading.params[key];
  const target = `io:${id}-target`;
  const expectations: Record<string, unknown>[] = [
    {
      "@id": `io:${id}-delivery`,
      "@type": "icm:DeliveryExpectation",
      "icm:target": target,
      "icm:params": deliver,
    },
  ];
  if (reading.targets.length) {
    const params: Record<string, unknown> = {};
    for (const t of [...reading.targets].sort((a, b) => a.key.localeCompare(b.key))) {
      params[t.key] = [{ [t.condition]: t.value }];
    }
    expectations.push({
      "@id": `io:${id}-objectives`,
      "@type": "icm:PropertyExpectation",
      "icm:target": target,
      "icm:params": params,
    });
  }
  const intent = {
    "@type": "Intent",
    id,
    name,
    description: text.replace(/\s+/g, " ").trim(),
    version: "1",
    expression: {
      "@type": "JsonLdExpression",
      iri: `https://intentops.io/intents/${id}`,
      expressionValue: {
        "@context": CONTEXT,
        "@id": `io:${id}`,
        "@type": "icm:Intent",
        "icm:hasExpectation": expectations,
      },
    },
  };
  return { ...base, intent, problems };
}

function empty(problems: Problem[]): NlDraft {
  return { intent: null, understood: [], assumptions: [], notUnderstood: [], problems };
}

/** The sites a reading names, from the registry only; unknown and ambiguous site words are problems. */
function resolveSiteWords(reading: Reading, registry: SiteRegistry, problems: Problem[]): string[] {
  const known = registry.sites.map((s) => s.id).join(", ");
  for (const word of reading.unknownSites) {
    problems.push({
      code: "E_NL_UNKNOWN_SITE",
      pointer: "/text",
      message: `"${word}" is not a site of the registry (known: ${known}); no site is invented`,
    });
  }
  const sites = [...reading.siteIds];
  if (reading.siteGroup) {
    const group = reading.siteGroup;
    const candidates = registry.sites
      .filter((s) => s.kind === "kubernetes")
      .filter((s) => !group.edgeOnly || s.labels?.tier === "edge" || /edge/.test(s.id))
      .map((s) => s.id);
    if (group.count !== undefined && candidates.length !== group.count) {
      problems.push({
        code: "E_NL_AMBIGUOUS_SITES",
        pointer: "/text",
        message: `"${group.phrase}": the registry has ${candidates.length} such site(s) (${candidates.join(", ") || "none"}); name them`,
      });
    } else {
      reading.understood.push({ phrase: group.phrase, meaning: `sites ${candidates.join(", ")}` });
      for (const id of candidates) if (!sites.includes(id)) sites.push(id);
    }
  }
  if (sites.length === 0 && reading.unknownSites.length === 0 && !reading.siteGroup) {
    problems.push({
      code: "E_NL_NO_SITE",
      pointer: "/text",
      message: `no site named: say e.g. "on ${registry.sites[0]?.id ?? "edge1"}" (known: ${known})`,
    });
  }
  return sites.sort();
}
