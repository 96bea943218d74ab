/**
 * The kube-state-metrics stand-in held to kube-state-metrics' documented format, for a fixture cluster:
 * metric names, types and label names as the kube-state-metrics documentation lists them
 * (https://github.com/kubernetes/kube-state-metrics/tree/main/docs/metrics/workload: pod-metrics.md,
 * deployment-metrics.md, replicaset-metrics.md; the `label_` sanitisation and `--metric-labels-allowlist`
 * from docs/developer/cli-arguments.md), values in the documented units, and the text accepted by
 * Prometheus' own `promtool check metrics`.
 */
import { spawn } from "node:child_process";
import type { V1Deployment, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  type KubeStateObjects,
  renderKubeStateMetrics,
} from "../../pipeline/sandbox/kubeStateMetrics/renderKubeStateMetrics.js";

/** The documented label names of each metric (kube-state-metrics v2 docs), `label_*` aside. */
const DOCUMENTED: Record<string, readonly string[]> = {
  kube_deployment_created: ["namespace", "deployment"],
  kube_deployment_labels: ["namespace", "deployment"],
  kube_deployment_spec_replicas: ["namespace", "deployment"],
  kube_deployment_status_replicas: ["namespace", "deployment"],
  kube_deployment_status_replicas_ready: ["namespace", "deployment"],
  kube_deployment_status_replicas_available: ["namespace", "deployment"],
  kube_deployment_status_replicas_updated: ["namespace", "deployment"],
  kube_deployment_status_observed_generation: ["namespace", "deployment"],
  kube_deployment_metadata_generation: ["namespace", "deployment"],
  kube_replicaset_owner: ["namespace", "replicaset", "owner_kind", "owner_name", "owner_is_controller"],
  kube_replicaset_labels: ["namespace", "replicaset"],
  kube_replicaset_spec_replicas: ["namespace", "replicaset"],
  kube_replicaset_status_ready_replicas: ["namespace", "replicaset"],
  kube_pod_info: [
    "namespace",
    "pod",
    "uid",
    "host_ip",
    "pod_ip",
    "node",
    "created_by_kind",
    "created_by_name",
    "priority_class",
    "host_network",
  ],
  kube_pod_owner: ["namespace", "pod", "uid", "owner_kind", "owner_name", "owner_is_controller"],
  kube_pod_labels: ["namespace", "pod", "uid"],
  kube_pod_status_phase: ["namespace", "pod", "uid", "phase"],
  kube_pod_status_ready: ["namespace", "pod", "uid", "condition"],
  kube_pod_container_status_ready: ["namespace", "pod", "uid", "container"],
  kube_pod_container_resource_requests: ["namespace", "pod", "uid", "container", "node", "resource", "unit"],
  kube_pod_container_resource_limits: ["namespace", "pod", "uid", "container", "node", "resource", "unit"],
};

const labels = {
  "app.kubernetes.io/name": "cart",
  "app.kubernetes.io/version": "2.1.0",
  "intentops.io/revision": "3",
  "team.example.com/owner": "payments",
};

function pod(name: string, ready: boolean): V1Pod {
  return {
    metadata: {
      name,
      namespace: "shop",
      uid: `uid-${name}`,
      labels,
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: "cart-7d9f8b6c5",
          uid: "rs-uid",
          controller: true,
        },
      ],
    },
    spec: {
      nodeName: "kwok-node-0",
      containers: [
        {
          name: "app",
          image: "example/cart:2.1.0",
          resources: {
            requests: { cpu: "250m", memory: "128Mi" },
            limits: { cpu: "500m", memory: "256Mi", "nvidia.com/gpu": "1" },
          },
        },
      ],
    },
    status: {
      phase: "Running",
      hostIP: "127.0.0.1",
      podIP: ready ? "10.244.0.7" : "10.244.0.8",
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
      containerStatuses: [
        { name: "app", ready, restartCount: 0, image: "example/cart:2.1.0", imageID: "", started: true },
      ],
    },
  };
}

const FIXTURE: KubeStateObjects = {
  deployments: [
    {
      metadata: {
        name: "cart",
        namespace: "shop",
        labels,
        generation: 4,
        creationTimestamp: new Date("2026-01-02T03:04:05Z"),
      },
      spec: { replicas: 2, selector: {}, template: {} },
      status: {
        replicas: 2,
        readyReplicas: 1,
        availableReplicas: 1,
        updatedReplicas: 2,
        observedGeneration: 4,
      },
    } as V1Deployment,
  ],
  replicaSets: [
    {
      metadata: {
        name: "cart-7d9f8b6c5",
        namespace: "shop",
        labels,
        ownerReferences: [
          { apiVersion: "apps/v1", kind: "Deployment", name: "cart", uid: "d-uid", controller: true },
        ],
      },
      spec: { replicas: 2, selector: {} },
      status: { replicas: 2, readyReplicas: 1 },
    } as V1ReplicaSet,
  ],
  // Given out of order: the output is sorted.
  pods: [pod("cart-7d9f8b6c5-zz9kq", false), pod("cart-7d9f8b6c5-a1b2c", true)],
};

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: string;
}

/** A small reader of the text format for the assertions (promtool checks the syntax for real below). */
function parse(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP")) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable line: ${line}`);
    const sampleLabels: Record<string, string> = {};
    for (const pair of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      sampleLabels[pair[1]!] = pair[2]!;
    }
    samples.push({ name: m[1]!, labels: sampleLabels, value: m[3]! });
  }
  return { types, samples };
}

