/**
 * The intentops vocabulary: every `io:` parameter the JSON-LD profile accepts, and what it becomes in
 * TS 28.312. One table, read by the compiler (input → 28.312), by the generators (28.312 → objects), by the
 * SLO stage (targets → PromQL) and by the docs test, so the meaning of a parameter is written down once.
 *
 * Delivery parameters become `objectContexts` of a DELIVER expectation; property parameters become
 * `expectationTargets` of an ENSURE expectation. Values are normalised to the canonical unit named here, so
 * a 28.312 number never needs a unit next to it. Where TS 28.312 / TS 28.541 define the attribute (e.g.
 * `DlLatency`, `DlThptPerUE`, `CoverageAreaTac`), its 3GPP name and value type are used.
 */
import type { Condition, ObjectType } from "./types.js";

/** How a parameter's value is read and normalised. */
export type ValueKind =
  /** A duration, normalised to `unit` (`ms` or `s`). */
  | { kind: "duration"; unit: "ms" | "s"; integer?: boolean }
  /** A bit rate, normalised to `unit`. */
  | { kind: "rate"; unit: "kbps" | "Mbps" }
  /** A ratio in percent (0–100); `ratio` inputs (0–1) are scaled. */
  | { kind: "percent" }
  /** A whole number in [min, max]. */
  | { kind: "integer"; min: number; max: number }
  /** A string matching `pattern` (a JS regular expression source). */
  | { kind: "string"; pattern?: string; maxLength?: number; enum?: readonly string[] }
  /**
   * A non-empty list of strings, each matching `pattern`, sorted and unique. One item becomes a single
   * IS_EQUAL_TO value unless `alwaysList` (the 3GPP type is a list, e.g. CoverageTACContext).
   */
  | { kind: "stringList"; pattern?: string; maxItems: number; alwaysList?: boolean }
  /** A TS 28.623 PlmnId `{ mcc, mnc }`. */
  | { kind: "plmnId" }
  /** TS 28.541 XLThpt `{ guaThpt, maxThpt }` in kbps. */
  | { kind: "xlThpt" }
  /** The web/app/db tiers of a stack: a list of `{ name, count, flavor, image?, subnetCidr, volumeGiB? }`. */
  | { kind: "tiers" };

export interface DeliveryParam {
  /** Compact IRI in the input (`io:…`). */
  key: string;
  /** `contextAttribute` in the output. */
  attribute: string;
  value: ValueKind;
  objectTypes: readonly ObjectType[];
  /** Workload kinds (`io:workload`) the parameter belongs to; absent = all. */
  workloads?: readonly WorkloadKind[];
  required?: boolean;
  doc: string;
}

export interface PropertyParam {
  key: string;
  /** `targetName` in the output. */
  targetName: string;
  value: ValueKind;
  /** Conditions the target may use; the first is what `icm:value` maps to. */
  conditions: readonly Condition[];
  objectTypes: readonly ObjectType[];
  /** Whether TS 28.312 defines this target (its name and value type are then the 3GPP ones). */
  standard: boolean;
  doc: string;
}

export const WORKLOAD_KINDS = ["application", "dnsRecord", "webAppStack", "slice"] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

const EDGE: readonly ObjectType[] = ["EdgeService_Support"];
const SLICE: readonly ObjectType[] = ["RAN_SubNetwork", "5GC_SubNetwork"];
const ALL: readonly ObjectType[] = ["EdgeService_Support", "RAN_SubNetwork", "5GC_SubNetwork"];

export const DNS_LABEL = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";
const K8S_QUANTITY = "^[0-9]+(\\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$";
const IMAGE_REF = "^[a-z0-9][a-z0-9._/:@-]{0,254}$";
const FQDN = "^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}\\.?$";
const CIDR4 =
  "^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}/(3[0-2]|[12]?[0-9])$";
const TAC = "^([A-Fa-f0-9]{4}|[A-Fa-f0-9]{6})$";

