/** The status an IntentDeployment shows for a run: derived from the run alone, conditions in the Kubernetes convention. */
import { describe, expect, it } from "vitest";
import { statusOfRun } from "../../pipeline/operator/statusOfRun.js";
import type { RunState } from "../../pipeline/run/runTypes.js";

const run = (over: Partial<RunState>): RunState => ({
  runId: "r1",
  intentId: "app",
  source: { file: "x.json", digest: "sha256:s" },
  revision: 3,
  phase: "Reconciling",
  attempt: 0,
  createdAt: "2026-11-30T10:00:00.000Z",
  updatedAt: "2026-11-30T10:00:00.000Z",
  data: { sites: ["edge1", "edge2"], deliveryCommit: "c1" },
  ...over,
});

describe("statusOfRun", () => {
  it("GIVEN an active run THEN Reconciling is True, Ready Unknown, sites not yet seen Unknown", () => {
    const status = statusOfRun(run({}), undefined, "2026-11-30T10:00:01.000Z");
    expect(status.phase).toBe("Reconciling");
    expect(status.observedGeneration).toBe(3);
    expect(status.sitesReady).toBe("0/2");
    expect(status.sites?.map((s) => [s.name, s.sync, s.health])).toEqual([
      ["edge1", "Unknown", "Unknown"],
      ["edge2", "Unknown", "Unknown"],
    ]);
    expect(status.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ["Ready", "Unknown", "Reconciling"],
      ["Reconciling", "True", "Reconciling"],
      ["Stalled", "False", "NotStalled"],
    ]);
  });

  it("GIVEN a rolled-back run THEN the sites are Synced to the revert commit, Ready False, the revert commit shown", () => {
    const status = statusOfRun(
      run({
        phase: "RolledBack",
        data: {
          sites: ["edge1"],
          deliveryCommit: "c1",
          reconciled: { edge1: { commit: "c1", healthy: true } },
          verdict: { decision: "breach", action: "rollback", reasons: ["edge1/app: p95 180 ms"] },
          revertCommit: "r1",
          restored: { edge1: "r1" },
          evidence: ["evidence/app/1.json", "evidence/app/2.json"],
        },
      }),
      undefined,
      "2026-11-30T10:00:01.000Z",
    );
    expect(status.sites).toEqual([{ name: "edge1", sync: "Synced", health: "Healthy", commit: "r1" }]);
    expect([status.revertCommit, status.evidenceHead, status.slo?.decision]).toEqual([
      "r1",
      "evidence/app/2.json",
      "breach",
    ]);
    expect(status.conditions?.find((c) => c.type === "Ready")?.status).toBe("False");
  });

  it("keeps a condition's lastTransitionTime while its status holds, and the retried token", () => {
    const first = statusOfRun(run({}), undefined, "2026-11-30T10:00:01.000Z");
    const second = statusOfRun(
      run({ phase: "Verifying" }),
      { ...first, retried: "7" },
      "2026-11-30T10:05:00.000Z",
    );
    const reconciling = second.conditions?.find((c) => c.type === "Reconciling");
    expect([reconciling?.reason, reconciling?.lastTransitionTime]).toEqual([
      "Verifying",
      "2026-11-30T10:00:01.000Z",
    ]);
    expect(second.retried).toBe("7");
    const done = statusOfRun(run({ phase: "Succeeded" }), second, "2026-11-30T10:09:00.000Z");
    expect(done.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime).toBe(
      "2026-11-30T10:09:00.000Z",
    );
  });
});