function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("promtool", ["check", "metrics"], { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

describe("the kube-state-metrics stand-in for a fixture cluster", () => {
  const allowlist = { pods: ["intentops.io/revision", "app.kubernetes.io/name"] };
  const text = renderKubeStateMetrics(FIXTURE, allowlist);
  const { types, samples } = parse(text);
  const find = (name: string, match: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));

  it("emits only documented metrics, each a gauge with exactly the documented label names", () => {
    expect(new Set(samples.map((s) => s.name))).toEqual(new Set(Object.keys(DOCUMENTED)));
    for (const [name, documented] of Object.entries(DOCUMENTED)) {
      expect(types.get(name), name).toBe("gauge");
      for (const s of find(name)) {
        const names = Object.keys(s.labels).filter((l) => !l.startsWith("label_"));
        expect(names.sort(), name).toEqual([...documented].sort());
      }
    }
  });

  it("converts only allowlisted labels, sanitised to label_<key>; none without an allowlist", () => {
    const podLabels = find("kube_pod_labels", { pod: "cart-7d9f8b6c5-a1b2c" });
    expect(podLabels).toHaveLength(1);
    expect(podLabels[0]!.labels).toEqual({
      namespace: "shop",
      pod: "cart-7d9f8b6c5-a1b2c",
      uid: "uid-cart-7d9f8b6c5-a1b2c",
      label_app_kubernetes_io_name: "cart",
      label_intentops_io_revision: "3",
    });
    expect(find("kube_deployment_labels")[0]!.labels).toEqual({ namespace: "shop", deployment: "cart" });
    const all = parse(renderKubeStateMetrics(FIXTURE, { deployments: ["*"] })).samples;
    expect(all.find((s) => s.name === "kube_deployment_labels")!.labels).toMatchObject({
      label_team_example_com_owner: "payments",
      label_app_kubernetes_io_version: "2.1.0",
    });
    expect(all.find((s) => s.name === "kube_pod_labels")!.labels).toEqual({
      namespace: "shop",
      pod: "cart-7d9f8b6c5-a1b2c",
      uid: "uid-cart-7d9f8b6c5-a1b2c",
    });
  });

  it("gives resources in cores and bytes, other resources as integers, with sanitised resource names", () => {
    const limit = (resource: string) =>
      find("kube_pod_container_resource_limits", { pod: "cart-7d9f8b6c5-a1b2c", resource });
    expect(limit("cpu").map((s) => [s.labels["unit"], s.value])).toEqual([["core", "0.5"]]);
    expect(limit("memory").map((s) => [s.labels["unit"], s.value])).toEqual([["byte", "268435456"]]);
    expect(limit("nvidia_com_gpu").map((s) => [s.labels["unit"], s.value])).toEqual([["integer", "1"]]);
    expect(
      find("kube_pod_container_resource_requests", { pod: "cart-7d9f8b6c5-a1b2c", resource: "cpu" })[0]!
        .value,
    ).toBe("0.25");
    expect(limit("cpu")[0]!.labels).toMatchObject({ container: "app", node: "kwok-node-0" });
  });

  it("writes readiness and phase as one series per value, ownership as owner_* labels", () => {
    const ready = (pod: string) =>
      Object.fromEntries(find("kube_pod_status_ready", { pod }).map((s) => [s.labels["condition"], s.value]));
    expect(ready("cart-7d9f8b6c5-a1b2c")).toEqual({ true: "1", false: "0", unknown: "0" });
    expect(ready("cart-7d9f8b6c5-zz9kq")).toEqual({ true: "0", false: "1", unknown: "0" });
    expect(find("kube_pod_status_phase", { pod: "cart-7d9f8b6c5-a1b2c", phase: "Running" })[0]!.value).toBe(
      "1",
    );
    expect(find("kube_pod_status_phase", { pod: "cart-7d9f8b6c5-a1b2c" })).toHaveLength(5);
    expect(find("kube_pod_owner", { pod: "cart-7d9f8b6c5-a1b2c" })[0]!.labels).toMatchObject({
      owner_kind: "ReplicaSet",
      owner_name: "cart-7d9f8b6c5",
      owner_is_controller: "true",
    });
    expect(find("kube_replicaset_owner")[0]!.labels).toEqual({
      namespace: "shop",
      replicaset: "cart-7d9f8b6c5",
      owner_kind: "Deployment",
      owner_name: "cart",
      owner_is_controller: "true",
    });
    const orphan = parse(
      renderKubeStateMetrics({
        deployments: [],
        replicaSets: [],
        pods: [{ ...pod("bare", true), metadata: { name: "bare", namespace: "shop", uid: "u" } }],
      }),
    ).samples.find((s) => s.name === "kube_pod_owner")!;
    expect(orphan.labels).toMatchObject({
      owner_kind: "<none>",
      owner_name: "<none>",
      owner_is_controller: "<none>",
    });
  });

  it("reports the Deployment's replicas as its status says", () => {
    const value = (name: string) => find(name, { deployment: "cart" })[0]!.value;
    expect(value("kube_deployment_spec_replicas")).toBe("2");
    expect(value("kube_deployment_status_replicas_ready")).toBe("1");
    expect(value("kube_deployment_created")).toBe(String(Date.UTC(2026, 0, 2, 3, 4, 5) / 1000));
  });

  it("is deterministic: objects in any order give the same bytes", () => {
    const reversed = { ...FIXTURE, pods: [...FIXTURE.pods].reverse() };
    expect(renderKubeStateMetrics(reversed, allowlist)).toBe(text);
    // Pods sorted by name: a1b2c before zz9kq.
    const pods = find("kube_pod_info").map((s) => s.labels["pod"]);
    expect(pods).toEqual(["cart-7d9f8b6c5-a1b2c", "cart-7d9f8b6c5-zz9kq"]);
  });

  it("is valid exposition text for Prometheus' promtool", async () => {
    const { code, output } = await promtoolCheck(text);
    expect(output).toBe("");
    expect(code).toBe(0);
  });
});