export const DELIVERY_PARAMS: readonly DeliveryParam[] = [
  {
    key: "io:site",
    attribute: "edgeIdentificationId",
    value: { kind: "stringList", pattern: DNS_LABEL, maxItems: 64 },
    objectTypes: ALL,
    required: true,
    doc: "Target site id(s) from intents/sites.yaml. One site: IS_EQUAL_TO; several: IS_ALL_OF.",
  },
  {
    key: "io:workload",
    attribute: "workloadKind",
    value: { kind: "string", enum: WORKLOAD_KINDS },
    objectTypes: ALL,
    doc: "What is delivered: application | dnsRecord | webAppStack (EdgeService_Support), slice (RAN/5GC).",
  },
  {
    key: "io:appName",
    attribute: "applicationName",
    value: { kind: "string", pattern: DNS_LABEL },
    objectTypes: EDGE,
    workloads: ["application", "webAppStack", "dnsRecord"],
    doc: "Name of the application or stack; object names derive from it.",
  },
  {
    key: "io:appVersion",
    attribute: "applicationVersion",
    value: { kind: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$" },
    objectTypes: EDGE,
    workloads: ["application"],
    doc: "Version label of the application (app.kubernetes.io/version).",
  },
  {
    key: "io:namespace",
    attribute: "namespace",
    value: { kind: "string", pattern: DNS_LABEL },
    objectTypes: ALL,
    doc: "Kubernetes namespace; default: the intent id.",
  },
  {
    key: "io:image",
    attribute: "containerImage",
    value: { kind: "string", pattern: IMAGE_REF },
    objectTypes: EDGE,
    workloads: ["application", "webAppStack"],
    doc: "Container image (application) or default server image name (webAppStack).",
  },
  {
    key: "io:replicas",
    attribute: "replicas",
    value: { kind: "integer", min: 0, max: 1000 },
    objectTypes: EDGE,
    workloads: ["application"],
    doc: "Desired replicas (the HPA minimum when autoscaling is set).",
  },
  {
    key: "io:minReplicas",
    attribute: "minReplicas",
    value: { kind: "integer", min: 1, max: 1000 },
    objectTypes: EDGE,
    workloads: ["application"],
    doc: "Autoscaling lower bound.",
  },
  {
    key: "io:maxReplicas",
    attribute: "maxReplicas",
    value: { kind: "integer", min: 1, max: 1000 },
    objectTypes: EDGE,
    workloads: ["application"],
    doc: "Autoscaling upper bound.",
  },
  {
    key: "io:port",
    attribute: "servicePort",
    value: { kind: "integer", min: 1, max: 65535 },
    objectTypes: EDGE,
    workloads: ["application", "webAppStack"],
    doc: "Container and Service port (application); the app tier's port (webAppStack).",
  },
  {
    key: "io:cpuRequest",
    attribute: "cpuRequest",
    value: { kind: "string", pattern: K8S_QUANTITY },
    objectTypes: EDGE,
    workloads: ["application"],
    doc: "CPU request per pod (Kubernetes quantity).",
  },
  {
    key: "io:memoryRequest",
    attribute: "memoryRequest",
    value: { kind: "string", pattern: K8S_QUANTITY },
    objectTypes: EDGE,
    workloads: ["application"],
    doc: "Memory request per pod (Kubernetes quantity).",
  },
  {
    key: "io:cpuLimit",
    attribute: "cpuLimit",
    value: { kind: "string", pattern: K8S_QUANTITY },
    objectTypes: EDGE,
    workloads: ["application"],
    doc: "CPU limit per pod; CPU utilisation targets are measured against it.",
  },
  {
    key: "io:memoryLimit",
    attribute: "memoryLimit",
    value: { kind: "string", pattern: K8S_QUANTITY },
    objectTypes: EDGE,
    workloads: ["application"],
    doc: "Memory limit per pod; memory utilisation targets are measured against it.",
  },
  {
    key: "io:dnsName",
    attribute: "dnsName",
    value: { kind: "string", pattern: FQDN },
    objectTypes: EDGE,
    workloads: ["dnsRecord"],
    doc: "Fully qualified record name.",
  },
  {
    key: "io:recordType",
    attribute: "dnsRecordType",
    value: { kind: "string", enum: ["A", "AAAA", "CNAME", "TXT"] },
    objectTypes: EDGE,
    workloads: ["dnsRecord"],
    doc: "DNS record type.",
  },
  {
    key: "io:recordTargets",
    attribute: "dnsRecordTargets",
    value: { kind: "stringList", maxItems: 32, pattern: "^[^\\s\\u0000]{1,255}$", alwaysList: true },
    objectTypes: EDGE,
    workloads: ["dnsRecord"],
    doc: "Record values (addresses, a canonical name, or text).",
  },
  {
    key: "io:ttl",
    attribute: "dnsTtl",
    value: { kind: "duration", unit: "s", integer: true },
    objectTypes: EDGE,
    workloads: ["dnsRecord"],
    doc: "Record TTL, in seconds.",
  },
  {
    key: "io:networkCidr",
    attribute: "networkCidr",
    value: { kind: "string", pattern: CIDR4 },
    objectTypes: EDGE,
    workloads: ["webAppStack"],
    doc: "Address range of the stack's network.",
  },
  {
    key: "io:externalNetwork",
    attribute: "externalNetwork",
    value: { kind: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$" },
    objectTypes: EDGE,
    workloads: ["webAppStack"],
    doc: "Name of the provider network the stack's router uses as gateway.",
  },
  {
    key: "io:tiers",
    attribute: "tier",
    value: { kind: "tiers" },
    objectTypes: EDGE,
    workloads: ["webAppStack"],
    doc: "Tiers of the stack; each becomes contexts tier.<name>.count|flavor|image|subnetCidr|volumeGiB.",
  },
  {
    key: "io:sliceType",
    attribute: "sliceType",
    value: { kind: "string", enum: ["eMBB", "URLLC", "MIoT", "V2X", "HMTC"] },
    objectTypes: SLICE,
    doc: "Slice/Service Type (TS 23.501 clause 5.15.2.2); the SST value derives from it.",
  },
  {
    key: "io:sd",
    attribute: "sliceDifferentiator",
    value: { kind: "string", pattern: "^[A-Fa-f0-9]{6}$" },
    objectTypes: SLICE,
    doc: "Slice Differentiator (6 hex digits) of the S-NSSAI.",
  },
  {
    key: "io:plmn",
    attribute: "plmnId",
    value: { kind: "plmnId" },
    objectTypes: SLICE,
    doc: "PLMN identity { mcc, mnc } (TS 28.623 PlmnId).",
  },
  {
    key: "io:tac",
    attribute: "CoverageAreaTac",
    value: { kind: "stringList", pattern: TAC, maxItems: 256, alwaysList: true },
    objectTypes: SLICE,
    doc: "Tracking area codes the slice covers (TS 28.312 CoverageTACContext).",
  },
  {
    key: "io:fiveQI",
    attribute: "fiveQI",
    value: { kind: "integer", min: 1, max: 255 },
    objectTypes: SLICE,
    doc: "Explicit 5QI; default: derived from the slice type by the documented table.",
  },
];

const LESS: readonly Condition[] = ["IS_LESS_THAN", "IS_EQUAL_TO_OR_LESS_THAN", "IS_WITHIN_RANGE"];
const MORE: readonly Condition[] = ["IS_GREATER_THAN", "IS_EQUAL_TO_OR_GREATER_THAN", "IS_WITHIN_RANGE"];

export const PROPERTY_PARAMS: readonly PropertyParam[] = [
  {
    key: "io:p95Latency",
    targetName: "p95Latency",
    value: { kind: "duration", unit: "ms" },
    conditions: LESS,
    objectTypes: EDGE,
    standard: false,
    doc: "95th percentile of request latency, in ms.",
  },
  {
    key: "io:errorRate",
    targetName: "errorRate",
    value: { kind: "percent" },
    conditions: LESS,
    objectTypes: EDGE,
    standard: false,
    doc: "Share of failed requests, in percent.",
  },
  {
    key: "io:cpuUtilization",
    targetName: "cpuUtilization",
    value: { kind: "percent" },
    conditions: LESS,
    objectTypes: EDGE,
    standard: false,
    doc: "CPU used / CPU limit (or request), in percent.",
  },
  {
    key: "io:memoryUtilization",
    targetName: "memoryUtilization",
    value: { kind: "percent" },
    conditions: LESS,
    objectTypes: EDGE,
    standard: false,
    doc: "Memory used / memory limit (or request), in percent.",
  },
  {
    key: "io:podsReady",
    targetName: "podsReady",
    value: { kind: "percent" },
    conditions: MORE,
    objectTypes: EDGE,
    standard: false,
    doc: "Ready pods / desired pods, in percent.",
  },
  {
    key: "io:throughput",
    targetName: "throughput",
    value: { kind: "rate", unit: "Mbps" },
    conditions: MORE,
    objectTypes: EDGE,
    standard: false,
    doc: "Served throughput, in Mbit/s.",
  },
  {
    key: "io:availability",
    targetName: "availability",
    value: { kind: "percent" },
    conditions: MORE,
    objectTypes: ALL,
    standard: false,
    doc: "Share of time the service is up, in percent.",
  },
  {
    key: "io:dlLatency",
    targetName: "DlLatency",
    value: { kind: "duration", unit: "ms", integer: true },
    conditions: ["IS_LESS_THAN"],
    objectTypes: ALL,
    standard: true,
    doc: "TS 28.312 DLLatencyTarget: downlink latency, integer ms, IS_LESS_THAN.",
  },
  {
    key: "io:ulLatency",
    targetName: "UlLatency",
    value: { kind: "duration", unit: "ms", integer: true },
    conditions: ["IS_LESS_THAN"],
    objectTypes: ALL,
    standard: true,
    doc: "TS 28.312 ULLatencyTarget: uplink latency, integer ms, IS_LESS_THAN.",
  },
  {
    key: "io:dlThroughputPerUe",
    targetName: "DlThptPerUE",
    value: { kind: "xlThpt" },
    conditions: ["IS_GREATER_THAN"],
    objectTypes: ALL,
    standard: true,
    doc: "TS 28.312 DLThptPerUETarget: XLThpt { guaThpt, maxThpt } in kbps, IS_GREATER_THAN.",
  },
  {
    key: "io:ulThroughputPerUe",
    targetName: "UlThptPerUE",
    value: { kind: "xlThpt" },
    conditions: ["IS_GREATER_THAN"],
    objectTypes: ALL,
    standard: true,
    doc: "TS 28.312 ULThptPerUETarget: XLThpt { guaThpt, maxThpt } in kbps, IS_GREATER_THAN.",
  },
  {
    key: "io:maxUes",
    targetName: "maxNumberofUEs",
    value: { kind: "integer", min: 1, max: 100_000_000 },
    conditions: ["IS_LESS_THAN"],
    objectTypes: ALL,
    standard: true,
    doc: "TS 28.312 MaxNumberofUEsTarget: the number of UEs to serve, IS_LESS_THAN.",
  },
];

export const DELIVERY_BY_KEY: ReadonlyMap<string, DeliveryParam> = new Map(
  DELIVERY_PARAMS.map((p) => [p.key, p]),
);
export const PROPERTY_BY_KEY: ReadonlyMap<string, PropertyParam> = new Map(
  PROPERTY_PARAMS.map((p) => [p.key, p]),
);
export const DELIVERY_BY_ATTRIBUTE: ReadonlyMap<string, DeliveryParam> = new Map(
  DELIVERY_PARAMS.map((p) => [p.attribute, p]),
);
export const PROPERTY_BY_TARGET: ReadonlyMap<string, PropertyParam> = new Map(
  PROPERTY_PARAMS.map((p) => [p.targetName, p]),
);

/** Object types as spelled in the 3GPP files and in the wild → the spelling this project emits. */
export const OBJECT_TYPE_SPELLINGS: ReadonlyMap<string, ObjectType> = new Map([
  ["EdgeService_Support", "EdgeService_Support"],
  ["Edge_Service_Support", "EdgeService_Support"],
  ["EdgeServiceSupport", "EdgeService_Support"],
  ["RAN_SubNetwork", "RAN_SubNetwork"],
  ["RANSubNetwork", "RAN_SubNetwork"],
  ["5GC_SubNetwork", "5GC_SubNetwork"],
  ["5GCSubNetwork", "5GC_SubNetwork"],
]);

/** Condition keys of the TMF921 profile → TS 28.312 `Condition`. */
export const CONDITION_KEYS: ReadonlyMap<string, Condition | "VALUE"> = new Map([
  ["quan:smaller", "IS_LESS_THAN"],
  ["quan:greater", "IS_GREATER_THAN"],
  ["icm:atMost", "IS_EQUAL_TO_OR_LESS_THAN"],
  ["icm:atLeast", "IS_EQUAL_TO_OR_GREATER_THAN"],
  ["quan:inRange", "IS_WITHIN_RANGE"],
  ["icm:value", "VALUE"],
  // Spellings in TM Forum's and the INTEND project's TIO material: the same conditions.
  ["quan:larger", "IS_GREATER_THAN"],
  ["quan:atMost", "IS_EQUAL_TO_OR_LESS_THAN"],
  ["quan:atLeast", "IS_EQUAL_TO_OR_GREATER_THAN"],
]);
