// stringifyCanonicalFast must give exactly the bytes of stringifyCanonical(value, 0): the package input
// digests recorded in Kptfiles and the cache index depend on it.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import { stringifyCanonicalFast } from "../../functions/render/stringifyCanonicalFast.js";
import { compileFiles } from "../../pipeline/intents/loadIntents.js";

const keyArb = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom(
    "0",
    "1",
    "10",
    "2",
    "01",
    "-1",
    "4294967295",
    "4294967294",
    "__proto__",
    "constructor",
    "é",
    "😀",
  ),
);
const valueArb = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string({ unit: "binary", maxLength: 8 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(keyArb, tie("value"), { maxKeys: 5 }),
  ),
})).value;

describe("stringifyCanonicalFast", () => {
  test("property: same bytes as stringifyCanonical(value, 0)", () => {
    fc.assert(
      fc.property(fc.dictionary(keyArb, valueArb, { maxKeys: 6 }), (value) => {
        expect(stringifyCanonicalFast(value)).toBe(stringifyCanonical(value, 0));
      }),
      { numRuns: 3000 },
    );
  });

  test("same bytes for every compiled example intent", async () => {
    const { intents, registry } = await compileFiles("intents", { cwd: process.cwd() });
    for (const value of [registry, ...intents.map((i) => i.compiled.spec)]) {
      expect(stringifyCanonicalFast(value)).toBe(stringifyCanonical(value, 0));
    }
  });

  test("a non-finite number throws stringifyCanonical's TypeError", () => {
    expect(() => stringifyCanonicalFast({ a: [1, Number.POSITIVE_INFINITY] })).toThrow(TypeError);
  });
});
