/**
 * Sentences operators write, with the intent the embedded parser must draft from each (in a compact form:
 * the delivery parameters and the objectives). Written for this project from the older demo's examples and
 * the example intents in intents/.
 */
export interface Expected {
  id: string;
  sites: string[];
  /** Delivery parameters other than site and targetDescription. */
  params: Record<string, unknown>;
  /** Objectives: key → [condition, value]. */
  targets?: Record<string, [string, string | number]>;
  target?: string;
  notUnderstood?: string[];
  assumptions?: number;
}

const app = (name: string, image = `registry.example.com/${name}:1.0.0`) => ({
  "io:workload": "application",
  "io:appName": name,
  "io:image": image,
});
const slice = (type: string) => ({ "io:workload": "slice", "io:sliceType": type });

export const SENTENCES: ReadonlyArray<readonly [string, Expected]> = [
  [
    "deploy the analytics app version 1.4.0 on edge1 and edge2 with image registry.example.com/analytics:1.4.0, p95 under 100 ms",
    {
      id: "analytics",
      sites: ["edge1", "edge2"],
      params: { ...app("analytics", "registry.example.com/analytics:1.4.0"), "io:appVersion": "1.4.0" },
      targets: { "io:p95Latency": ["quan:smaller", "100 ms"] },
    },
  ],
  [
    "Deploy analytics on both sites, image registry.example.com/analytics:1.0.0, p95 latency below 80ms and error rate under 1%",
    {
      id: "analytics",
      sites: ["edge1", "edge2"],
      params: app("analytics"),
      targets: { "io:p95Latency": ["quan:smaller", "80 ms"], "io:errorRate": ["quan:smaller", "1 %"] },
    },
  ],
  [
    "run the checkout service on edge1 with 3 replicas, image registry.example.com/checkout:1.0.0",
    { id: "checkout", sites: ["edge1"], params: { ...app("checkout"), "io:replicas": 3 } },
  ],
  [
    "Roll out payments on edge2, image registry.example.com/payments:1.0.0, autoscale from 2 to 8, CPU at most 70%",
    {
      id: "payments",
      sites: ["edge2"],
      params: { ...app("payments"), "io:replicas": 2, "io:minReplicas": 2, "io:maxReplicas": 8 },
      targets: { "io:cpuUtilization": ["icm:atMost", "70 %"] },
    },
  ],
  [
    "deploy the search api on all edge sites with image registry.example.com/search:1.0.0 and between 3 and 6 replicas",
    {
      id: "search",
      sites: ["edge1", "edge2"],
      params: { ...app("search"), "io:replicas": 3, "io:minReplicas": 3, "io:maxReplicas": 6 },
    },
  ],
  [
    "analytics service on edge1, image registry.example.com/analytics:1.0.0, memory usage under 85 %, cpu under 80 %",
    {
      id: "analytics",
      sites: ["edge1"],
      params: app("analytics"),
      targets: {
        "io:memoryUtilization": ["quan:smaller", "85 %"],
        "io:cpuUtilization": ["quan:smaller", "80 %"],
      },
    },
  ],
  [
    "deploy web on edge2 with image registry.example.com/web:1.0.0 on port 8080",
    { id: "web", sites: ["edge2"], params: { ...app("web"), "io:port": 8080 } },
  ],
  [
    "deploy the analytics app on edge1 image registry.example.com/analytics:1.0.0 with cpu request 250m, cpu limit 500m, memory request 256Mi and memory limit 512 MiB",
    {
      id: "analytics",
      sites: ["edge1"],
      params: {
        ...app("analytics"),
        "io:cpuRequest": "250m",
        "io:cpuLimit": "500m",
        "io:memoryRequest": "256Mi",
        "io:memoryLimit": "512Mi",
      },
    },
  ],
  [
    "deploy analytics on edge1 and edge2, image registry.example.com/analytics:1.0.0, all pods ready",
    {
      id: "analytics",
      sites: ["edge1", "edge2"],
      params: app("analytics"),
      targets: { "io:podsReady": ["icm:atLeast", "100 %"] },
    },
  ],
  [
    "deploy the video app v2.3.1 to edge1 using image registry.example.com/video:2.3.1, throughput above 200 Mbps",
    {
      id: "video",
      sites: ["edge1"],
      params: { ...app("video", "registry.example.com/video:2.3.1"), "io:appVersion": "2.3.1" },
      targets: { "io:throughput": ["quan:greater", "200 Mbps"] },
    },
  ],
  [
    "deploy analytics on edge1, image registry.example.com/analytics:1.0.0, availability of at least 99.9%",
    {
      id: "analytics",
      sites: ["edge1"],
      params: app("analytics"),
      targets: { "io:availability": ["icm:atLeast", "99.9 %"] },
    },
  ],
  [
    "deploy analytics on edge2 image registry.example.com/analytics:1.0.0 with 99.95 % availability",
    {
      id: "analytics",
      sites: ["edge2"],
      params: app("analytics"),
      targets: { "io:availability": ["icm:atLeast", "99.95 %"] },
    },
  ],
  [
    "deploy analytics on edge1 (image registry.example.com/analytics:1.0.0); the 95th percentile latency must stay under 120 milliseconds",
    {
      id: "analytics",
      sites: ["edge1"],
      params: app("analytics"),
      targets: { "io:p95Latency": ["quan:smaller", "120 ms"] },
    },
  ],
  [
    "deploy analytics on edge1 with image registry.example.com/analytics:1.0.0, latency under 50 ms",
    {
      id: "analytics",
      sites: ["edge1"],
      params: app("analytics"),
      targets: { "io:p95Latency": ["quan:smaller", "50 ms"] },
      assumptions: 1,
    },
  ],
  [
    "deploy analytics on edge1 with image registry.example.com/analytics:1.0.0, less than 0.5% errors",
    {
      id: "analytics",
      sites: ["edge1"],
      params: app("analytics"),
      targets: { "io:errorRate": ["quan:smaller", "0.5 %"] },
    },
  ],
  [
    "deploy analytics to edge1 with image registry.example.com/analytics:1.0.0 in namespace team-a",
    { id: "analytics", sites: ["edge1"], params: { ...app("analytics"), "io:namespace": "team-a" } },
  ],
  [
    "deploy 4 replicas of the billing app on edge2 with image registry.example.com/billing:1.0.0",
    { id: "billing", sites: ["edge2"], params: { ...app("billing"), "io:replicas": 4 } },
  ],
  [
    "deploy the cache service on every site, image registry.example.com/cache:1.0.0",
    { id: "cache", sites: ["edge1", "edge2"], params: app("cache") },
  ],
  [
    "deploy analytics on edge1, image registry.example.com/analytics:1.0.0, p95 ≤ 90 ms, error rate ≤ 2 %",
    {
      id: "analytics",
      sites: ["edge1"],
      params: app("analytics"),
      targets: { "io:p95Latency": ["icm:atMost", "90 ms"], "io:errorRate": ["icm:atMost", "2 %"] },
    },
  ],
  [
    "deploy analytics on edge1, image registry.example.com/analytics:1.0.0, response time at p95 below 0.2 s",
    {
      id: "analytics",
      sites: ["edge1"],
      params: app("analytics"),
      targets: { "io:p95Latency": ["quan:smaller", "0.2 s"] },
    },
  ],
  [
    "deploy analytics on edge1, image registry.example.com/analytics:1.0.0, ram usage no more than 75 percent",
    {
      id: "analytics",
      sites: ["edge1"],
      params: app("analytics"),
      targets: { "io:memoryUtilization": ["icm:atMost", "75 %"] },
    },
  ],
  [
    "deploy analytics on edge1, image registry.example.com/analytics:1.0.0, pods ready at least 90%",
    {
      id: "analytics",
      sites: ["edge1"],
      params: app("analytics"),
      targets: { "io:podsReady": ["icm:atLeast", "90 %"] },
    },
  ],
  [
    "upgrade analytics to version 1.5.0 on edge1 and edge2 with image registry.example.com/analytics:1.5.0 and 5 replicas",
    {
      id: "analytics",
      sites: ["edge1", "edge2"],
      params: {
        ...app("analytics", "registry.example.com/analytics:1.5.0"),
        "io:appVersion": "1.5.0",
        "io:replicas": 5,
      },
    },
  ],
  [
    "deploy an app called inventory on edge1 with image registry.example.com/inventory:1.0.0",
    { id: "inventory", sites: ["edge1"], params: app("inventory") },
  ],
  [
    "please deploy the analytics backend on edge2, image registry.example.com/analytics:1.0.0, with a max of 6 replicas",
    { id: "analytics", sites: ["edge2"], params: { ...app("analytics"), "io:maxReplicas": 6 } },
  ],
  [
    "deploy analytics on edge1, image registry.example.com/analytics:1.0.0, p95 under 100 ms and jitter under 5 ms",
    {
      id: "analytics",
      sites: ["edge1"],
      params: app("analytics"),
      targets: { "io:p95Latency": ["quan:smaller", "100 ms"] },
      notUnderstood: ["jitter under 5 ms"],
    },
  ],
  // Slices.
  [
    "create an eMBB slice on edge1 with 300 Mbps downlink per UE and downlink latency under 20 ms",
    {
      id: "embb-slice-edge1",
      sites: ["edge1"],
      params: slice("eMBB"),
      target: "RAN_SubNetwork",
      targets: {
        "io:dlThroughputPerUe": ["quan:greater", "300 Mbps"],
        "io:dlLatency": ["quan:smaller", "20 ms"],
      },
    },
  ],
  [
    "an eMBB slice at edge1: SD 000001, PLMN 001-01, TACs 0001 and 0002, 300 Mbit/s guaranteed downlink per UE, 50 Mbps uplink per UE, up to 2000 UEs",
    {
      id: "embb-slice-edge1",
      sites: ["edge1"],
      params: {
        ...slice("eMBB"),
        "io:sd": "000001",
        "io:plmn": { "io:mcc": "001", "io:mnc": "01" },
        "io:tac": ["0001", "0002"],
      },
      target: "RAN_SubNetwork",
      targets: {
        "io:dlThroughputPerUe": ["quan:greater", "300 Mbps"],
        "io:ulThroughputPerUe": ["quan:greater", "50 Mbps"],
        "io:maxUes": ["quan:smaller", 2000],
      },
      assumptions: 1,
    },
  ],
  [
    "URLLC slice on the edge2 5G core with 5 ms latency and 99.999% availability",
    {
      id: "urllc-slice-edge2",
      sites: ["edge2"],
      params: slice("URLLC"),
      target: "5GC_SubNetwork",
      targets: {
        "io:dlLatency": ["quan:smaller", "5 ms"],
        "io:ulLatency": ["quan:smaller", "5 ms"],
        "io:availability": ["icm:atLeast", "99.999 %"],
      },
    },
  ],
  [
    "set up a URLLC slice at edge2 with uplink latency below 3 ms and downlink latency below 2 ms",
    {
      id: "urllc-slice-edge2",
      sites: ["edge2"],
      params: slice("URLLC"),
      target: "RAN_SubNetwork",
      targets: { "io:dlLatency": ["quan:smaller", "2 ms"], "io:ulLatency": ["quan:smaller", "3 ms"] },
    },
  ],
  [
    "mMTC slice on edge1 for 50,000 devices",
    {
      id: "miot-slice-edge1",
      sites: ["edge1"],
      params: slice("MIoT"),
      target: "RAN_SubNetwork",
      targets: { "io:maxUes": ["quan:smaller", 50000] },
      assumptions: 1,
    },
  ],
  [
    "eMBB slice on both edge sites, downlink throughput at least 100 Mbps per UE",
    {
      id: "embb-slice-edge1-edge2",
      sites: ["edge1", "edge2"],
      params: slice("eMBB"),
      target: "RAN_SubNetwork",
      targets: { "io:dlThroughputPerUe": ["quan:greater", "100 Mbps"] },
      assumptions: 1,
    },
  ],
  [
    "a URLLC slice on edge2's core network, SD 00000a, PLMN 001/01, TAC 0010, 5QI 82",
    {
      id: "urllc-slice-edge2",
      sites: ["edge2"],
      params: {
        ...slice("URLLC"),
        "io:sd": "00000a",
        "io:plmn": { "io:mcc": "001", "io:mnc": "01" },
        "io:tac": ["0010"],
        "io:fiveQI": 82,
      },
      target: "5GC_SubNetwork",
    },
  ],
  [
    "embb slice on edge1 RAN with throughput over 1 Gbps",
    {
      id: "embb-slice-edge1",
      sites: ["edge1"],
      params: slice("eMBB"),
      target: "RAN_SubNetwork",
      targets: { "io:dlThroughputPerUe": ["quan:greater", "1 Gbps"] },
    },
  ],
  [
    "V2X slice on edge2 with end-to-end latency under 10 ms",
    {
      id: "v2x-slice-edge2",
      sites: ["edge2"],
      params: slice("V2X"),
      target: "RAN_SubNetwork",
      targets: { "io:dlLatency": ["quan:smaller", "10 ms"], "io:ulLatency": ["quan:smaller", "10 ms"] },
      assumptions: 1,
    },
  ],
  [
    "eMBB slice on edge1 with fewer than 500 users and 20 ms downlink latency",
    {
      id: "embb-slice-edge1",
      sites: ["edge1"],
      params: slice("eMBB"),
      target: "RAN_SubNetwork",
      targets: { "io:maxUes": ["quan:smaller", 500], "io:dlLatency": ["quan:smaller", "20 ms"] },
    },
  ],
  [
    "URLLC slice on edge1, uplink throughput above 10 Mbps per user",
    {
      id: "urllc-slice-edge1",
      sites: ["edge1"],
      params: slice("URLLC"),
      target: "RAN_SubNetwork",
      targets: { "io:ulThroughputPerUe": ["quan:greater", "10 Mbps"] },
    },
  ],
  [
    "deploy the analytics app on edge1 and edge2 with image registry.example.com/analytics:1.0.0 and 3 replicas, p95 under 100 ms, error rate under 1 %, CPU under 80 %, memory under 85 % and all pods ready",
    {
      id: "analytics",
      sites: ["edge1", "edge2"],
      params: { ...app("analytics"), "io:replicas": 3 },
      targets: {
        "io:p95Latency": ["quan:smaller", "100 ms"],
        "io:errorRate": ["quan:smaller", "1 %"],
        "io:cpuUtilization": ["quan:smaller", "80 %"],
        "io:memoryUtilization": ["quan:smaller", "85 %"],
        "io:podsReady": ["icm:atLeast", "100 %"],
      },
    },
  ],
  [
    "run maps on edge2 image registry.example.com/maps:1.0.0 scaling between 1 and 4 pods with p95 latency should be under 250 ms",
    {
      id: "maps",
      sites: ["edge2"],
      params: { ...app("maps"), "io:replicas": 1, "io:minReplicas": 1, "io:maxReplicas": 4 },
      targets: { "io:p95Latency": ["quan:smaller", "250 ms"] },
    },
  ],
  [
    "launch the recommender service everywhere with image registry.example.com/recommender:1.0.0, p95 < 150ms",
    {
      id: "recommender",
      sites: ["edge1", "edge2"],
      params: app("recommender"),
      targets: { "io:p95Latency": ["quan:smaller", "150 ms"] },
    },
  ],
  [
    "deploy the analytics app on edge1 with image registry.example.com/analytics:1.0.0 and replicas: 2, errors < 0.1 %",
    {
      id: "analytics",
      sites: ["edge1"],
      params: { ...app("analytics"), "io:replicas": 2 },
      targets: { "io:errorRate": ["quan:smaller", "0.1 %"] },
    },
  ],
];

