import { describe, expect, it } from "vitest";
import type { CompiledIntent } from "../../compiler/types.js";
import { deriveSloPolicy } from "../../functions/slo/deriveSloPolicy.js";
import { SloError } from "../../functions/slo/SloError.js";
import { validateSloPolicy } from "../../functions/slo/validateSloPolicy.js";
import { compiledExample, latencyPolicy } from "./helpers.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SloError);
    return (error as SloError).code;
  }
  return undefined;
}

/** A copy of `compiled` with the DELIVER context `attribute` set to `value` (or removed when undefined). */
function withContext(compiled: CompiledIntent, attribute: string, value: number | undefined): CompiledIntent {
  const copy = structuredClone(compiled);
  for (const e of copy.spec.intent.intentExpectations) {
    if (e.expectationVerb !== "DELIVER") continue;
    const contexts = (e.expectationObject.objectContexts ?? []).filter(
      (c) => c.contextAttribute !== attribute,
    );
    if (value !== undefined) {
      contexts.push({
        contextAttribute: attribute,
        contextCondition: "IS_EQUAL_TO",
        contextValueRange: value,
      });
    }
    e.expectationObject.objectContexts = contexts;
  }
  return copy;
}

describe("deriveSloPolicy", () => {
  it("GIVEN edge-analytics WHEN derived for edge1 THEN every ENSURE target becomes a checked target with the default actions", () => {
    const policy = deriveSloPolicy(compiledExample("edge-analytics"), "edge1");
    expect(policy.site).toBe("edge1");
    expect(policy.intentId).toBe("edge-analytics");
    expect(policy.revision).toBe("1");
    expect(policy.onInconclusive).toBe("rollback");
    expect(policy.windowSeconds).toBe(120);
    expect(policy.intervalSeconds).toBe(10);
    expect(policy.unmonitored).toEqual([]);
    const summary = policy.targets.map((t) => [
      t.id,
      t.comparison,
      t.threshold,
      t.unit,
      t.action,
      t.forSeconds,
    ]);
    expect(summary).toEqual([
      ["analytics-slo/cpuUtilization", "<=", 80, "%", "scale", 60],
      ["analytics-slo/errorRate", "<", 1, "%", "alert", 30],
      ["analytics-slo/memoryUtilization", "<=", 85, "%", "alert", 60],
      ["analytics-slo/p95Latency", "<", 100, "ms", "rollback", 30],
      ["analytics-slo/podsReady", ">=", 100, "%", "rollback", 30],
    ]);
    // 13 evaluations fit in 120 s at 10 s; half of them, rounded up.
    expect(new Set(policy.targets.map((t) => t.minSamples))).toEqual(new Set([7]));
  });

  it("GIVEN a workload without scale headroom WHEN derived THEN CPU breaches roll back instead of scaling", () => {
    const fixed = withContext(compiledExample("edge-analytics"), "maxReplicas", 3);
    const cpu = deriveSloPolicy(fixed, "edge1").targets.find((t) => t.name === "cpuUtilization");
    expect(cpu?.action).toBe("rollback");
    const none = withContext(compiledExample("edge-analytics"), "maxReplicas", undefined);
    expect(deriveSloPolicy(none, "edge1").targets.find((t) => t.name === "cpuUtilization")?.action).toBe(
      "rollback",
    );
  });

  it("GIVEN overrides WHEN derived THEN they replace the defaults, per policy and per target", () => {
    const policy = deriveSloPolicy(compiledExample("edge-analytics"), "edge2", {
      windowSeconds: 6,
      intervalSeconds: 1,
      rateWindowSeconds: 3,
      forSeconds: 2,
      onInconclusive: "hold",
      targets: {
        p95Latency: { forSeconds: 3, minSamples: 4 },
        "analytics-slo/errorRate": { action: "rollback" },
      },
    });
    expect(policy.onInconclusive).toBe("hold");
    const byName = new Map(policy.targets.map((t) => [t.name, t]));
    expect(byName.get("p95Latency")).toMatchObject({ forSeconds: 3, minSamples: 4 });
    expect(byName.get("errorRate")).toMatchObject({ forSeconds: 2, minSamples: 4, action: "rollback" });
  });

  it("GIVEN a slice intent WHEN derived THEN targets without a metric are listed as unmonitored, not dropped", () => {
    const policy = deriveSloPolicy(compiledExample("urllc-service-edge2"), "edge2");
    expect(policy.targets.map((t) => t.id)).toEqual(["urllc-performance/availability"]);
    expect(policy.unmonitored.map((u) => u.name)).toEqual(["DlLatency", "UlLatency"]);
  });

  it("GIVEN a site the intent does not target WHEN derived THEN E_SLO_SITE_NOT_TARGETED", () => {
    expect(codeOf(() => deriveSloPolicy(compiledExample("urllc-service-edge2"), "edge1"))).toBe(
      "E_SLO_SITE_NOT_TARGETED",
    );
  });

  it("GIVEN a target condition that is not a numeric comparison WHEN derived THEN E_SLO_INVALID_TARGET", () => {
    const compiled = compiledExample("edge-analytics");
    const ensure = compiled.spec.intent.intentExpectations.find((e) => e.expectationVerb === "ENSURE")!;
    ensure.expectationTargets![0]!.targetCondition = "IS_ONE_OF";
    expect(codeOf(() => deriveSloPolicy(compiled, "edge1"))).toBe("E_SLO_INVALID_TARGET");
    ensure.expectationTargets![0]!.targetCondition = "IS_WITHIN_RANGE";
    ensure.expectationTargets![0]!.targetValueRange = [5, 1];
    expect(codeOf(() => deriveSloPolicy(compiled, "edge1"))).toBe("E_SLO_INVALID_TARGET");
    ensure.expectationTargets![0]!.targetValueRange = [1, 5];
    const t = deriveSloPolicy(compiled, "edge1").targets.find((x) => x.comparison === "within");
    expect(t?.threshold).toEqual([1, 5]);
  });

  it("GIVEN a for longer than the window, or unreachable minSamples WHEN derived THEN E_SLO_INVALID_POLICY with pointers", () => {
    let thrown: unknown;
    try {
      deriveSloPolicy(compiledExample("edge-analytics"), "edge1", {
        windowSeconds: 10,
        forSeconds: 20,
        minSamples: 50,
      });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as SloError).code).toBe("E_SLO_INVALID_POLICY");
    const pointers = (thrown as SloError).problems.map((p) => p.pointer);
    expect(pointers).toContain("/targets/0/forSeconds");
    expect(pointers).toContain("/targets/0/minSamples");
  });

  it("GIVEN a policy WHEN validated THEN it is frozen, and a schema violation is E_SLO_INVALID_POLICY", () => {
    const policy = validateSloPolicy(latencyPolicy());
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.targets[0])).toBe(true);
    const bad = { ...latencyPolicy(), onInconclusive: "pass" };
    expect(codeOf(() => validateSloPolicy(bad))).toBe("E_SLO_INVALID_POLICY");
    const rangeAsNumber = latencyPolicy();
    rangeAsNumber.targets[0]!.comparison = "within";
    expect(codeOf(() => validateSloPolicy(rangeAsNumber))).toBe("E_SLO_INVALID_POLICY");
  });

  it("is deterministic", () => {
    const a = deriveSloPolicy(compiledExample("edge-analytics"), "edge1");
    const b = deriveSloPolicy(compiledExample("edge-analytics"), "edge1");
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
