/**
 * The CustomResourceDefinition of `NetworkSlice` (`slices.intentops.io/v1alpha1`), shipped in every
 * package that contains a slice so that the package applies on a fresh cluster. Its structural
 * `openAPIV3Schema` is also what the tests validate generated slices against.
 */
import { buildMetadata } from "./buildMetadata.js";
import { SST_BY_SLICE_TYPE } from "./fiveQiTable.js";
import type { WorkloadInput } from "./readWorkloads.js";
import type { GeneratedObject, JsonObject } from "./types.js";

export const SLICE_GROUP = "slices.intentops.io";
export const SLICE_VERSION = "v1alpha1";
export const SLICE_API_VERSION = `${SLICE_GROUP}/${SLICE_VERSION}`;
export const SLICE_KIND = "NetworkSlice";
export const SLICE_CRD_NAME = `networkslices.${SLICE_GROUP}`;

const number = { type: "number" };
const string = { type: "string" };

/** The `openAPIV3Schema` of `NetworkSlice`. */
export const NETWORK_SLICE_SCHEMA: JsonObject = {
  type: "object",
  required: ["spec"],
  properties: {
    apiVersion: string,
    kind: string,
    metadata: { type: "object" },
    spec: {
      type: "object",
      required: ["sliceType", "subnetworkType", "snssai", "qos"],
      properties: {
        sliceType: { type: "string", enum: Object.keys(SST_BY_SLICE_TYPE) },
        subnetworkType: { type: "string", enum: ["RAN_SubNetwork", "5GC_SubNetwork"] },
        snssai: {
          type: "object",
          description: "S-NSSAI: SST (TS 23.501 clause 5.15.2.2) and optional SD (6 hex digits).",
          required: ["sst"],
          properties: {
            sst: { type: "integer", minimum: 0, maximum: 255 },
            sd: { type: "string", pattern: "^[A-F0-9]{6}$" },
          },
        },
        plmnId: {
          type: "object",
          required: ["mcc", "mnc"],
          properties: {
            mcc: { type: "string", pattern: "^[0-9]{3}$" },
            mnc: { type: "string", pattern: "^[0-9]{2,3}$" },
          },
        },
        coverageAreaTac: {
          type: "array",
          maxItems: 256,
          items: { type: "string", pattern: "^([A-Fa-f0-9]{4}|[A-Fa-f0-9]{6})$" },
        },
        qos: {
          type: "object",
          required: ["fiveQI", "source", "reference"],
          properties: {
            fiveQI: { type: "integer", minimum: 1, maximum: 255 },
            source: { type: "string", enum: ["explicit", "default", "latency-target"] },
            resourceType: { type: "string", enum: ["GBR", "Non-GBR", "Delay-critical GBR"] },
            packetDelayBudgetMs: { type: "integer", minimum: 1 },
            packetErrorRate: string,
            reference: string,
          },
        },
        targets: {
          type: "array",
          description: "The intent's ENSURE targets, in canonical units (ms, kbps, percent, count).",
          items: {
            type: "object",
            required: ["name", "condition", "expectationId"],
            properties: {
              name: string,
              condition: string,
              expectationId: string,
              value: number,
              min: number,
              max: number,
              guaThptKbps: number,
              maxThptKbps: number,
            },
          },
        },
        intent: {
          type: "object",
          required: ["id", "digest", "expectationId"],
          properties: { id: string, digest: string, expectationId: string, revision: string },
        },
      },
    },
    status: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
  },
};

/** The CRD object (cluster-scoped). */
export function buildNetworkSliceCrd(input: WorkloadInput): GeneratedObject {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: buildMetadata(input, SLICE_CRD_NAME, undefined),
    spec: {
      group: SLICE_GROUP,
      names: {
        kind: SLICE_KIND,
        listKind: `${SLICE_KIND}List`,
        plural: "networkslices",
        singular: "networkslice",
        shortNames: ["nslice"],
      },
      scope: "Namespaced",
      versions: [
        {
          name: SLICE_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: NETWORK_SLICE_SCHEMA },
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: "Type", type: "string", jsonPath: ".spec.sliceType" },
            { name: "SST", type: "integer", jsonPath: ".spec.snssai.sst" },
            { name: "SD", type: "string", jsonPath: ".spec.snssai.sd" },
            { name: "5QI", type: "integer", jsonPath: ".spec.qos.fiveQI" },
          ],
        },
      ],
    },
  };
}
