/** Property tests (fast-check) for the compiler's invariants. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import { InvalidInputError } from "../../compiler/errors.js";
import { normaliseQuantity } from "../../compiler/normaliseQuantity.js";
import { compile, EXAMPLES } from "./helpers.js";

const RUNS = { numRuns: 200 } as const;

/** Compiles, returning the canonical output or the error: anything but InvalidInputError fails the property. */
async function outcome(text: string): Promise<string | InvalidInputError> {
  try {
    return stringifyCanonical(await compile(text));
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
}

/** Every JSON pointer path (as token lists) inside `value`. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => pathsOf(v, [...prefix, i])));
  if (value !== null && typeof value === "object") {
    return here.concat(...Object.entries(value).map(([k, v]) => pathsOf(v, [...prefix, k])));
  }
  return here;
}

function replaceAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaceAt(v, rest, replacement) : v));
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [k, k === head ? replaceAt(v, rest, replacement) : v]),
  );
}

/** Reorders every object's keys by `order` (a list of random sort keys); arrays keep their order. */
function shuffleKeys(value: unknown, order: readonly number[], counter = { i: 0 }): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, order, counter));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value).map(
    ([k, v]) => [order[counter.i++ % order.length] ?? 0, k, shuffleKeys(v, order, counter)] as const,
  );
  entries.sort((a, b) => a[0] - b[0]);
  return Object.fromEntries(entries.map(([, k, v]) => [k, v]));
}

const parsedExamples = EXAMPLES.map((e) => ({ ...e, value: JSON.parse(e.text) as unknown }));

describe("compileIntent never throws anything but InvalidInputError", () => {
  it("GIVEN arbitrary JSON values THEN a result or an InvalidInputError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        await outcome(JSON.stringify(value));
      }),
      RUNS,
    );
  });

  it("GIVEN arbitrary strings THEN a result or an InvalidInputError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 100 }), async (text) => {
        await outcome(text);
      }),
      RUNS,
    );
  });

  it("GIVEN an example intent with one subtree replaced by arbitrary JSON THEN a result or an InvalidInputError", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...parsedExamples),
        fc.nat(),
        fc.jsonValue({ maxDepth: 3 }),
        async (example, pick, replacement) => {
          const paths = pathsOf(example.value);
          const path = paths[pick % paths.length]!;
          const result = await outcome(JSON.stringify(replaceAt(example.value, path, replacement)));
          if (result instanceof InvalidInputError) {
            expect(result.problems.length).toBeGreaterThan(0);
            for (const problem of result.problems) {
              expect(typeof problem.code).toBe("string");
              expect(problem.pointer === "" || problem.pointer.startsWith("/")).toBe(true);
            }
          }
        },
      ),
      RUNS,
    );
  });
});

describe("determinism", () => {
  it.each(EXAMPLES.map((e) => [e.file, e.text] as const))(
    "GIVEN %s compiled twice THEN the same bytes",
    async (_f, text) => {
      expect(stringifyCanonical(await compile(text))).toBe(stringifyCanonical(await compile(text)));
    },
  );

  it("GIVEN an example with its keys shuffled and its whitespace changed THEN the same output and digest", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...parsedExamples),
        fc.array(fc.integer(), { minLength: 1, maxLength: 64 }),
        fc.constantFrom(0, 1, 3, "\t"),
        async (example, order, indent) => {
          const reference = await compile(example.text);
          const text = JSON.stringify(shuffleKeys(example.value, order), null, indent);
          const shuffled = await compile(`\n ${text}\r\n`);
          expect(shuffled.spec.intentDigest).toBe(reference.spec.intentDigest);
          expect(stringifyCanonical(shuffled)).toBe(stringifyCanonical(reference));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("canonical JSON", () => {
  it("GIVEN arbitrary JSON THEN stringifyCanonical ∘ JSON.parse ∘ stringifyCanonical = stringifyCanonical", async () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (value, indent) => {
        const once = stringifyCanonical(value, indent);
        expect(stringifyCanonical(JSON.parse(once), indent)).toBe(once);
      }),
      RUNS,
    );
  });
});

describe("unit normalisation", () => {
  // normaliseQuantity rounds to 12 significant digits (roundStable), which removes the binary noise of
  // the conversion; integers up to 1e9 µs stay well inside that precision.
  const ms = { kind: "duration", unit: "ms" } as const;
  const s = { kind: "duration", unit: "s" } as const;

  it('GIVEN n µs THEN "n us", "n/1000 ms", "n/1e6 s" and the @value form normalise to the same ms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), (n) => {
        const expected = normaliseQuantity(`${n} us`, ms);
        expect(expected.ok).toBe(true);
        for (const form of [
          `${n / 1000} ms`,
          `${n / 1000}ms`,
          `${n / 1e6} s`,
          { "@value": n / 1000, "quan:unit": "ms" },
        ]) {
          expect(normaliseQuantity(form, ms)).toEqual(expected);
        }
      }),
      RUNS,
    );
  });

  it('GIVEN v ms THEN "v ms" and "v/1000 s" normalise to v ms, and to v/1000 in seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), (v) => {
        expect(normaliseQuantity(`${v} ms`, ms)).toEqual({ ok: true, value: v });
        expect(normaliseQuantity(`${v / 1000} s`, ms)).toEqual({ ok: true, value: v });
        expect(normaliseQuantity(`${v} ms`, s)).toEqual({ ok: true, value: v / 1000 });
      }),
      RUNS,
    );
  });

  it("GIVEN the examples in the issue THEN 0.1 s = 100 ms, 5 min = 300 s, 300 Mbps = 300000 kbps", () => {
    expect(normaliseQuantity("0.1 s", ms)).toEqual({ ok: true, value: 100 });
    expect(normaliseQuantity("5 min", { kind: "duration", unit: "s", integer: true })).toEqual({
      ok: true,
      value: 300,
    });
    expect(normaliseQuantity("300 Mbps", { kind: "rate", unit: "kbps" })).toEqual({
      ok: true,
      value: 300_000,
    });
    expect(normaliseQuantity("0.99999 ratio", { kind: "percent" })).toEqual({ ok: true, value: 99.999 });
  });
});
