import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import { evaluateSlo } from "../../functions/slo/evaluateSlo.js";
import type { SloPolicy, SloSample, SloTarget } from "../../functions/slo/types.js";
import { latencyPolicy, series, T0 } from "./helpers.js";

const ID = "slo/p95Latency";
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const run = (policy: SloPolicy, samples: SloSample[], nowSeconds: number) =>
  evaluateSlo(policy, { startedAt: T0, samples: { [ID]: samples } }, at(nowSeconds));

describe("evaluateSlo", () => {
  it("GIVEN good values over the whole window THEN pass, final", () => {
    const d = run(latencyPolicy(), series([40, 42, 41, 39, 40, 44, 43, 40, 41, 42, 40]), 10);
    expect(d.final).toBe(true);
    expect(d.overall.decision).toBe("pass");
    expect(d.targets[0]).toMatchObject({ status: "pass", value: 40, samples: 11, evaluations: 11 });
  });

  it("GIVEN good values before the window ends THEN inconclusive and not final (a pass needs the whole window)", () => {
    const d = run(latencyPolicy(), series([40, 42, 41, 39, 40]), 4);
    expect(d.final).toBe(false);
    expect(d.overall).toMatchObject({ decision: "inconclusive", action: "rollback" });
    expect(d.targets[0]?.status).toBe("pass");
  });

  it("GIVEN a breach persisting for `for` THEN breach with the target's action, final before the window ends", () => {
    const d = run(latencyPolicy(), series([40, 150, 160, 170, 180]), 4);
    expect(d.final).toBe(true);
    expect(d.overall).toMatchObject({ decision: "breach", action: "rollback" });
    expect(d.targets[0]).toMatchObject({ status: "breach", value: 180, breachSeconds: 3 });
  });

  it("GIVEN a spike shorter than `for` THEN no breach", () => {
    const d = run(latencyPolicy(), series([40, 150, 160, 40, 41, 42, 40, 41, 42, 40, 41]), 10);
    expect(d.overall.decision).toBe("pass");
    expect(d.targets[0]?.breachSeconds).toBe(1);
    expect(d.targets[0]?.reason).toMatch(/2 breaching sample/);
  });

  it("GIVEN a breach interrupted by missing data THEN the `for` count restarts", () => {
    const d = run(latencyPolicy(), series([150, 150, undefined, 150, 150, 40, 40, 40, 40, 40, 40]), 10);
    expect(d.targets[0]?.status).not.toBe("breach");
  });

  it("GIVEN a breach still running at the window's end, shorter than `for` THEN pending: inconclusive, not final", () => {
    const d = run(latencyPolicy(), series([40, 40, 40, 40, 40, 40, 40, 40, 40, 150, 150]), 10);
    expect(d.final).toBe(false);
    expect(d.overall).toMatchObject({ decision: "inconclusive", action: "rollback" });
    expect(d.overall.reasons[0]).toMatch(
      /window complete; 1 target\(s\) breaching .* \(at most 3s past the window\)/,
    );
    expect(d.targets[0]).toMatchObject({ status: "inconclusive", pending: true });
    expect(d.targets[0]?.reason).toMatch(/at the end/);
  });

  it("GIVEN a pending breach that ends within its `for` past the window THEN pass", () => {
    const d = run(latencyPolicy(), series([40, 40, 40, 40, 40, 40, 40, 40, 40, 150, 150, 40, 41]), 12);
    expect(d.final).toBe(true);
    expect(d.overall.decision).toBe("pass");
    expect(d.targets[0]?.pending).toBeUndefined();
    expect(d.targets[0]?.reason).toMatch(/2 breaching sample\(s\), none persisting for 3s/);
  });

  it("GIVEN a pending breach that lasts its `for` past the window THEN breach", () => {
    const d = run(latencyPolicy(), series([40, 40, 40, 40, 40, 40, 40, 40, 40, 150, 150, 150, 150]), 12);
    expect(d.final).toBe(true);
    expect(d.overall).toMatchObject({ decision: "breach", action: "rollback" });
    expect(d.targets[0]).toMatchObject({ status: "breach", breachSeconds: 3 });
  });

  it("GIVEN a pending breach and no further evaluation THEN `for` past the window it ends inconclusive, final", () => {
    const samples = series([40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 150]);
    expect(run(latencyPolicy(), samples, 12.9).final).toBe(false);
    const d = run(latencyPolicy(), samples, 13);
    expect(d.final).toBe(true);
    expect(d.overall).toMatchObject({ decision: "inconclusive", action: "rollback" });
    expect(d.targets[0]).toMatchObject({ status: "inconclusive", pending: true });
  });

  it("GIVEN no samples at all THEN inconclusive with the policy's action", () => {
    for (const onInconclusive of ["hold", "fail", "rollback"] as const) {
      const d = run(latencyPolicy({ onInconclusive }), [], 10);
      expect(d.final).toBe(true);
      expect(d.overall).toMatchObject({ decision: "inconclusive", action: onInconclusive });
      expect(d.targets[0]).toMatchObject({ status: "inconclusive", value: null, samples: 0 });
    }
  });

  it("GIVEN too few usable samples THEN inconclusive", () => {
    const d = run(
      latencyPolicy(),
      series([
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        40,
        40,
      ]),
      10,
    );
    expect(d.overall.decision).toBe("inconclusive");
    expect(d.targets[0]?.reason).toMatch(/2 usable sample\(s\), 3 required/);
  });

  it("GIVEN leading no-data (the workload warming up) and enough good samples THEN pass", () => {
    const d = run(latencyPolicy(), series([undefined, undefined, 40, 41, 42, 40, 41, 42, 40, 41, 42]), 10);
    expect(d.overall.decision).toBe("pass");
    expect(d.targets[0]?.samples).toBe(9);
  });

  it("GIVEN data lost after it started (Prometheus gone) THEN inconclusive, never pass", () => {
    const samples: SloSample[] = [
      ...series([40, 41, 42, 40, 41, 42]),
      { at: T0 + 6000, note: "E_PROM_UNREACHABLE: connect ECONNREFUSED" },
      { at: T0 + 7000, note: "E_PROM_UNREACHABLE: connect ECONNREFUSED" },
    ];
    const d = run(latencyPolicy(), samples, 10);
    expect(d.overall).toMatchObject({ decision: "inconclusive", action: "rollback" });
    expect(d.targets[0]?.reason).toMatch(/ECONNREFUSED/);
  });

  it("GIVEN NaN and infinite values THEN they are not usable", () => {
    const d = run(
      latencyPolicy(),
      series([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]),
      10,
    );
    expect(d.overall.decision).toBe("inconclusive");
    expect(d.targets[0]?.samples).toBe(0);
    // The decision is plain JSON even when the input held NaN.
    expect(() => stringifyCanonical(d)).not.toThrow();
  });

  it("GIVEN several breaching targets THEN the most severe action wins", () => {
    const base = latencyPolicy();
    const alert: SloTarget = {
      ...base.targets[0]!,
      id: "slo/errorRate",
      name: "errorRate",
      action: "alert",
      metric: "http_error_ratio_percent",
      unit: "%",
      threshold: 1,
    };
    const scale: SloTarget = {
      ...base.targets[0]!,
      id: "slo/cpu",
      name: "cpuUtilization",
      action: "scale",
      metric: "cpu_utilization_percent",
      unit: "%",
      threshold: 80,
    };
    const policy = latencyPolicy({ targets: [alert, scale] });
    const bad = series([200, 200, 200, 200]);
    const d = evaluateSlo(
      policy,
      { startedAt: T0, samples: { "slo/errorRate": bad, "slo/cpu": bad } },
      at(3),
    );
    expect(d.overall).toMatchObject({ decision: "breach", action: "scale" });
    const withRollback = latencyPolicy({ targets: [alert, scale, base.targets[0]!] });
    const d2 = evaluateSlo(
      withRollback,
      { startedAt: T0, samples: { "slo/errorRate": bad, "slo/cpu": bad, [ID]: bad } },
      at(3),
    );
    expect(d2.overall).toMatchObject({ decision: "breach", action: "rollback" });
  });

  it("GIVEN a `within` range and `>=` THEN values outside breach", () => {
    const within: SloTarget = {
      ...latencyPolicy().targets[0]!,
      comparison: "within",
      threshold: [10, 20],
      forSeconds: 0,
      minSamples: 1,
    };
    const d = run(latencyPolicy({ targets: [within] }), series([15, 25]), 1);
    expect(d.overall.decision).toBe("breach");
    const ready: SloTarget = { ...within, comparison: ">=", threshold: 100 };
    expect(run(latencyPolicy({ targets: [ready] }), series([100, 100]), 10).overall.decision).toBe("pass");
    expect(run(latencyPolicy({ targets: [ready] }), series([100, 66.7]), 1).overall.decision).toBe("breach");
  });

  it("GIVEN unmonitored targets THEN inconclusive unless the policy ignores them; no targets at all passes", () => {
    const unmonitored = [
      { name: "DlLatency", expectationId: "perf", condition: "IS_LESS_THAN" as const, reason: "no metric" },
    ];
    const good = series([40, 41, 42, 40, 41, 42, 40, 41, 42, 40, 41]);
    expect(run(latencyPolicy({ unmonitored }), good, 10).overall.decision).toBe("inconclusive");
    expect(run(latencyPolicy({ unmonitored, onUnmonitored: "ignore" }), good, 10).overall.decision).toBe(
      "pass",
    );
    expect(run(latencyPolicy({ targets: [], unmonitored }), [], 0).overall.decision).toBe("inconclusive");
    const none = run(latencyPolicy({ targets: [] }), [], 0);
    expect(none).toMatchObject({ final: true, overall: { decision: "pass" } });
  });

  it("PROPERTY: never pass when some target's samples are empty or all NaN/±Inf/missing", () => {
    const unusable = fc.constantFrom<number | undefined>(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      undefined,
    );
    const good = fc.double({ min: 0, max: 99, noNaN: true });
    fc.assert(
      fc.property(
        fc.array(good, { minLength: 0, maxLength: 12 }),
        fc.array(unusable, { minLength: 0, maxLength: 12 }),
        fc.constantFrom("hold", "fail", "rollback" as const),
        fc.integer({ min: 0, max: 20 }),
        (goodValues, badValues, onInconclusive, nowSeconds) => {
          const base = latencyPolicy({ onInconclusive });
          const other: SloTarget = { ...base.targets[0]!, id: "slo/other" };
          const policy = latencyPolicy({ onInconclusive, targets: [base.targets[0]!, other] });
          const samples = { [ID]: series(goodValues), "slo/other": series(badValues) };
          const d = evaluateSlo(policy, { startedAt: T0, samples }, at(nowSeconds));
          expect(d.overall.decision).not.toBe("pass");
          expect(d.targets[1]?.status).toBe("inconclusive");
          expect(() => stringifyCanonical(d)).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });

  it("PROPERTY: never pass when any evaluation after the first usable one is unusable", () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: 0, max: 99, noNaN: true }), { nil: undefined }), {
          minLength: 1,
          maxLength: 11,
        }),
        (values) => {
          const d = run(latencyPolicy(), series(values), 10);
          const first = values.findIndex((v) => v !== undefined);
          const gap = first >= 0 && values.slice(first).some((v) => v === undefined);
          if (gap || first < 0) expect(d.overall.decision).not.toBe("pass");
        },
      ),
      { numRuns: 300 },
    );
  });
});
