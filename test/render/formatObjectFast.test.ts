// formatObjectFast must write exactly the bytes of formatObject: checked over generated objects (fast-check),
// strings chosen to hit every quoting rule, and every object of the example packages.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { generatePackage } from "../../functions/generators/index.js";
import { formatObjectFast } from "../../functions/render/formatObjectFast.js";
import { formatObject } from "../../functions/runtime/formatObject.js";
import { compileFiles } from "../../pipeline/intents/loadIntents.js";

const TRICKY = [
  "",
  " ",
  "a",
  "-",
  "?",
  "- a",
  "? a",
  ":",
  "a:",
  "a: b",
  "a:b",
  "a #b",
  "a#b",
  "#a",
  "a ",
  " a",
  "\ta",
  "a\tb",
  "yes",
  "No",
  "on",
  "~",
  "null",
  "NULL",
  "true",
  "0",
  "0123",
  "1e3",
  "1.5",
  ".5",
  "+1",
  "-1",
  "0x1F",
  "0o17",
  ".inf",
  "-.Inf",
  ".nan",
  "2024-01-01",
  "1:30",
  "<<",
  "=",
  "*a",
  "&a",
  "!tag",
  "|",
  ">",
  "%x",
  "@a",
  "`a`",
  "'a'",
  '"a"',
  "it's",
  'say "hi"',
  `both ' and "`,
  "[a]",
  "{a: 1}",
  "a, b",
  "a,b",
  "---",
  "--- a",
  "...",
  "a\u0000b",
  "a\u0007",
  "a\u001b",
  "\u0085",
  "\u00a0",
  "\u2028",
  "\ud800",
  "é",
  "日本",
  "😀",
  "a\\b",
  "C:\\path",
  "a: b\n- c",
  "line1\nline2",
  "trailing\n",
  "a".repeat(1100),
  'http://x/{a="b"}[5m]',
  "sha256:abc",
  "registry.example.com/app:1.0",
];

const scalarArb = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ unit: "grapheme-ascii", maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 6 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const keyArb = fc.oneof(fc.constantFrom(...TRICKY.filter((s) => s.length < 50)), fc.string({ maxLength: 8 }));
const valueArb = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalarArb,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(keyArb, tie("value"), { maxKeys: 4 }),
    fc.constant(undefined),
  ),
})).value;
const objectArb = fc.record(
  {
    apiVersion: fc.constantFrom("v1", "apps/v1"),
    kind: fc.string({ maxLength: 6 }),
    metadata: fc.record(
      {
        name: keyArb,
        namespace: keyArb,
        labels: fc.dictionary(keyArb, scalarArb, { maxKeys: 3 }),
        annotations: fc.dictionary(keyArb, scalarArb, { maxKeys: 3 }),
        uid: scalarArb,
      },
      { requiredKeys: [] },
    ),
    spec: valueArb,
    data: fc.dictionary(keyArb, valueArb, { maxKeys: 5 }),
  },
  { requiredKeys: [] },
);

describe("formatObjectFast", () => {
  test("every tricky string, as a value, a key and a list item, gives formatObject's bytes", () => {
    for (const s of TRICKY) {
      const obj = {
        apiVersion: "v1",
        kind: "X",
        metadata: { name: s, labels: { [s]: s } },
        spec: [s, [s], { [s]: [s] }],
      };
      expect(formatObjectFast(obj), JSON.stringify(s)).toBe(formatObject(obj));
    }
  });

  test("property: same bytes as formatObject for generated objects", () => {
    fc.assert(
      fc.property(objectArb, (obj) => {
        expect(formatObjectFast(obj)).toBe(formatObject(obj));
      }),
      { numRuns: 3000 },
    );
  });

  test("property: same bytes for arbitrary JSON values at the top level", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(formatObjectFast(value)).toBe(formatObject(value));
      }),
      { numRuns: 1000 },
    );
  });

  test("same bytes for every object and Kptfile of the example intents on every site", async () => {
    const { intents, registry } = await compileFiles("intents", { cwd: process.cwd() });
    let count = 0;
    for (const { compiled } of intents) {
      for (const id of compiled.spec.sites) {
        const site = registry.sites.find((s) => s.id === id)!;
        const pkg = generatePackage(compiled, site);
        for (const obj of [pkg.kptfile, ...pkg.objects]) {
          expect(formatObjectFast(obj)).toBe(formatObject(obj));
          count++;
        }
      }
    }
    expect(count).toBeGreaterThan(40);
  });

  test("a non-finite number still throws formatObject's TypeError", () => {
    expect(() => formatObjectFast({ a: Number.NaN })).toThrow(TypeError);
  });

  test("undefined members are dropped and undefined list items become null, as in formatObject", () => {
    const obj = { kind: "K", apiVersion: "v1", metadata: { name: "x", x: undefined }, list: [undefined, 1] };
    expect(formatObjectFast(obj)).toBe(formatObject(obj));
    expect(formatObjectFast(obj)).toBe("apiVersion: v1\nkind: K\nmetadata:\n  name: x\nlist:\n- null\n- 1\n");
  });
});
