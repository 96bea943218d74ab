/**
 * The intent report is checked against the official TS 28.312 Intent NRM (schemas/3gpp/, unmodified).
 *
 * The 3GPP OpenAPI texts are loaded into ajv by test/support/officialSchemas.ts (file names as `$id`,
 * `oneOf` read as `anyOf` because the 3GPP alternatives overlap, `nullable` without `type` dropped).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildIntentReport } from "../../functions/slo/buildIntentReport.js";
import { deriveSloPolicy } from "../../functions/slo/deriveSloPolicy.js";
import { evaluateSlo } from "../../functions/slo/evaluateSlo.js";
import type { SloPolicy, SloSample } from "../../functions/slo/types.js";
import { threeGppValidator } from "../support/officialSchemas.js";
import { compiledExample, series, T0 } from "./helpers.js";

let validateReport: (value: unknown) => { ok: boolean; errors: string[] };

beforeAll(() => {
  const validate = threeGppValidator("TS28312_IntentNrm.yaml", "IntentReport-Single");
  validateReport = (value) => ({
    ok: validate(value) as boolean,
    errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`),
  });
});

const compiled = compiledExample("edge-analytics");
const policy = deriveSloPolicy(compiled, "edge1", { windowSeconds: 10, intervalSeconds: 1, forSeconds: 3 });
const now = new Date(T0 + 10_000);

function samplesFor(p: SloPolicy, values: ReadonlyArray<number | undefined>): Record<string, SloSample[]> {
  return Object.fromEntries(p.targets.map((t) => [t.id, series(values)]));
}

/** Values that meet every target of edge-analytics (errorRate < 1 %, podsReady >= 100 %, the rest 50). */
function goodSamples(): Record<string, SloSample[]> {
  const samples = samplesFor(policy, Array(11).fill(50));
  samples["analytics-slo/errorRate"] = series(Array(11).fill(0.5));
  samples["analytics-slo/podsReady"] = series(Array(11).fill(100));
  return samples;
}

