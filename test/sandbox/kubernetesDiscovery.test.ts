/**
 * The sandbox's Kubernetes discovery (served over HTTP SD) gives the targets and `__meta_kubernetes_*`
 * labels that Prometheus' `kubernetes_sd_configs` documents for roles `endpoints` and `node`.
 */
import type { V1Endpoints, V1Node, V1Pod, V1Service } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { endpointsTargets, nodeTargets } from "../../pipeline/sandbox/kubernetesDiscovery.js";

const labels = { "app.kubernetes.io/name": "analytics", "intentops.io/revision": "2" };

const service: V1Service = {
  metadata: {
    name: "analytics",
    namespace: "edge-analytics",
    labels: { "app.kubernetes.io/name": "analytics" },
  },
};
const pod = (name: string, ip: string, ready: boolean): V1Pod => ({
  metadata: {
    name,
    namespace: "edge-analytics",
    uid: `uid-${name}`,
    labels,
    ownerReferences: [
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: "analytics-5f6d", uid: "rs", controller: true },
    ],
  },
  spec: {
    nodeName: "kwok-node-0",
    containers: [{ name: "app", ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }] }],
  },
  status: {
    phase: "Running",
    podIP: ip,
    hostIP: "127.0.0.1",
    conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
  },
});
const endpoints: V1Endpoints = {
  metadata: { name: "analytics", namespace: "edge-analytics" },
  subsets: [
    {
      addresses: [
        {
          ip: "10.244.0.7",
          nodeName: "kwok-node-0",
          targetRef: { kind: "Pod", name: "analytics-5f6d-a", namespace: "edge-analytics" },
        },
      ],
      notReadyAddresses: [
        {
          ip: "10.244.0.8",
          nodeName: "kwok-node-0",
          targetRef: { kind: "Pod", name: "analytics-5f6d-b", namespace: "edge-analytics" },
        },
      ],
      ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    },
  ],
};

describe("Kubernetes discovery over HTTP SD", () => {
  it("role endpoints: one target per address and port, with the endpoint's, Service's and pod's meta labels", () => {
    const groups = endpointsTargets(
      [endpoints],
      [service],
      [pod("analytics-5f6d-a", "10.244.0.7", true), pod("analytics-5f6d-b", "10.244.0.8", false)],
    );
    expect(groups.map((g) => g.targets)).toEqual([["10.244.0.7:8080"], ["10.244.0.8:8080"]]);
    expect(groups[0]!.labels).toMatchObject({
      __meta_kubernetes_namespace: "edge-analytics",
      __meta_kubernetes_endpoints_name: "analytics",
      __meta_kubernetes_service_name: "analytics",
      __meta_kubernetes_service_label_app_kubernetes_io_name: "analytics",
      __meta_kubernetes_service_labelpresent_app_kubernetes_io_name: "true",
      __meta_kubernetes_endpoint_port_name: "http",
      __meta_kubernetes_endpoint_port_protocol: "TCP",
      __meta_kubernetes_endpoint_ready: "true",
      __meta_kubernetes_endpoint_node_name: "kwok-node-0",
      __meta_kubernetes_endpoint_address_target_kind: "Pod",
      __meta_kubernetes_endpoint_address_target_name: "analytics-5f6d-a",
      __meta_kubernetes_pod_name: "analytics-5f6d-a",
      __meta_kubernetes_pod_ip: "10.244.0.7",
      __meta_kubernetes_pod_ready: "true",
      __meta_kubernetes_pod_phase: "Running",
      __meta_kubernetes_pod_node_name: "kwok-node-0",
      __meta_kubernetes_pod_uid: "uid-analytics-5f6d-a",
      __meta_kubernetes_pod_label_intentops_io_revision: "2",
      __meta_kubernetes_pod_labelpresent_intentops_io_revision: "true",
      __meta_kubernetes_pod_container_name: "app",
      __meta_kubernetes_pod_container_port_name: "http",
      __meta_kubernetes_pod_container_port_number: "8080",
      __meta_kubernetes_pod_controller_kind: "ReplicaSet",
      __meta_kubernetes_pod_controller_name: "analytics-5f6d",
    });
    expect(groups[1]!.labels).toMatchObject({
      __meta_kubernetes_endpoint_ready: "false",
      __meta_kubernetes_pod_ready: "false",
    });
    // Every label is a valid Prometheus label name.
    for (const g of groups)
      for (const name of Object.keys(g.labels)) expect(name).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
  });

  it("role node: the node's InternalIP and kubelet port, its labels and addresses", () => {
    const node: V1Node = {
      metadata: { name: "kwok-node-0", labels: { type: "kwok", "kubernetes.io/hostname": "kwok-node-0" } },
      status: {
        addresses: [
          { type: "InternalIP", address: "127.0.0.1" },
          { type: "Hostname", address: "kwok-node-0" },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 40123 } },
      },
    };
    const noPort: V1Node = {
      metadata: { name: "unready" },
      status: { addresses: [{ type: "InternalIP", address: "127.0.0.1" }] },
    };
    expect(nodeTargets([node, noPort])).toEqual([
      {
        targets: ["127.0.0.1:40123"],
        labels: {
          __meta_kubernetes_node_name: "kwok-node-0",
          __meta_kubernetes_node_label_type: "kwok",
          __meta_kubernetes_node_labelpresent_type: "true",
          __meta_kubernetes_node_label_kubernetes_io_hostname: "kwok-node-0",
          __meta_kubernetes_node_labelpresent_kubernetes_io_hostname: "true",
          __meta_kubernetes_node_address_InternalIP: "127.0.0.1",
          __meta_kubernetes_node_address_Hostname: "kwok-node-0",
        },
      },
    ]);
  });
});
