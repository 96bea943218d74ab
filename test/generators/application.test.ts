import { describe, expect, it } from "vitest";
import type { GeneratedObject } from "../../functions/generators/index.js";
import { generatePackage } from "../../functions/generators/index.js";
import { appIntent, codeOf, EDGE1, errorOf, field, OS1 } from "./support/compiledIntent.js";

const byKind = (objects: GeneratedObject[], kind: string): GeneratedObject => {
  const found = objects.find((o) => o.kind === kind);
  if (found === undefined) throw new Error(`no ${kind}`);
  return found;
};

describe("application generator", () => {
  it("emits the application kinds, sorted by group/version/kind/namespace/name", () => {
    const pkg = generatePackage(appIntent({ minReplicas: 2, maxReplicas: 5 }), EDGE1);
    expect(pkg.objects.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual([
      "v1 ConfigMap",
      "v1 Namespace",
      "v1 Service",
      "apps/v1 Deployment",
      "autoscaling/v2 HorizontalPodAutoscaler",
      "monitoring.coreos.com/v1 PrometheusRule",
      "monitoring.coreos.com/v1 ServiceMonitor",
      "networking.k8s.io/v1 NetworkPolicy",
      "policy/v1 PodDisruptionBudget",
    ]);
    for (const o of pkg.objects) {
      if (o.kind !== "Namespace") expect(o.metadata.namespace).toBe("demo");
    }
  });

  it("builds the Deployment from the intent: image, port, resources, probe, labels", () => {
    const pkg = generatePackage(
      appIntent({
        applicationVersion: "1.2.3",
        servicePort: 9000,
        replicas: 3,
        cpuRequest: "250m",
        memoryRequest: "256Mi",
        cpuLimit: "1",
        memoryLimit: "512Mi",
      }),
      EDGE1,
    );
    const deployment = byKind(pkg.objects, "Deployment");
    expect(deployment.metadata.name).toBe("shop");
    expect(field(deployment, "spec.replicas")).toBe(3);
    const container = (field(deployment, "spec.template.spec.containers") as unknown[])[0];
    expect(field(container, "image")).toBe("registry.example.com/shop:1.2.3");
    expect(field(container, "ports")).toEqual([{ name: "http", containerPort: 9000, protocol: "TCP" }]);
    expect(field(container, "resources")).toEqual({
      requests: { cpu: "250m", memory: "256Mi" },
      limits: { cpu: "1", memory: "512Mi" },
    });
    expect(field(container, "readinessProbe.tcpSocket.port")).toBe("http");
    expect(deployment.metadata.labels).toMatchObject({
      "app.kubernetes.io/name": "shop",
      "app.kubernetes.io/instance": "shop",
      "app.kubernetes.io/version": "1.2.3",
      "app.kubernetes.io/managed-by": "intentops",
    });
    expect(field(deployment, "spec.selector.matchLabels")).toEqual({
      "app.kubernetes.io/name": "shop",
      "app.kubernetes.io/instance": "shop",
    });
    expect(byKind(pkg.objects, "ConfigMap").data).toMatchObject({ APP_VERSION: "1.2.3", APP_PORT: "9000" });
    expect(field(byKind(pkg.objects, "Service"), "spec.ports")).toEqual([
      { name: "http", port: 9000, targetPort: "http", protocol: "TCP" },
    ]);
    expect(field(byKind(pkg.objects, "NetworkPolicy"), "spec.ingress")).toEqual([
      { ports: [{ protocol: "TCP", port: 9000 }] },
    ]);
    expect(field(byKind(pkg.objects, "PodDisruptionBudget"), "spec.maxUnavailable")).toBe(1);
  });

  it("has no HPA without autoscaling bounds or a CPU target, and then sets replicas (default 1)", () => {
    const pkg = generatePackage(appIntent({}, [], "edge1"), EDGE1, { sloDefaults: false });
    expect(pkg.objects.some((o) => o.kind === "HorizontalPodAutoscaler")).toBe(false);
    expect(field(byKind(pkg.objects, "Deployment"), "spec.replicas")).toBe(1);
  });

  it("derives the HPA CPU target from the cpuUtilization SLO, limit-relative, with 80% headroom", () => {
    const pkg = generatePackage(
      appIntent({ cpuRequest: "500m", cpuLimit: "1000m", replicas: 2 }, [
        ["cpuUtilization", "IS_LESS_THAN", 70],
      ]),
      EDGE1,
    );
    const hpa = byKind(pkg.objects, "HorizontalPodAutoscaler");
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "shop" },
      minReplicas: 2,
      maxReplicas: 4,
      // 70 % of the limit = 140 % of the request; × 0.8 = 112.
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 112 } },
        },
      ],
    });
    // The HPA owns the replica count.
    expect(field(byKind(pkg.objects, "Deployment"), "spec.replicas")).toBeUndefined();
  });

  it("uses min/maxReplicas as given", () => {
    const pkg = generatePackage(appIntent({ minReplicas: 3, maxReplicas: 10 }), EDGE1);
    const hpa = byKind(pkg.objects, "HorizontalPodAutoscaler");
    expect(field(hpa, "spec.minReplicas")).toBe(3);
    expect(field(hpa, "spec.maxReplicas")).toBe(10);
    expect(field(hpa, "spec.metrics")).toEqual([
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 64 } },
      },
    ]);
  });

  it("refuses a missing image with E_GEN_MISSING_PARAM naming subject and expectation", () => {
    const compiled = appIntent({ containerImage: [] as unknown as string });
    const error = errorOf(() => generatePackage(compiled, EDGE1));
    expect(error.code).toBe("E_GEN_INVALID_PARAM");
    const missing = appIntent();
    const contexts = missing.spec.intent.intentExpectations[0]?.expectationObject.objectContexts ?? [];
    missing.spec.intent.intentExpectations[0]!.expectationObject.objectContexts = contexts.filter(
      (c) => c.contextAttribute !== "containerImage",
    );
    const e = errorOf(() => generatePackage(missing, EDGE1));
    expect(e.code).toBe("E_GEN_MISSING_PARAM");
    expect(e.subject).toBe("edge1/demo");
    expect(e.expectationId).toBe("deliver-app");
    expect(e.message).toContain("edge1/demo");
    expect(e.message).toContain("containerImage");
  });

  it("refuses minReplicas above maxReplicas", () => {
    expect(codeOf(() => generatePackage(appIntent({ minReplicas: 5, maxReplicas: 2 }), EDGE1))).toBe(
      "E_GEN_INVALID_PARAM",
    );
  });

  it("refuses an application on an OpenStack site", () => {
    const compiled = appIntent({}, [], "os1");
    expect(codeOf(() => generatePackage(compiled, OS1))).toBe("E_GEN_UNSUPPORTED");
  });

  it("does not create a Namespace object for a system namespace", () => {
    const pkg = generatePackage(appIntent({ namespace: "default" }), EDGE1);
    expect(pkg.objects.some((o) => o.kind === "Namespace")).toBe(false);
    expect(byKind(pkg.objects, "Deployment").metadata.namespace).toBe("default");
  });
});
