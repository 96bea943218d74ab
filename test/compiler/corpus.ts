/**
 * The corpus of public intents written by others (test/testdata/corpus/, sources in its SOURCES.md): each
 * document kept verbatim, read here as a TMF921 document for the compiler.
 *
 * - TM Forum's TMF921 v5 examples are read from the repository's unmodified copy of the specification
 *   (schemas/tmf921/), one entry per example value that is an `Intent` or `ProbeIntent` with an expression.
 * - The INTEND project's Turtle intents (`intend/*.ttl`) are bare TIO graphs: each is put, unchanged, into a
 *   TMF921 `TurtleExpression` (the envelope is ours; the expression text is theirs, byte for byte).
 * - The older demo's documents (`nephio-demo/*.json`) are compiled as they are; of its adapter's published
 *   response (`*.response.json`), the `intent` member (the plain shape the adapter produced).
 * Identical documents (TMF921's examples repeat one intent in several operations) count once.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import { ROOT } from "./helpers.js";

export const CORPUS_DIR = join(ROOT, "test", "testdata", "corpus");

export interface CorpusEntry {
  /** Stable name: `tmf921/<example>[i]`, `intend/<file>`, `nephio-demo/<file>`. */
  name: string;
  /** The document as the compiler gets it. */
  text: string;
  /** For Turtle entries: the verbatim Turtle text (also inside `text`). */
  turtle?: string;
}

function tmf921Examples(): CorpusEntry[] {
  const api = parse(
    readFileSync(join(ROOT, "schemas", "tmf921", "TMF921-IntentManagement-v5.0.0.openapi.yaml"), "utf8"),
  ) as { components: { examples: Record<string, { value: unknown }> } };
  const out: CorpusEntry[] = [];
  for (const [name, example] of Object.entries(api.components.examples)) {
    const values = Array.isArray(example.value) ? example.value : [example.value];
    values.forEach((value, i) => {
      const v = value as Record<string, unknown> | null;
      if (!v || !["Intent", "ProbeIntent"].includes(String(v["@type"])) || !v.expression) return;
      out.push({ name: `tmf921/${name}[${i}]`, text: JSON.stringify(v, null, 2) });
    });
  }
  return out;
}

function intendTurtle(): CorpusEntry[] {
  const dir = join(CORPUS_DIR, "intend");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ttl"))
    .sort()
    .map((file) => {
      const turtle = readFileSync(join(dir, file), "utf8");
      const envelope = {
        "@type": "Intent",
        name: file.replace(/\.ttl$/, ""),
        expression: {
          "@type": "TurtleExpression",
          iri: `https://github.com/INTEND-Project/5G4Data-public#${file}`,
          expressionValue: turtle,
        },
      };
      return { name: `intend/${file}`, text: JSON.stringify(envelope, null, 2), turtle };
    });
}

function demoDocuments(): CorpusEntry[] {
  const dir = join(CORPUS_DIR, "nephio-demo");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), "utf8");
      // The adapter's published response wraps the plain intent it produced: its `intent` member.
      if (!file.endsWith(".response.json")) return { name: `nephio-demo/${file}`, text };
      const intent = (JSON.parse(text) as { intent: unknown }).intent;
      return { name: `nephio-demo/${file}#/intent`, text: JSON.stringify(intent, null, 2) };
    });
}

function digestOf(text: string): string {
  let canonical: string;
  try {
    canonical = stringifyCanonical(JSON.parse(text));
  } catch {
    canonical = text;
  }
  return createHash("sha256").update(canonical).digest("hex");
}

/** Every distinct document of the corpus, first name wins for duplicates. */
export function corpusEntries(): CorpusEntry[] {
  const seen = new Set<string>();
  return [...tmf921Examples(), ...intendTurtle(), ...demoDocuments()].filter((entry) => {
    const digest = digestOf(entry.text);
    if (seen.has(digest)) return false;
    seen.add(digest);
    return true;
  });
}
