/**
 * waitForHealth's pass logic with the API server's answers scripted through the injected `kube` dependency:
 * an HPA that acts on a raised `minReplicas` only at its next sync, then scales its Deployment up — the
 * sequence the kube-controller-manager produces (the scale first, the HPA's status after it). The real
 * control plane runs the same sequence in test/e2e/closedLoop.test.ts' CPU scale case.
 */
import { describe, expect, it } from "vitest";
import type { KubeClient, KubeRequest } from "../../pipeline/reconcile/kubeClient.js";
import { RestMapper } from "../../pipeline/reconcile/restMapper.js";
import { waitForHealth } from "../../pipeline/reconcile/waitForHealth.js";

const DISCOVERY: Record<string, unknown> = {
  "/apis/apps/v1": { resources: [{ name: "deployments", kind: "Deployment", namespaced: true }] },
  "/apis/autoscaling/v2": {
    resources: [{ name: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler", namespaced: true }],
  },
};

/** A cluster whose Deployment runs `replicas` ready pods and whose HPA (min 5) acts on its `sync`-th read. */
function cluster(sync: number) {
  let replicas = 3;
  let hpaReads = 0;
  const reads: string[] = [];
  const deployment = () => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "app", namespace: "n", generation: replicas === 3 ? 1 : 2 },
    spec: { replicas },
    status: {
      observedGeneration: replicas === 3 ? 1 : 2,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    },
  });
  const hpa = () => ({
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "app", namespace: "n", generation: 2 },
    spec: { minReplicas: 5, maxReplicas: 10, scaleTargetRef: { kind: "Deployment", name: "app" } },
    status: { currentReplicas: 3, desiredReplicas: replicas },
  });
  const kube: KubeClient = {
    server: "https://127.0.0.1:1",
    close: () => undefined,
    async request(req: KubeRequest) {
      if (DISCOVERY[req.path]) return { status: 200, body: DISCOVERY[req.path] as Record<string, unknown> };
      if (req.path.includes("/horizontalpodautoscalers/")) {
        reads.push("hpa");
        // The controller's sync: the target scaled to the minimum, then the HPA's status written.
        if (++hpaReads === sync) replicas = 5;
        return { status: 200, body: hpa() };
      }
      reads.push("deployment");
      return { status: 200, body: deployment() };
    },
  };
  return { kube, reads };
}

const TARGETS = [
  { group: "apps", apiVersion: "apps/v1", kind: "Deployment", namespace: "n", name: "app" },
  {
    group: "autoscaling",
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    namespace: "n",
    name: "app",
  },
];

describe("waitForHealth", () => {
  it("GIVEN an HPA whose raised minimum is not yet acted on WHEN waited for THEN not healthy until its Deployment runs the new count", async () => {
    const { kube, reads } = cluster(3);
    let t = 0;
    const report = await waitForHealth(
      { targets: TARGETS, timeoutMs: 5_000, intervalMs: 100, concurrency: 1 },
      {
        kube,
        mapper: new RestMapper(kube),
        now: () => t,
        sleep: async (ms) => {
          t += ms;
        },
      },
    );
    // The Deployment reads Current at 3 replicas first; the HPA is InProgress until its sync, then the
    // confirming pass finds the Deployment scaled to 5 with 3 updated pods — InProgress, never healthy.
    expect(report.result).toBe("timeout");
    expect(report.objects.map((o) => o.status)).toEqual(["InProgress", "Current"]);
    expect(report.objects[0]!.message).toBe("Updated: 3/5");
    expect(report.timeline.map((e) => `${e.ref} ${e.status}`)).toEqual([
      "Deployment/n/app Current",
      "HorizontalPodAutoscaler/n/app InProgress",
      "HorizontalPodAutoscaler/n/app Current",
      "Deployment/n/app InProgress",
    ]);
    expect(reads.slice(0, 5)).toEqual(["deployment", "hpa", "hpa", "hpa", "deployment"]);
  });

  it("GIVEN every object Current on the first read WHEN waited for THEN healthy after that one pass", async () => {
    const { kube, reads } = cluster(1);
    const report = await waitForHealth(
      { targets: [TARGETS[1]!], timeoutMs: 5_000, intervalMs: 100 },
      { kube, mapper: new RestMapper(kube), sleep: async () => undefined },
    );
    expect(report.result).toBe("healthy");
    expect(reads).toEqual(["hpa"]);
  });
});