describe("buildIntentReport", () => {
  it("GIVEN a pass THEN FULFILLED everywhere, achieved values set, and valid against IntentReport-Single", () => {
    const samples = goodSamples();
    const decision = evaluateSlo(policy, { startedAt: T0, samples }, now);
    expect(decision.overall.decision).toBe("pass");
    const report = buildIntentReport(compiled, decision, now);
    expect(report.intentFulfilmentReport.intentFulfilmentInfo).toEqual({ fulfilmentStatus: "FULFILLED" });
    const [expectation] = report.intentFulfilmentReport.expectationFulfilmentResult;
    expect(expectation?.expectaitonId).toBe("analytics-slo");
    expect(expectation?.targetFulfilmentResult.map((t) => [t.targetName, t.targetAchievedValue])).toEqual([
      ["p95Latency", 50],
      ["errorRate", 0.5],
      ["cpuUtilization", 50],
      ["memoryUtilization", 50],
      ["podsReady", 100],
    ]);
    expect(report).toMatchObject({
      id: "edge1/edge-analytics",
      intentReference: "Intent=edge-analytics",
      lastUpdatedTime: "2025-01-02T03:04:10.000Z",
    });
    expect(validateReport(report)).toEqual({ ok: true, errors: [] });
  });

  it("GIVEN a latency breach THEN the intent FULFILMENTFAILED, the target DEGRADED, and the report valid", () => {
    const samples = goodSamples();
    samples["analytics-slo/p95Latency"] = series([50, 250, 250, 250, 250]);
    const decision = evaluateSlo(policy, { startedAt: T0, samples }, new Date(T0 + 4000));
    expect(decision.overall).toMatchObject({ decision: "breach", action: "rollback" });
    const report = buildIntentReport(compiled, decision, now);
    expect(report.intentFulfilmentReport.intentFulfilmentInfo).toMatchObject({
      fulfilmentStatus: "NOT_FULFILLED",
      notFullfilledState: "FULFILMENTFAILED",
    });
    const [expectation] = report.intentFulfilmentReport.expectationFulfilmentResult;
    expect(expectation?.expectationFulfilmentInfo.notFullfilledState).toBe("DEGRADED");
    const latency = expectation?.targetFulfilmentResult.find((t) => t.targetName === "p95Latency");
    expect(latency).toMatchObject({
      targetAchievedValue: 250,
      targetFulfilmentInfo: { fulfilmentStatus: "NOT_FULFILLED", notFullfilledState: "DEGRADED" },
    });
    expect(validateReport(report)).toEqual({ ok: true, errors: [] });
  });

  it("GIVEN no data THEN NOT_FULFILLED (FULFILMENTFAILED, or SUSPENDED on hold), no achieved value, valid", () => {
    const decision = evaluateSlo(policy, { startedAt: T0, samples: {} }, now);
    const report = buildIntentReport(compiled, decision, now);
    expect(report.intentFulfilmentReport.intentFulfilmentInfo.notFullfilledState).toBe("FULFILMENTFAILED");
    const targets = report.intentFulfilmentReport.expectationFulfilmentResult[0]!.targetFulfilmentResult;
    expect(targets.every((t) => t.targetAchievedValue === undefined)).toBe(true);
    expect(new Set(targets.map((t) => t.targetFulfilmentInfo.notFullfilledState))).toEqual(
      new Set(["ACKNOWLEDGED"]),
    );
    expect(validateReport(report).ok).toBe(true);
    const held = evaluateSlo({ ...policy, onInconclusive: "hold" }, { startedAt: T0, samples: {} }, now);
    expect(
      buildIntentReport(compiled, held, now).intentFulfilmentReport.intentFulfilmentInfo.notFullfilledState,
    ).toBe("SUSPENDED");
  });

  it("GIVEN a slice with unmeasurable targets THEN they are reported as not measured, and the report is valid", () => {
    const slice = compiledExample("urllc-service-edge2");
    const slicePolicy = deriveSloPolicy(slice, "edge2", {
      windowSeconds: 10,
      intervalSeconds: 1,
      forSeconds: 3,
    });
    const decision = evaluateSlo(slicePolicy, { startedAt: T0, samples: {} }, now);
    const report = buildIntentReport(slice, decision, now);
    const names = report.intentFulfilmentReport.expectationFulfilmentResult[0]!.targetFulfilmentResult.map(
      (t) => t.targetName,
    );
    expect(names).toEqual(["availability", "DlLatency", "UlLatency"]);
    expect(validateReport(report).ok).toBe(true);
  });

  it("NEGATIVE: the schema check rejects a report with a misspelt state or a non-numeric achieved value", () => {
    const decision = evaluateSlo(policy, { startedAt: T0, samples: {} }, now);
    const report = buildIntentReport(compiled, decision, now);
    const badState = structuredClone(report);
    badState.intentFulfilmentReport.intentFulfilmentInfo.notFullfilledState = "FAILED" as never;
    expect(validateReport(badState).ok).toBe(false);
    const badValue = structuredClone(report) as unknown as {
      intentFulfilmentReport: {
        expectationFulfilmentResult: { targetFulfilmentResult: { targetAchievedValue: unknown }[] }[];
      };
    };
    badValue.intentFulfilmentReport.expectationFulfilmentResult[0]!
      .targetFulfilmentResult[0]!.targetAchievedValue = "fast";
    expect(validateReport(badValue).ok).toBe(false);
    const noId = { ...report, id: undefined };
    expect(validateReport(JSON.parse(JSON.stringify(noId))).ok).toBe(false);
    const badTime = { ...report, lastUpdatedTime: "yesterday" };
    expect(validateReport(badTime).ok).toBe(false);
  });

  it("GIVEN a decision about another intent THEN E_SLO_MISMATCH", () => {
    const decision = evaluateSlo(policy, { startedAt: T0, samples: {} }, now);
    expect(() => buildIntentReport(compiledExample("web-app-stack"), decision, now)).toThrowError(
      expect.objectContaining({ code: "E_SLO_MISMATCH" }),
    );
  });
});
