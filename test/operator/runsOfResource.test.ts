/**
 * What `serve --operator` reads off an IntentDeployment: its runs (the status's run, plus the revision or
 * deletion the controller has not taken up yet, as Pending under the id the controller will give it) and
 * the API's record of the intent (from the spec and the intake's annotations).
 */
import { describe, expect, it } from "vitest";
import { recordOf } from "../../pipeline/operator/createOperatorIntake.js";
import { ANNOTATIONS, type IntentDeployment, runIdOf } from "../../pipeline/operator/intentDeployment.js";
import { runsOfResource } from "../../pipeline/operator/openResourceRunner.js";
import type { RunState } from "../../pipeline/run/runTypes.js";

const UID = "0b7c2f5e-5d1e-4a53-9a57-6f3d2b8a1c44";
const intent = { id: "edge-analytics", "@type": "Intent", name: "edge analytics" };

function resource(over: Partial<IntentDeployment["metadata"]> = {}, run?: RunState): IntentDeployment {
  return {
    apiVersion: "intentops.io/v1alpha1",
    kind: "IntentDeployment",
    metadata: {
      name: "edge-analytics",
      namespace: "intentops",
      uid: UID,
      generation: 1,
      creationTimestamp: "2026-12-01T01:00:00Z",
      annotations: {
        [ANNOTATIONS.createdAt]: "2026-12-01T01:00:00.123Z",
        [ANNOTATIONS.updatedAt]: "2026-12-01T01:05:00.456Z",
        [ANNOTATIONS.intakeDigest]: "sha256:abc",
        [ANNOTATIONS.requestId]: "req-2",
      },
      ...over,
    },
    spec: { intent },
    ...(run ? { status: { run } } : {}),
  };
}

const ran = (revision: number, phase: RunState["phase"], operation?: "delete"): RunState => ({
  runId: runIdOf(UID, operation ?? revision),
  intentId: "edge-analytics",
  ...(operation ? { operation } : { revision }),
  source: { file: "x", digest: "sha256:x" },
  phase,
  attempt: 0,
  createdAt: "2026-12-01T01:00:01Z",
  updatedAt: "2026-12-01T01:00:09Z",
  data: {},
});

describe("runsOfResource", () => {
  it("a new resource: its first revision Pending, under the id the controller will use", () => {
    const [run, ...rest] = runsOfResource(resource());
    expect(rest).toEqual([]);
    expect(run).toMatchObject({
      runId: runIdOf(UID, 1),
      phase: "Pending",
      revision: 1,
      intentId: "edge-analytics",
    });
    expect(run!.runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("the controller's run once it has one; a newer generation adds that revision Pending", () => {
    const done = ran(1, "Succeeded");
    expect(runsOfResource(resource({}, done))).toEqual([done]);
    const runs = runsOfResource(resource({ generation: 2 }, done));
    expect(runs.map((r) => [r.runId, r.phase])).toEqual([
      [done.runId, "Succeeded"],
      [runIdOf(UID, 2), "Pending"],
    ]);
  });

  it("a resource being deleted: its delete run Pending until the controller's delete run is in the status", () => {
    const deleting = { deletionTimestamp: "2026-12-01T02:00:00Z", generation: 2 };
    const runs = runsOfResource(resource(deleting, ran(1, "Succeeded")));
    expect(runs.at(-1)).toMatchObject({
      runId: runIdOf(UID, "delete"),
      operation: "delete",
      phase: "Pending",
    });
    const deleted = ran(0, "Deleted", "delete");
    expect(runsOfResource(resource(deleting, deleted))).toEqual([deleted]);
  });
});

describe("recordOf", () => {
  it("the intent as the API accepted it, its times and request from the annotations", () => {
    expect(recordOf(resource({ generation: 3 }))).toMatchObject({
      intentId: "edge-analytics",
      body: intent,
      createdAt: "2026-12-01T01:00:00.123Z",
      updatedAt: "2026-12-01T01:05:00.456Z",
      digest: "sha256:abc",
      revisions: 3,
      requestId: "req-2",
    });
  });

  it("no record for a resource being deleted, or none at all", () => {
    expect(recordOf(resource({ deletionTimestamp: "2026-12-01T02:00:00Z" }))).toBeUndefined();
    expect(recordOf(undefined)).toBeUndefined();
  });
});
