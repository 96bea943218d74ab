/** Pure parts of the reconciler: ordering, depends-on cycles, kstatus rules, prune-safety math, diffs. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { KrmObject } from "../../functions/runtime/types.js";
import {
  checkPruneSafety,
  computeStatus,
  DependencyCycleError,
  dependentsOf,
  liveHasDesiredFields,
  mapConcurrent,
  parseDependsOn,
  planApply,
  pruneSet,
  sameObject,
  summarizeChangeSet,
  unifiedDiff,
} from "../../pipeline/reconcile/index.js";

const obj = (
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
  dependsOn?: string,
): KrmObject => ({
  apiVersion,
  kind,
  metadata: {
    name,
    ...(namespace ? { namespace } : {}),
    ...(dependsOn ? { annotations: { "config.kubernetes.io/depends-on": dependsOn } } : {}),
  },
});
const subjects = (objects: KrmObject[], order: number[]) =>
  order.map((i) => `${objects[i]!.kind}/${objects[i]!.metadata.name}`);

describe("planApply", () => {
  it("orders CRDs → Namespaces → other cluster-scoped → namespaced, then by group/kind/namespace/name", () => {
    const objects = [
      obj("apps/v1", "Deployment", "web", "a"),
      obj("slices.intentops.io/v1alpha1", "NetworkSlice", "s1", "a"),
      obj("v1", "ConfigMap", "cfg", "a"),
      obj("v1", "Namespace", "a"),
      obj("rbac.authorization.k8s.io/v1", "ClusterRole", "reader"),
      obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "networkslices.slices.intentops.io"),
    ];
    const plan = planApply(objects);
    expect(subjects(objects, plan.order)).toEqual([
      "CustomResourceDefinition/networkslices.slices.intentops.io",
      "Namespace/a",
      "ClusterRole/reader",
      "ConfigMap/cfg",
      "Deployment/web",
      "NetworkSlice/s1",
    ]);
    expect(plan.waves.map((w) => w.stage)).toEqual(["crds", "namespaces", "cluster-scoped", "namespaced"]);
  });

  it("honours depends-on within a stage by splitting the stage into waves", () => {
    const objects = [
      obj("v1", "ConfigMap", "a", "ns", "apps/namespaces/ns/Deployment/b"),
      obj("apps/v1", "Deployment", "b", "ns"),
      obj("v1", "ConfigMap", "c", "ns"),
    ];
    const plan = planApply(objects);
    expect(subjects(objects, plan.order)).toEqual(["ConfigMap/c", "Deployment/b", "ConfigMap/a"]);
    expect(plan.waves.map((w) => w.items.map((i) => objects[i]!.metadata.name))).toEqual([["c", "b"], ["a"]]);
    expect(dependentsOf(plan, 1)).toEqual([0]);
  });

  it("names the cycle in E_DEPENDENCY_CYCLE", () => {
    const objects = [
      obj("v1", "ConfigMap", "a", "ns", "/namespaces/ns/ConfigMap/b"),
      obj("v1", "ConfigMap", "b", "ns", "/namespaces/ns/ConfigMap/c"),
      obj("v1", "ConfigMap", "c", "ns", "/namespaces/ns/ConfigMap/a"),
      obj("v1", "ConfigMap", "d", "ns"),
    ];
    let error: unknown;
    try {
      planApply(objects);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DependencyCycleError);
    expect((error as DependencyCycleError).code).toBe("E_DEPENDENCY_CYCLE");
    expect((error as DependencyCycleError).cycle).toEqual([
      "ConfigMap/ns/a",
      "ConfigMap/ns/b",
      "ConfigMap/ns/c",
    ]);
  });

  it("parses both depends-on forms and refuses others with E_DEPENDS_ON_SYNTAX", () => {
    expect(parseDependsOn("/namespaces/a/ConfigMap/x, rbac.authorization.k8s.io/ClusterRole/r", "s")).toEqual(
      [
        { group: "", namespace: "a", kind: "ConfigMap", name: "x" },
        { group: "rbac.authorization.k8s.io", namespace: "", kind: "ClusterRole", name: "r" },
      ],
    );
    expect(() => parseDependsOn("ConfigMap/x", "s")).toThrowError(
      expect.objectContaining({ code: "E_DEPENDS_ON_SYNTAX" }),
    );
  });

  it("property: every object is planned once, and every dependency comes before its dependent", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom("Namespace", "ConfigMap", "ClusterRole"), fc.integer({ min: 0, max: 9 })),
          {
            maxLength: 12,
          },
        ),
        (specs) => {
          const objects = specs.map(([kind, dep], i) =>
            kind === "ConfigMap"
              ? obj("v1", kind, `o${i}`, "ns", dep < i ? `/namespaces/ns/ConfigMap/o${dep}` : undefined)
              : obj(kind === "ClusterRole" ? "rbac.authorization.k8s.io/v1" : "v1", kind, `o${i}`),
          );
          const plan = planApply(objects);
          expect([...plan.order].sort((a, b) => a - b)).toEqual(objects.map((_, i) => i));
          const position = new Map(plan.order.map((o, p) => [o, p]));
          plan.dependsOn.forEach((deps, i) => {
            for (const d of deps) expect(position.get(d)!).toBeLessThan(position.get(i)!);
          });
        },
      ),
    );
  });
});

describe("computeStatus (kstatus rules)", () => {
  const deployment = (status: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d", generation: 2 },
    spec: { replicas: 2 },
    status: { observedGeneration: 2, ...status },
    ...extra,
  });

  it("not found, terminating, and an unobserved generation", () => {
    expect(computeStatus(null).status).toBe("NotFound");
    expect(computeStatus({ kind: "ConfigMap", metadata: { deletionTimestamp: "x" } }).status).toBe(
      "Terminating",
    );
    expect(computeStatus(deployment({ observedGeneration: 1 })).status).toBe("InProgress");
  });

  it("Deployment rollout: updated, ready, available, then Current; ProgressDeadlineExceeded is Failed", () => {
    expect(computeStatus(deployment({ replicas: 2, updatedReplicas: 1 })).status).toBe("InProgress");
    expect(computeStatus(deployment({ replicas: 3, updatedReplicas: 2 })).message).toMatch(/termination/);
    expect(computeStatus(deployment({ replicas: 2, updatedReplicas: 2, readyReplicas: 1 })).status).toBe(
      "InProgress",
    );
    expect(
      computeStatus(deployment({ replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 }))
        .status,
    ).toBe("Current");
    const stuck = deployment({
      replicas: 2,
      updatedReplicas: 2,
      conditions: [
        { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "timed out" },
      ],
    });
    expect(computeStatus(stuck)).toEqual({
      status: "Failed",
      message: "Progress deadline exceeded: timed out",
    });
  });

  it("HorizontalPodAutoscaler: InProgress until it desires a count within its bounds; scaling disabled is Current", () => {
    const hpa = (status: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "h" },
      spec: { minReplicas: 5, maxReplicas: 8, ...spec },
      status,
    });
    // a raised minimum not acted on yet, and a new HPA before its first sync
    expect(computeStatus(hpa({ currentReplicas: 3, desiredReplicas: 3 }))).toEqual({
      status: "InProgress",
      message: "HPA desires 3 replicas, outside its bounds 5–8: not yet acted on them",
    });
    expect(computeStatus(hpa({})).status).toBe("InProgress");
    expect(computeStatus(hpa({ currentReplicas: 9, desiredReplicas: 9 })).status).toBe("InProgress");
    expect(computeStatus(hpa({ currentReplicas: 3, desiredReplicas: 5 })).status).toBe("Current");
    expect(computeStatus(hpa({ desiredReplicas: 1 }, { minReplicas: undefined })).status).toBe("Current");
    const disabled = hpa({
      currentReplicas: 0,
      desiredReplicas: 0,
      conditions: [{ type: "ScalingActive", status: "False", reason: "ScalingDisabled", message: "zero" }],
    });
    expect(computeStatus(disabled)).toEqual({ status: "Current", message: "HPA scaling is disabled: zero" });
    // no metrics API: desiredReplicas stays 0, the target's count (clamped to the bounds) decides
    const blind = (currentReplicas: number) =>
      hpa({
        currentReplicas,
        desiredReplicas: 0,
        conditions: [
          { type: "AbleToScale", status: "True", reason: "SucceededGetScale" },
          {
            type: "ScalingActive",
            status: "False",
            reason: "FailedGetResourceMetric",
            message: "no metrics",
          },
        ],
      });
    expect(computeStatus(blind(6))).toEqual({
      status: "Current",
      message:
        "HPA cannot compute a replica count (FailedGetResourceMetric); its target's 6 replicas lie within its bounds 5–8",
    });
    expect(computeStatus(blind(3)).status).toBe("InProgress");
    expect(computeStatus(blind(9)).status).toBe("InProgress");
  });

  it("StatefulSet and DaemonSet analogues", () => {
    const sts = (status: Record<string, unknown>) => ({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: {},
      spec: { replicas: 2 },
      status,
    });
    expect(computeStatus(sts({ replicas: 2, readyReplicas: 1 })).status).toBe("InProgress");
    expect(
      computeStatus(
        sts({ replicas: 2, readyReplicas: 2, currentReplicas: 2, currentRevision: "a", updateRevision: "b" }),
      ).status,
    ).toBe("InProgress");
    expect(
      computeStatus(
        sts({ replicas: 2, readyReplicas: 2, currentReplicas: 2, currentRevision: "a", updateRevision: "a" }),
      ).status,
    ).toBe("Current");
    const ds = (status: Record<string, unknown>) => ({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: {},
      status,
    });
    const full = {
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      updatedNumberScheduled: 3,
      numberReady: 3,
    };
    expect(computeStatus(ds({ ...full, numberAvailable: 2 })).status).toBe("InProgress");
    expect(computeStatus(ds({ ...full, numberAvailable: 3 })).status).toBe("Current");
  });

  it("Namespaces Active, CRDs Established, Reconciling/Stalled and Ready conditions of custom resources", () => {
    expect(computeStatus({ apiVersion: "v1", kind: "Namespace", status: { phase: "Active" } }).status).toBe(
      "Current",
    );
    expect(
      computeStatus({ apiVersion: "v1", kind: "Namespace", status: { phase: "Terminating" } }).status,
    ).toBe("InProgress");
    const crd = (conditions: unknown[]) => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      status: { conditions },
    });
    expect(computeStatus(crd([])).status).toBe("InProgress");
    expect(computeStatus(crd([{ type: "Established", status: "True" }])).status).toBe("Current");
    expect(computeStatus(crd([{ type: "NamesAccepted", status: "False", reason: "Clash" }])).status).toBe(
      "Failed",
    );
    const cr = (conditions: unknown[]) => ({
      apiVersion: "x.io/v1",
      kind: "Thing",
      metadata: {},
      status: { conditions },
    });
    expect(computeStatus(cr([{ type: "Reconciling", status: "True", message: "working" }]))).toEqual({
      status: "InProgress",
      message: "working",
    });
    expect(computeStatus(cr([{ type: "Stalled", status: "True", message: "bad spec" }])).status).toBe(
      "Failed",
    );
    expect(computeStatus(cr([{ type: "Ready", status: "False" }])).status).toBe("InProgress");
    expect(computeStatus(cr([{ type: "Ready", status: "True" }])).status).toBe("Current");
    expect(computeStatus({ apiVersion: "v1", kind: "ConfigMap", metadata: {} }).status).toBe("Current");
  });

  it("Pods: unschedulable is in progress, a failed phase is Failed", () => {
    const pod = (status: Record<string, unknown>) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {},
      status,
    });
    expect(
      computeStatus(
        pod({
          phase: "Pending",
          conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable" }],
        }),
      ).status,
    ).toBe("InProgress");
    expect(computeStatus(pod({ phase: "Failed" })).status).toBe("Failed");
    expect(
      computeStatus(pod({ phase: "Running", conditions: [{ type: "Ready", status: "True" }] })).status,
    ).toBe("Current");
  });
});

describe("checkPruneSafety", () => {
  it("refuses deleting a whole inventory and more than the share, allows the limit and force", () => {
    expect(checkPruneSafety({ inventorySize: 4, pruneCount: 0 }).allowed).toBe(true);
    expect(checkPruneSafety({ inventorySize: 4, pruneCount: 4 }).allowed).toBe(false);
    expect(checkPruneSafety({ inventorySize: 1, pruneCount: 1 }).allowed).toBe(false);
    expect(checkPruneSafety({ inventorySize: 10, pruneCount: 5 }).allowed).toBe(true);
    expect(checkPruneSafety({ inventorySize: 10, pruneCount: 6 }).allowed).toBe(false);
    expect(checkPruneSafety({ inventorySize: 10, pruneCount: 3, maxShare: 0.3 }).allowed).toBe(true);
    expect(checkPruneSafety({ inventorySize: 10, pruneCount: 10, force: true }).allowed).toBe(true);
    expect(() => checkPruneSafety({ inventorySize: 1, pruneCount: 1, maxShare: 2 })).toThrow(RangeError);
  });

  it("property: allowed exactly when forced, nothing to prune, or a partial prune within the share", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 100 }),
        (size, n, pct) => {
          const pruneCount = Math.min(n, size);
          const allowed = checkPruneSafety({ inventorySize: size, pruneCount, maxShare: pct / 100 }).allowed;
          expect(allowed).toBe(pruneCount === 0 || (pruneCount < size && pruneCount * 100 <= pct * size));
        },
      ),
    );
  });

  it("pruneSet deletes in reverse stage order: namespaced, cluster-scoped, Namespaces, CRDs", () => {
    const entry = (group: string, kind: string, name: string, namespace = "") => ({
      group,
      kind,
      name,
      namespace,
      version: "v1",
      digest: null,
    });
    const set = pruneSet(
      [
        entry("apiextensions.k8s.io", "CustomResourceDefinition", "x.io"),
        entry("", "Namespace", "a"),
        entry("x.io", "Thing", "t", "a"),
        entry("rbac.authorization.k8s.io", "ClusterRole", "r"),
        entry("", "ConfigMap", "keep", "a"),
      ],
      [{ group: "", kind: "ConfigMap", name: "keep", namespace: "a" }],
    );
    expect(set.map((e) => e.kind)).toEqual(["Thing", "ClusterRole", "Namespace", "CustomResourceDefinition"]);
  });
});

describe("comparison and change sets", () => {
  it("ignores server-maintained fields; the projection sees changed and removed fields we set", () => {
    const live = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "a",
        resourceVersion: "5",
        managedFields: [{ manager: "x" }],
        uid: "u",
        labels: { o: "1" },
      },
      data: { k: "v", other: "x" },
    };
    expect(
      sameObject({ ...live, metadata: { ...live.metadata, resourceVersion: "6", managedFields: [] } }, live),
    ).toBe(true);
    expect(sameObject({ ...live, data: { k: "w", other: "x" } }, live)).toBe(false);
    const desired: KrmObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "a" },
      data: { k: "v" },
    };
    expect(liveHasDesiredFields(live, desired)).toBe(true);
    expect(liveHasDesiredFields({ ...live, data: { k: "changed" } }, desired)).toBe(false);
    expect(liveHasDesiredFields({ ...live, data: {} }, desired)).toBe(false);
    expect(
      liveHasDesiredFields({ spec: { list: [{ a: 1, b: 2 }] } }, {
        spec: { list: [{ a: 1 }] },
      } as unknown as KrmObject),
    ).toBe(true);
    expect(
      liveHasDesiredFields({ spec: { list: [{ a: 1 }, { a: 2 }] } }, {
        spec: { list: [{ a: 1 }] },
      } as unknown as KrmObject),
    ).toBe(false);
  });

  it("summarises a change set by action", () => {
    const ref = { group: "", kind: "ConfigMap", namespace: "a", name: "b" };
    const summary = summarizeChangeSet([
      { ref: "ConfigMap/a/b", object: ref, action: "created", digest: null },
      { ref: "ConfigMap/a/b", object: ref, action: "conflict", digest: null },
    ]);
    expect(summary).toMatchObject({ created: 1, conflict: 1, unchanged: 0 });
  });

  it("unified diff with context and hunk headers", () => {
    expect(unifiedDiff("a\nb\n", "a\nb\n", "x", "y")).toBe("");
    expect(unifiedDiff("a\nb\n", "a\nc\n", "live", "desired")).toBe(
      "--- live\n+++ desired\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n",
    );
    expect(unifiedDiff("", "a\n", "live", "desired")).toBe("--- live\n+++ desired\n@@ -0,0 +1,1 @@\n+a\n");
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join("\n");
    const after = before.replace("l2\n", "L2\n").replace("l17\n", "L17\n");
    expect(unifiedDiff(before, after, "a", "b").match(/^@@/gm)).toHaveLength(2);
  });

  it("mapConcurrent keeps order and bounds the requests in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapConcurrent(
      Array.from({ length: 50 }, (_, i) => i),
      8,
      async (n) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, (n * 7) % 5));
        inFlight--;
        return n * 2;
      },
    );
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(peak).toBeLessThanOrEqual(8);
  });
});
