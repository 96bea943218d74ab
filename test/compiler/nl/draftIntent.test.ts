/**
 * The embedded natural-language parser: every sentence of sentences.ts gives its expected intent, and that
 * intent compiles (the compiler is the judge of the profile); refused sentences give their problem codes
 * and no intent; the output is byte-identical on a second run; what was not read is reported.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { compileIntent } from "../../../compiler/compileIntent.js";
import { draftIntent } from "../../../compiler/nl/draftIntent.js";
import { parseSiteRegistry } from "../../../compiler/parseSiteRegistry.js";
import { type Expected, REFUSED, SENTENCES } from "./sentences.js";

const registry = parseSiteRegistry(
  readFileSync(new URL("../../../intents/sites.yaml", import.meta.url), "utf8"),
);

type Params = Record<string, unknown>;
function summarise(intent: Record<string, unknown>) {
  const expression = (intent.expression as Params).expressionValue as Params;
  const expectations = expression["icm:hasExpectation"] as Params[];
  const deliver = expectations.find((e) => e["@type"] === "icm:DeliveryExpectation")!["icm:params"] as Params;
  const property = expectations.find((e) => e["@type"] === "icm:PropertyExpectation");
  const { "icm:targetDescription": target, "io:site": sites, ...params } = deliver;
  const targets: Record<string, [string, unknown]> = {};
  for (const [key, conditions] of Object.entries((property?.["icm:params"] ?? {}) as Params)) {
    const [[condition, value]] = Object.entries((conditions as Params[])[0]!) as [[string, unknown]];
    targets[key] = [condition, value];
  }
  return { id: intent.id, sites, target: String(target).replace(/^io:/, ""), params, targets };
}

describe("draftIntent: sentences → TMF921 intents", () => {
  it("has at least 40 sentences with their expected intents", () => {
    expect(SENTENCES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(SENTENCES.map(([text, expected]) => ({ text, expected })))("$text", async ({ text, expected }) => {
    const draft = draftIntent(text, registry);
    expect(draft.problems).toEqual([]);
    expect(draft.intent).not.toBeNull();
    const summary = summarise(draft.intent!);
    const want: Expected = expected;
    expect(summary).toEqual({
      id: want.id,
      sites: want.sites,
      target: want.target ?? "EdgeService_Support",
      params: want.params,
      targets: want.targets ?? {},
    });
    expect(draft.notUnderstood).toEqual(want.notUnderstood ?? []);
    expect(draft.assumptions).toHaveLength(want.assumptions ?? 0);
    // The compiler accepts the draft: every parameter and value is in the vocabulary, every site known.
    const compiled = await compileIntent(JSON.stringify(draft.intent), registry);
    expect(compiled.spec.sites).toEqual(want.sites);
    expect(draft.intent!.description).toBe(text.replace(/\s+/g, " ").trim());
  });

  it.each(REFUSED.map(([text, codes]) => ({ text, codes })))("refuses: $text", ({ text, codes }) => {
    const draft = draftIntent(text, registry);
    expect(draft.intent).toBeNull();
    expect([...new Set(draft.problems.map((p) => p.code))]).toEqual(codes);
    for (const p of draft.problems) expect(p.message.length).toBeGreaterThan(10);
  });

  it("never invents a site: an unknown site is named in the problem with the registry's sites", () => {
    const draft = draftIntent("deploy analytics on edge3 with image registry.example.com/a:1", registry);
    expect(draft.problems[0]!.message).toContain('"edge3" is not a site of the registry');
    expect(draft.problems[0]!.message).toContain("edge1, edge2, openstack1");
  });

  it("'both sites' is refused when the registry does not have exactly two such sites", () => {
    const three = { ...registry, sites: [...registry.sites, { ...registry.sites[0]!, id: "edge3" }] };
    const draft = draftIntent("deploy analytics on both sites, image registry.example.com/a:1", three);
    expect(draft.problems.map((p) => p.code)).toEqual(["E_NL_AMBIGUOUS_SITES"]);
  });

  it("is deterministic: the same sentence gives the same bytes", () => {
    for (const [text] of SENTENCES.slice(0, 10)) {
      expect(stringifyCanonical(draftIntent(text, registry))).toBe(
        stringifyCanonical(draftIntent(text, registry)),
      );
    }
  });

  it("reports what it read, phrase by phrase", () => {
    const draft = draftIntent(SENTENCES[0]![0], registry);
    expect(draft.understood).toContainEqual({
      phrase: "p95 under 100 ms",
      meaning: "io:p95Latency quan:smaller 100 ms",
    });
    expect(draft.understood.map((u) => u.meaning)).toContain("site edge1");
  });
});
