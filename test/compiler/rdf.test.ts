/**
 * The expression is RDF: every layout of one graph compiles to the same bytes, Turtle included, and a
 * remote JSON-LD context is never fetched (a real local HTTP server counts the requests).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import { compile, EXAMPLES, exampleJson, problemsOf } from "./helpers.js";
import { inLayout, LAYOUTS } from "./layouts.js";

type Json = Record<string, unknown>;

/** A deep copy of `value` with every object's keys and every array (a JSON-LD set) reordered by `seed`. */
function shuffle(value: unknown, seed: number[], at = { i: 0 }): unknown {
  const next = () => seed[at.i++ % seed.length]!;
  if (Array.isArray(value)) {
    const items = value.map((v) => shuffle(v, seed, at));
    return items
      .map((v, i) => ({ v, k: (next() + i) % 997 }))
      .sort((a, b) => a.k - b.k)
      .map((e) => e.v);
  }
  if (value !== null && typeof value === "object") {
    if ("@list" in (value as Json)) {
      // an RDF list keeps its order: only its items' insides are shuffled
      const list = (value as Json)["@list"];
      return { "@list": Array.isArray(list) ? list.map((v) => shuffle(v, seed, at)) : list };
    }
    const entries = Object.entries(value as Json).map(([k, v]) => [k, shuffle(v, seed, at)] as const);
    return Object.fromEntries(
      entries
        .map((e, i) => ({ e, k: (next() + i) % 997 }))
        .sort((a, b) => a.k - b.k)
        .map((x) => x.e),
    );
  }
  return value;
}

const stems = EXAMPLES.map((e) => e.stem);
const reference = new Map<string, string>();
for (const stem of stems) reference.set(stem, stringifyCanonical(await compile(exampleJson(stem))));

describe("layout invariance", () => {
  it.each(stems.flatMap((stem) => LAYOUTS.map((layout) => [stem, layout] as const)))(
    "GIVEN %s written %s THEN the same 28.312 bytes as the compact form",
    async (stem, layout) => {
      const input = await inLayout(exampleJson(stem), layout);
      expect(stringifyCanonical(await compile(input))).toBe(reference.get(stem));
    },
  );

  it("PROPERTY: any example, any layout, keys and sets in any order → identical output", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...stems),
        fc.constantFrom(...LAYOUTS.filter((l) => l !== "turtle")),
        fc.array(fc.nat(1000), { minLength: 1, maxLength: 32 }),
        async (stem, layout, seed) => {
          const input = (await inLayout(exampleJson(stem), layout)) as Json;
          const expression = input.expression as Json;
          expression.expressionValue = shuffle(expression.expressionValue, seed);
          expect(stringifyCanonical(await compile(input))).toBe(reference.get(stem));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("GIVEN the Turtle form THEN it really is Turtle (a TurtleExpression with prefixes), not JSON", async () => {
    const input = await inLayout(exampleJson("edge-analytics"), "turtle");
    const expression = input.expression as Json;
    expect(expression["@type"]).toBe("TurtleExpression");
    expect(expression.expressionValue).toMatch(/^@prefix icm: <http:\/\/tio\.models\.tmforum\.org/m);
  });
});

describe("remote contexts are never fetched", () => {
  let server: Server;
  let hits = 0;
  let base = "";
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.writeHead(200, { "content-type": "application/ld+json" });
      res.end('{"@context": {"io": "https://intentops.io/ontology/v1#"}}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const withContext = (change: (value: Json) => void): Json => {
    const input = exampleJson("analytics-dns");
    change((input.expression as Json).expressionValue as Json);
    return input;
  };

  it.each([
    ["a context that is a URL", (v: Json) => (v["@context"] = `${base}/context.jsonld`)],
    ["a URL in a context list", (v: Json) => (v["@context"] = [`${base}/a.jsonld`, v["@context"]])],
    ["@import", (v: Json) => ((v["@context"] as Json)["@import"] = `${base}/import.jsonld`)],
    [
      "a scoped context that is a URL",
      (v: Json) =>
        ((v["@context"] as Json).scoped = { "@id": "io:scoped", "@context": `${base}/scoped.jsonld` }),
    ],
  ] as const)(
    "GIVEN %s THEN E_REMOTE_CONTEXT, with a pointer, and the server is never asked",
    async (_n, change) => {
      const problems = await problemsOf(withContext(change));
      expect(problems.map((p) => p.code)).toContain("E_REMOTE_CONTEXT");
      for (const p of problems) expect(p.pointer.startsWith("/expression/expressionValue")).toBe(true);
      expect(hits).toBe(0);
    },
  );

  it("GIVEN a remote context the checks miss (nested in a value) THEN the processor's loader refuses it too", async () => {
    const input = withContext((v) => {
      const list = v["icm:hasExpectation"] as Json[];
      list[0]!["@context"] = `${base}/inner.jsonld`;
    });
    const problems = await problemsOf(input);
    expect(problems.map((p) => p.code)).toContain("E_REMOTE_CONTEXT");
    expect(hits).toBe(0);
  });
});
