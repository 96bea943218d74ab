/**
 * readBusMessage: the HTTP intake's checks applied to a bus message — credential and scope from the same
 * key ring, JSON limits, plain-shape refusal, TMF921 schema, id rules — and the digest a valid message is
 * recognised by (the intake log's digest of the canonical document: key order does not change it).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { digestBytes } from "../../compiler/digest.js";
import { hashApiKey, keyRingFrom } from "../../pipeline/api/apiKeys.js";
import { readBusMessage } from "../../pipeline/bus/readBusMessage.js";
import { intentText } from "../../pipeline/intake/createIntake.js";
import { officialExample } from "../api/serveHarness.js";
import { CORPUS_DIR } from "../compiler/corpus.js";
import { REGISTRY } from "../compiler/helpers.js";

const WRITER = "writer-key-0123456789abcdef";
const READER = "reader-key-0123456789abcdef";
const keys = keyRingFrom(
  {
    keys: [
      { id: "writer", scopes: ["write"], sha256: hashApiKey(WRITER) },
      { id: "reader", scopes: ["read"], sha256: hashApiKey(READER) },
    ],
  },
  {},
);
const limits = { bodyBytes: 64 * 1024, depth: 32 };
const bytes = (value: unknown) =>
  new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));
const intent = { ...officialExample("Intent_create_example_01_request"), id: "bus-unit" };

describe("readBusMessage", () => {
  it("takes a valid intent with its producer's identity and the intake digest, whatever the key order", () => {
    const read = readBusMessage(bytes(intent), WRITER, keys, limits);
    expect(read).toMatchObject({ ok: true, intentId: "bus-unit", identity: { keyId: "writer" } });
    const reordered = Object.fromEntries(Object.entries(intent).reverse());
    const again = readBusMessage(bytes(reordered), WRITER, keys, limits);
    expect(again.ok && read.ok && again.digest === read.digest).toBe(true);
    const changed = readBusMessage(bytes({ ...intent, description: "other" }), WRITER, keys, limits);
    expect(changed.ok && read.ok && changed.digest !== read.digest).toBe(true);
  });

  it.each([
    ["no key", bytes(intent), undefined, "E_UNAUTHENTICATED"],
    ["an unknown key", bytes(intent), "nope-nope-nope-nope-nope", "E_UNAUTHENTICATED"],
    ["a read-only key", bytes(intent), READER, "E_FORBIDDEN"],
    ["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0x7d]), WRITER, "E_ENCODING"],
    ["broken JSON", bytes('{"id": '), WRITER, "E_SYNTAX"],
    ["an array", bytes([intent]), WRITER, "E_VALIDATION"],
    ["the plain shape", bytes({ intentId: "x", service: "web" }), WRITER, "E_PLAIN_SHAPE"],
    ["a schema violation", bytes({ ...intent, isBundle: "yes" }), WRITER, "E_VALIDATION"],
    ["no id", bytes({ ...intent, id: undefined }), WRITER, "E_UNSAFE_ID"],
    ["an unsafe id", bytes({ ...intent, id: "../etc" }), WRITER, "E_UNSAFE_ID"],
  ])("refuses %s with a code and a reason", (_what, data, key, code) => {
    const read = readBusMessage(data, key, keys, limits);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.code).toBe(code);
      expect(read.reason.length).toBeGreaterThan(10);
    }
  });

  it("names the schema problem by its JSON pointer", () => {
    const read = readBusMessage(bytes({ ...intent, isBundle: "yes" }), WRITER, keys, limits);
    expect(read.ok ? [] : read.problems.map((p) => p.pointer)).toContain("/isBundle");
  });

  describe("the older demo's plain shape", () => {
    // The plain intent the older demo's LLM adapter published (test/compiler/plainShape.test.ts).
    const plain = (
      JSON.parse(
        readFileSync(
          join(CORPUS_DIR, "nephio-demo", "docs_operations_TMF921_AUTOMATED_USAGE_GUIDE.md.response.json"),
          "utf8",
        ),
      ) as { intent: Record<string, unknown> }
    ).intent;

    it("GIVEN the site registry THEN it is converted to the TMF921 Intent it means and taken as that intent", () => {
      const read = readBusMessage(bytes(plain), WRITER, keys, limits, REGISTRY);
      expect(read.ok, JSON.stringify(read)).toBe(true);
      if (!read.ok) return;
      expect(read.intentId).toBe("intent-1758956507257");
      expect(read.converted?.["@type"]).toBe("Intent");
      expect(read.body).toEqual(read.converted);
      expect(read.digest).toBe(digestBytes(intentText(read.converted!)));
      // A redelivery converts to the same bytes: recognised as the same revision.
      const again = readBusMessage(bytes(plain), WRITER, keys, limits, REGISTRY);
      expect(again.ok && again.digest).toBe(read.digest);
    });

    it("GIVEN a plain message that cannot be converted THEN poison E_PLAIN_SHAPE with every problem at its pointer", () => {
      const bad = { ...plain, qos: { latencyMs: 10 } };
      const read = readBusMessage(bytes(bad), WRITER, keys, limits, REGISTRY);
      expect(read.ok).toBe(false);
      if (read.ok) return;
      expect(read.code).toBe("E_PLAIN_SHAPE");
      expect(read.problems.map((p) => p.pointer)).toEqual(expect.arrayContaining(["/qos/latencyMs"]));
    });

    it("GIVEN no registry THEN it is refused, saying the registry is needed", () => {
      const read = readBusMessage(bytes(plain), WRITER, keys, limits);
      expect(read.ok).toBe(false);
      if (!read.ok) expect(read.reason).toMatch(/site registry/);
    });
  });
});
