/**
 * `slice` workload (RAN_SubNetwork / 5GC_SubNetwork on a Kubernetes site): the NetworkSlice CRD, a
 * `NetworkSlice` resource and a ConfigMap with the same configuration for components that read files.
 *
 * S-NSSAI: SST from the slice type (`SST_BY_SLICE_TYPE`, TS 23.501 clause 5.15.2.2), SD from
 * `sliceDifferentiator` (upper-cased) when given. 5QI: see `chooseFiveQi`.
 */
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import { buildMetadata } from "./buildMetadata.js";
import { buildNamespace, namespaceOf } from "./buildNamespace.js";
import { buildNetworkSliceCrd, SLICE_API_VERSION, SLICE_KIND } from "./buildNetworkSliceCrd.js";
import { chooseFiveQi, type LatencyRequirement } from "./chooseFiveQi.js";
import { dnsLabel } from "./dnsLabel.js";
import { type SliceType, SST_BY_SLICE_TYPE } from "./fiveQiTable.js";
import { GeneratorError } from "./GeneratorError.js";
import { boundOf, type TargetReading } from "./readTargets.js";
import type { WorkloadInput } from "./readWorkloads.js";
import type { GeneratedObject, JsonObject } from "./types.js";

/** Target names whose value is a latency in ms that the 5QI's packet delay budget must meet. */
export const LATENCY_TARGETS: readonly string[] = ["DlLatency", "UlLatency", "p95Latency"];

/** Objects of one `slice` workload. */
export function generateSlice(input: WorkloadInput): GeneratedObject[] {
  const p = input.params;
  const sliceTypeText = p.requireString("sliceType");
  if (!(sliceTypeText in SST_BY_SLICE_TYPE)) {
    throw new GeneratorError(
      "E_GEN_INVALID_PARAM",
      p.where("sliceType"),
      `unknown slice type ${sliceTypeText}`,
    );
  }
  const sliceType = sliceTypeText as SliceType;
  const sd = p.string("sliceDifferentiator");
  if (sd !== undefined && !/^[A-Fa-f0-9]{6}$/.test(sd)) {
    throw new GeneratorError(
      "E_GEN_INVALID_PARAM",
      p.where("sliceDifferentiator"),
      "SD must be 6 hex digits",
    );
  }
  const requirements: LatencyRequirement[] = input.targets
    .filter((t) => LATENCY_TARGETS.includes(t.targetName))
    .map((t) => ({
      targetName: t.targetName,
      expectationId: t.expectationId,
      bound: boundOf(t, input.where),
    }));
  const qos = chooseFiveQi(sliceType, p.integer("fiveQI", 1, 255), requirements, input.where);

  const snssai: JsonObject = { sst: SST_BY_SLICE_TYPE[sliceType] };
  if (sd !== undefined) snssai["sd"] = sd.toUpperCase();
  const qosSpec: JsonObject = { fiveQI: qos.fiveQI, source: qos.source, reference: qos.reference };
  if (qos.row !== undefined) {
    qosSpec["resourceType"] = qos.row.resourceType;
    qosSpec["packetDelayBudgetMs"] = qos.row.packetDelayBudgetMs;
    qosSpec["packetErrorRate"] = qos.row.packetErrorRate;
  }
  const objectType = input.deliver.expectationObject.objectType;
  const spec: JsonObject = {
    sliceType,
    subnetworkType: objectType,
    snssai,
    qos: qosSpec,
    targets: input.targets.map((t) => targetSpec(t, input)),
    intent: {
      id: input.intentId,
      digest: input.compiled.spec.intentDigest,
      expectationId: input.deliver.expectationId,
      ...(input.compiled.spec.revision === undefined ? {} : { revision: input.compiled.spec.revision }),
    },
  };
  const plmn = plmnOf(input);
  if (plmn !== undefined) spec["plmnId"] = plmn;
  const tacs = p.stringList("CoverageAreaTac");
  if (tacs !== undefined) spec["coverageAreaTac"] = tacs;

  const namespace = namespaceOf(input);
  const base = input.deliver.expectationObject.objectInstance ?? input.deliver.expectationId;
  const suffix = objectType === "RAN_SubNetwork" ? "ran" : "5gc";
  const name = dnsLabel([base, suffix]);
  const config: Record<string, string> = {
    "slice.json": stringifyCanonical(spec),
    sliceType,
    subnetworkType: objectType,
    sst: String(snssai["sst"]),
    snssai: sd === undefined ? String(snssai["sst"]) : `${snssai["sst"]}-${sd.toUpperCase()}`,
    fiveQI: String(qos.fiveQI),
  };
  if (sd !== undefined) config["sd"] = sd.toUpperCase();
  if (plmn !== undefined) config["plmnId"] = `${plmn["mcc"]}-${plmn["mnc"]}`;
  if (tacs !== undefined) config["coverageAreaTac"] = tacs.join(",");

  return [
    ...buildNamespace(input, namespace),
    buildNetworkSliceCrd(input),
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: buildMetadata(input, dnsLabel([name, "config"]), namespace),
      data: config,
    },
    {
      apiVersion: SLICE_API_VERSION,
      kind: SLICE_KIND,
      metadata: buildMetadata(input, name, namespace),
      spec,
    },
  ];
}

function plmnOf(input: WorkloadInput): { mcc: string; mnc: string } | undefined {
  const value = input.params.record("plmnId");
  if (value === undefined) return undefined;
  const { mcc, mnc } = value;
  if (
    typeof mcc !== "string" ||
    !/^[0-9]{3}$/.test(mcc) ||
    typeof mnc !== "string" ||
    !/^[0-9]{2,3}$/.test(mnc)
  ) {
    throw new GeneratorError(
      "E_GEN_INVALID_PARAM",
      input.params.where("plmnId"),
      "plmnId must be { mcc: 3 digits, mnc: 2 or 3 digits } as strings (TS 28.623 PlmnId)",
    );
  }
  return { mcc, mnc };
}

function targetSpec(t: TargetReading, input: WorkloadInput): JsonObject {
  const out: JsonObject = { name: t.targetName, condition: t.condition, expectationId: t.expectationId };
  const value = t.target.targetValueRange;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const { guaThpt, maxThpt } = value;
    if (typeof guaThpt === "number") out["guaThptKbps"] = guaThpt;
    if (typeof maxThpt === "number") out["maxThptKbps"] = maxThpt;
    return out;
  }
  const bound = boundOf(t, input.where);
  if (bound.kind === "range") {
    out["min"] = bound.min;
    out["max"] = bound.max;
  } else {
    out["value"] = bound.value;
  }
  return out;
}
