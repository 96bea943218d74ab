import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import {
  formatObject,
  formatObjects,
  parseResourceList,
  serializeResourceList,
} from "../../functions/runtime/index.js";

describe("formatObject", () => {
  test("orders apiVersion, kind, metadata (name, namespace, labels, annotations, rest), then the rest sorted", () => {
    const text = formatObject({
      spec: { b: 1, a: undefined, c: [3] },
      data: { z: "1", a: "yes" },
      metadata: { uid: "u", annotations: { b: "2" }, labels: { a: "1" }, namespace: "ns", name: "x" },
      kind: "ConfigMap",
      apiVersion: "v1",
    });
    expect(text).toBe(
      [
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata:",
        "  name: x",
        "  namespace: ns",
        "  labels:",
        '    a: "1"',
        "  annotations:",
        '    b: "2"',
        "  uid: u",
        "data:",
        '  a: "yes"',
        '  z: "1"',
        "spec:",
        "  b: 1",
        "  c:",
        "  - 3",
        "",
      ].join("\n"),
    );
  });

  test("strings that look like YAML syntax or other types stay the same strings", () => {
    for (const s of [
      "a: b\n- c",
      "{x}",
      "yes",
      "0123",
      "on",
      "~",
      "null",
      "1e3",
      "12:30",
      "2001-01-01",
      "- a",
      "#x",
      " lead",
      "trail ",
      "",
      "*a",
      "&b",
      "!t",
      "'q'",
      '"q"',
      "__proto__",
    ]) {
      expect(
        parse(formatObject({ apiVersion: "v1", kind: "K", metadata: { name: "n" }, v: s, [s]: "key" })).v,
      ).toBe(s);
    }
  });

  test("property: any string value and key round-trips and never changes structure", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme-composite", maxLength: 40 }),
        fc.string({ maxLength: 20 }),
        (value, key) => {
          const obj = {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "n" },
            data: { [key || "k"]: value, list: [value] },
          };
          const back = parse(formatObject(obj));
          expect(back).toEqual(obj);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("property: the same object gives the same bytes whatever its key order", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 8 }),
          fc.oneof(fc.string(), fc.integer(), fc.boolean()),
        ),
        (data) => {
          const reversed = Object.fromEntries(Object.entries(data).reverse());
          const a = formatObject({ apiVersion: "v1", kind: "K", metadata: { name: "n" }, data });
          const b = formatObject({ metadata: { name: "n" }, kind: "K", data: reversed, apiVersion: "v1" });
          expect(a).toBe(b);
        },
      ),
      { numRuns: 100 },
    );
  });

  test("formatObjects separates documents with ---, and never writes anchors for shared values", () => {
    const shared = { a: 1 };
    const text = formatObjects([
      { apiVersion: "v1", kind: "K", metadata: { name: "a" }, x: shared, y: shared },
      { apiVersion: "v1", kind: "K", metadata: { name: "b" } },
    ]);
    expect(text).not.toContain("&");
    expect(text.split("---\n")).toHaveLength(2);
  });

  test("ResourceList parse then serialise keeps items and their comments", () => {
    const text = [
      "apiVersion: config.kubernetes.io/v1",
      "kind: ResourceList",
      "items:",
      "- # head",
      "  apiVersion: v1",
      "  kind: ConfigMap",
      "  metadata:",
      "    name: a # trailing",
      "functionConfig:",
      "  apiVersion: v1",
      "  kind: ConfigMap",
      "  metadata:",
      "    name: f",
      "",
    ].join("\n");
    expect(serializeResourceList(parseResourceList(text))).toBe(text);
  });

  test("a ResourceList of the wrong kind is a E_KRM_PARSE error", () => {
    expect(() => parseResourceList("apiVersion: v1\nkind: List\nitems: []\n")).toThrow(
      expect.objectContaining({ code: "E_KRM_PARSE" }),
    );
  });
});
