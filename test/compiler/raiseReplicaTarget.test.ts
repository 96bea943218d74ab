import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileIntent } from "../../compiler/compileIntent.js";
import { parseSiteRegistry } from "../../compiler/parseSiteRegistry.js";
import { raiseReplicaTarget } from "../../compiler/raiseReplicaTarget.js";
import type { CompiledIntent } from "../../compiler/types.js";

const registry = parseSiteRegistry(readFileSync("intents/sites.yaml", "utf8"));
const text = readFileSync("intents/edge-analytics.json", "utf8");

function context(compiled: CompiledIntent, attribute: string): unknown {
  return compiled.spec.intent.intentExpectations
    .flatMap((e) => e.expectationObject.objectContexts ?? [])
    .find((c) => c.contextAttribute === attribute)?.contextValueRange;
}

describe("the scale action as a new intent revision", () => {
  it("GIVEN edge-analytics (replicas 3, min 3, max 6) THEN replicas and min become 5, version 1-scale1, still valid", async () => {
    const raised = raiseReplicaTarget(text)!;
    expect(raised).toMatchObject({ from: 3, to: 5, version: "1-scale1" });
    const compiled = await compileIntent(raised.text, registry);
    expect(context(compiled, "replicas")).toBe(5);
    expect(context(compiled, "minReplicas")).toBe(5);
    expect(context(compiled, "maxReplicas")).toBe(6);
    expect(compiled.spec.revision).toBe("1-scale1");
    expect(compiled.spec.intentDigest).not.toBe((await compileIntent(text, registry)).spec.intentDigest);
  });

  it("GIVEN a second scale THEN it stops at maxReplicas and the version counts on", async () => {
    const twice = raiseReplicaTarget(raiseReplicaTarget(text)!.text)!;
    expect(twice).toMatchObject({ from: 5, to: 6, version: "1-scale2" });
  });

  it("GIVEN no headroom (min = max) THEN nothing to raise", async () => {
    const third = raiseReplicaTarget(raiseReplicaTarget(raiseReplicaTarget(text)!.text)!.text);
    expect(third).toBeUndefined();
  });

  it("GIVEN an intent without a replica target (a DNS record) THEN nothing to raise", async () => {
    expect(raiseReplicaTarget(readFileSync("intents/analytics-dns.json", "utf8"))).toBeUndefined();
  });

  it("GIVEN the same input THEN the same bytes", async () => {
    expect(raiseReplicaTarget(text)!.text).toBe(raiseReplicaTarget(text)!.text);
  });
});
