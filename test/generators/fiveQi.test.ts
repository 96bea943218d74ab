import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Condition } from "../../compiler/types.js";
import {
  chooseFiveQi,
  FIVE_QI_CANDIDATES,
  FIVE_QI_TABLE,
  fiveQiRow,
  generatePackage,
  type SliceType,
  SST_BY_SLICE_TYPE,
} from "../../functions/generators/index.js";
import { codeOf, compiledIntent, EDGE1, field } from "./support/compiledIntent.js";

const where = { subject: "edge1/demo", expectationId: "d" };
const SLICE_TYPES = Object.keys(SST_BY_SLICE_TYPE) as SliceType[];

function sliceWithTargets(
  contexts: Record<string, string | number>,
  targets: [string, Condition, number | number[]][],
) {
  return compiledIntent({
    delivers: [{ id: "d", instance: "s", sites: "edge1", kind: "slice", contexts }],
    ensures: [{ id: "e", instance: "s", objectType: "RAN_SubNetwork", targets }],
  });
}
const qosOf = (compiled: ReturnType<typeof sliceWithTargets>) =>
  field(
    generatePackage(compiled, EDGE1).objects.find((o) => o.kind === "NetworkSlice"),
    "spec.qos",
  ) as { fiveQI: number; source: string };

describe("5QI and SST tables", () => {
  it("holds the TS 23.501 values the defaults rely on", () => {
    expect(SST_BY_SLICE_TYPE).toEqual({ eMBB: 1, URLLC: 2, MIoT: 3, V2X: 4, HMTC: 5 });
    expect(fiveQiRow(1)).toMatchObject({ resourceType: "GBR", packetDelayBudgetMs: 100 });
    expect(fiveQiRow(5)).toMatchObject({ exampleServices: "IMS Signalling", signalling: true });
    expect(fiveQiRow(9)).toMatchObject({ resourceType: "Non-GBR", packetDelayBudgetMs: 300 });
    expect(fiveQiRow(80)).toMatchObject({ resourceType: "Non-GBR", packetDelayBudgetMs: 10 });
    for (const q of [82, 83, 84, 85, 86]) expect(fiveQiRow(q)?.resourceType).toBe("Delay-critical GBR");
    const ids = FIVE_QI_TABLE.map((r) => r.fiveQI);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it("lists only table rows, never signalling 5QIs, as candidates, strictest last", () => {
    for (const type of SLICE_TYPES) {
      const rows = FIVE_QI_CANDIDATES[type].map((q) => fiveQiRow(q));
      expect(rows.every((r) => r !== undefined && r.signalling !== true)).toBe(true);
      const budgets = rows.map((r) => r?.packetDelayBudgetMs ?? 0);
      expect(budgets).toEqual([...budgets].sort((a, b) => b - a));
    }
  });
});

describe("5QI choice", () => {
  it("defaults per slice type", () => {
    const chosen = Object.fromEntries(
      SLICE_TYPES.map((t) => [t, chooseFiveQi(t, undefined, [], where).fiveQI]),
    );
    expect(chosen).toEqual({ eMBB: 9, URLLC: 82, MIoT: 9, V2X: 83, HMTC: 82 });
  });

  it("moves to a stricter 5QI when a latency target needs it", () => {
    expect(
      qosOf(sliceWithTargets({ sliceType: "eMBB" }, [["DlLatency", "IS_LESS_THAN", 500]])),
    ).toMatchObject({
      fiveQI: 9,
      source: "default",
    });
    expect(
      qosOf(sliceWithTargets({ sliceType: "eMBB" }, [["DlLatency", "IS_LESS_THAN", 150]])),
    ).toMatchObject({
      fiveQI: 7,
      source: "latency-target",
    });
    expect(
      qosOf(
        sliceWithTargets({ sliceType: "eMBB" }, [
          ["DlLatency", "IS_LESS_THAN", 150],
          ["UlLatency", "IS_LESS_THAN", 20],
        ]),
      ),
    ).toMatchObject({ fiveQI: 80, source: "latency-target" });
    expect(qosOf(sliceWithTargets({ sliceType: "V2X" }, [["DlLatency", "IS_LESS_THAN", 8]]))).toMatchObject({
      fiveQI: 86,
    });
  });

  it("accepts a budget equal to the bound (TS 28.312 latency targets are always IS_LESS_THAN)", () => {
    expect(qosOf(sliceWithTargets({ sliceType: "eMBB" }, [["DlLatency", "IS_LESS_THAN", 10]]))).toMatchObject(
      {
        fiveQI: 80,
      },
    );
    expect(qosOf(sliceWithTargets({ sliceType: "URLLC" }, [["DlLatency", "IS_LESS_THAN", 5]]))).toMatchObject(
      {
        fiveQI: 85,
      },
    );
    expect(
      codeOf(() => qosOf(sliceWithTargets({ sliceType: "eMBB" }, [["DlLatency", "IS_LESS_THAN", 9]]))),
    ).toBe("E_GEN_QOS_INCOMPATIBLE");
    const range = { kind: "range", min: 1, max: 60 } as const;
    expect(
      chooseFiveQi("V2X", undefined, [{ targetName: "DlLatency", expectationId: "e", bound: range }], where)
        .fiveQI,
    ).toBe(83);
  });

  it("lets an explicit fiveQI win when it is compatible, and refuses it when it is not", () => {
    expect(
      qosOf(sliceWithTargets({ sliceType: "eMBB", fiveQI: 80 }, [["DlLatency", "IS_LESS_THAN", 20]])),
    ).toMatchObject({
      fiveQI: 80,
      source: "explicit",
    });
    expect(
      codeOf(() =>
        qosOf(sliceWithTargets({ sliceType: "eMBB", fiveQI: 1 }, [["DlLatency", "IS_LESS_THAN", 50]])),
      ),
    ).toBe("E_GEN_QOS_INCOMPATIBLE");
    // Outside the table: no known budget, taken as given.
    expect(
      qosOf(sliceWithTargets({ sliceType: "eMBB", fiveQI: 200 }, [["DlLatency", "IS_LESS_THAN", 5]])),
    ).toMatchObject({
      fiveQI: 200,
      source: "explicit",
    });
  });

  it("never uses 5QI 5 (IMS signalling) for a latency target, even when asked explicitly", () => {
    expect(
      codeOf(() =>
        qosOf(sliceWithTargets({ sliceType: "eMBB", fiveQI: 5 }, [["DlLatency", "IS_LESS_THAN", 200]])),
      ),
    ).toBe("E_GEN_QOS_INCOMPATIBLE");
    expect(
      codeOf(() =>
        qosOf(
          sliceWithTargets({ sliceType: "URLLC", fiveQI: 5 }, [
            ["p95Latency", "IS_EQUAL_TO_OR_LESS_THAN", 100],
          ]),
        ),
      ),
    ).toBe("E_GEN_QOS_INCOMPATIBLE");
    fc.assert(
      fc.property(
        fc.constantFrom(...SLICE_TYPES),
        fc.integer({ min: 1, max: 1000 }),
        fc.boolean(),
        (type, ms, strict) => {
          const requirement = {
            targetName: "DlLatency",
            expectationId: "e",
            bound: { kind: "upper", value: ms, strict } as const,
          };
          try {
            const choice = chooseFiveQi(type, undefined, [requirement], where);
            expect(choice.fiveQI).not.toBe(5);
            expect(choice.row?.signalling).toBeUndefined();
            const pdb = choice.row?.packetDelayBudgetMs ?? Number.POSITIVE_INFINITY;
            expect(pdb).toBeLessThanOrEqual(ms);
          } catch (error) {
            expect((error as { code?: string }).code).toBe("E_GEN_QOS_INCOMPATIBLE");
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
