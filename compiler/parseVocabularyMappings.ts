/**
 * Parses and validates the vocabulary mappings (`intents/mappings.yaml`, beside `sites.yaml`): terms of
 * vocabularies the compiler does not know, read as its own terms without code. Each vocabulary names a
 * namespace IRI and maps local names onto internal names (`met:latency` → `io:dlLatency`). The result is an
 * `IriMapper` for `compileIntent`; applied mappings are listed in the compiled intent's delta report.
 *
 * Pure: text in, mapper out. Lookup tables are `Map`s, so a term such as `constructor` is only ever a key.
 */

import { pointerOf } from "./canonicalJson.js";
import { InvalidInputError } from "./errors.js";
import { parseConfigYaml } from "./parseConfigYaml.js";
import { inspectParsed } from "./parseJsonSafely.js";
import type { IriMapper } from "./rdf/buildIntentTree.js";
import { normaliseIri } from "./rdf/namespaces.js";
import { validateWithSchema } from "./validateWithSchema.js";
import { DELIVERY_PARAMS, OBJECT_TYPE_SPELLINGS, PROPERTY_PARAMS } from "./vocabulary.js";

export interface VocabularyMappings {
  mapper: IriMapper;
  /** The mapped namespaces, as given. */
  namespaces: string[];
}

interface MappingsDocument {
  vocabularies: Array<{ name: string; namespace: string; terms: Record<string, string> }>;
}

/** The `io:` names a term may be mapped onto: parameters, properties and object types. */
const IO_TARGETS: ReadonlySet<string> = new Set([
  ...DELIVERY_PARAMS.map((p) => p.key),
  ...PROPERTY_PARAMS.map((p) => p.key),
  ...[...OBJECT_TYPE_SPELLINGS.keys()].map((spelling) => `io:${spelling}`),
]);

/** No mappings: every IRI the compiler does not know stays unknown. */
export const NO_MAPPINGS: VocabularyMappings = { mapper: () => undefined, namespaces: [] };

/**
 * @param text the YAML text
 * @param file where it came from, for messages
 * @throws InvalidInputError with every problem found (file and JSON pointer)
 * @example parseVocabularyMappings(readFileSync("intents/mappings.yaml", "utf8"), "intents/mappings.yaml")
 */
export function parseVocabularyMappings(text: string, file = "mappings.yaml"): VocabularyMappings {
  const value = parseConfigYaml(text, file, "vocabulary mappings");
  const problems = [...inspectParsed(value), ...validateWithSchema("vocabularyMappings", value)];
  const byNamespace = new Map<string, Map<string, string>>();
  if (problems.length === 0) {
    (value as MappingsDocument).vocabularies.forEach((vocabulary, i) => {
      const at = pointerOf("vocabularies", i, "namespace");
      if (byNamespace.has(vocabulary.namespace)) {
        problems.push({
          code: "E_DUPLICATE",
          pointer: at,
          message: `namespace ${JSON.stringify(vocabulary.namespace)} is mapped twice; give each namespace one entry`,
        });
        return;
      }
      if (normaliseIri(`${vocabulary.namespace}x`).known) {
        problems.push({
          code: "E_MAPPING",
          pointer: at,
          message: `${JSON.stringify(vocabulary.namespace)} is a namespace the compiler reads itself (TIO, intentops, RDF, W3C time); it cannot be remapped`,
        });
        return;
      }
      const terms = new Map<string, string>();
      for (const [local, target] of Object.entries(vocabulary.terms)) {
        if (target.startsWith("io:") && !IO_TARGETS.has(target)) {
          problems.push({
            code: "E_MAPPING",
            pointer: pointerOf("vocabularies", i, "terms", local),
            message: `${target} is not an intentops term; known: ${[...IO_TARGETS].join(", ")}`,
          });
          continue;
        }
        terms.set(local, target);
      }
      byNamespace.set(vocabulary.namespace, terms);
    });
  }
  if (problems.length) throw new InvalidInputError(problems.map((p) => ({ ...p, file })));
  // Longest namespace first: `…/Catalog/EventWirelessAccess#` wins over `…/Catalog#`-like prefixes.
  const namespaces = [...byNamespace.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const mapper: IriMapper = (iri) => {
    for (const namespace of namespaces) {
      if (iri.startsWith(namespace)) return byNamespace.get(namespace)!.get(iri.slice(namespace.length));
    }
    return undefined;
  };
  return { mapper, namespaces: [...byNamespace.keys()] };
}