/** Sentences the parser must refuse (or only partly read), with the problem codes it must give. */
export const REFUSED: ReadonlyArray<readonly [string, string[]]> = [
  ["deploy analytics on edge3 with image registry.example.com/analytics:1.0.0", ["E_NL_UNKNOWN_SITE"]],
  [
    "deploy analytics on edge1 and edge9 with image registry.example.com/analytics:1.0.0",
    ["E_NL_UNKNOWN_SITE"],
  ],
  ["deploy analytics with image registry.example.com/analytics:1.0.0, p95 under 100 ms", ["E_NL_NO_SITE"]],
  ["make it fast on edge1", ["E_NL_NO_WORKLOAD"]],
  ["deploy analytics on edge1", ["E_NL_NO_IMAGE"]],
  [
    "deploy analytics on edge1 with image registry.example.com/analytics:1.0.0, p99 latency under 200 ms",
    ["E_NL_UNSUPPORTED"],
  ],
  [
    "deploy analytics on edge1 with image registry.example.com/analytics:1.0.0, p95 under 100 ms and p95 under 50 ms",
    ["E_NL_TWICE"],
  ],
  ["eMBB and URLLC slices on edge1", ["E_NL_AMBIGUOUS"]],
  ["", ["E_NL_EMPTY"]],
  ["deploy analytics on cluster7 with image registry.example.com/analytics:1.0.0", ["E_NL_UNKNOWN_SITE"]],
];
