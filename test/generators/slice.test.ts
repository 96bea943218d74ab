import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import type { ValueRange } from "../../compiler/types.js";
import {
  type GeneratedObject,
  generatePackage,
  NETWORK_SLICE_SCHEMA,
  SLICE_CRD_NAME,
} from "../../functions/generators/index.js";
import { codeOf, compiledIntent, EDGE1, field, OS1 } from "./support/compiledIntent.js";

function sliceIntent(contexts: Record<string, ValueRange | ValueRange[]>, sites = "edge1") {
  return compiledIntent({
    delivers: [{ id: "deliver-slice", instance: "slice-a", sites, kind: "slice", contexts }],
  });
}

const slices = (objects: GeneratedObject[]) => objects.filter((o) => o.kind === "NetworkSlice");

describe("slice generator", () => {
  it("emits the CRD, a ConfigMap and a NetworkSlice with the S-NSSAI", () => {
    const pkg = generatePackage(
      sliceIntent({
        sliceType: "URLLC",
        sliceDifferentiator: "00ab1f",
        plmnId: { mcc: "001", mnc: "01" },
        CoverageAreaTac: ["0001", "00A2"],
      }),
      EDGE1,
    );
    expect(pkg.objects.map((o) => o.kind)).toEqual([
      "ConfigMap",
      "Namespace",
      "CustomResourceDefinition",
      "NetworkSlice",
    ]);
    const [slice] = slices(pkg.objects);
    expect(slice?.metadata.name).toBe("slice-a-ran");
    expect(field(slice, "spec.snssai")).toEqual({ sst: 2, sd: "00AB1F" });
    expect(field(slice, "spec.plmnId")).toEqual({ mcc: "001", mnc: "01" });
    expect(field(slice, "spec.coverageAreaTac")).toEqual(["0001", "00A2"]);
    expect(field(slice, "spec.qos")).toMatchObject({
      fiveQI: 82,
      source: "default",
      packetDelayBudgetMs: 10,
    });
    const config = pkg.objects.find((o) => o.kind === "ConfigMap");
    expect(config?.data).toMatchObject({
      sst: "2",
      sd: "00AB1F",
      snssai: "2-00AB1F",
      fiveQI: "82",
      plmnId: "001-01",
    });
    expect(JSON.parse((config?.data as Record<string, string> | undefined)?.["slice.json"] ?? "")).toEqual(
      field(slice, "spec"),
    );
  });

  it("uses the standardized SST of each slice type and omits SD when not given", () => {
    const expected = { eMBB: 1, URLLC: 2, MIoT: 3, V2X: 4, HMTC: 5 };
    for (const [sliceType, sst] of Object.entries(expected)) {
      const [slice] = slices(generatePackage(sliceIntent({ sliceType }), EDGE1).objects);
      expect(field(slice, "spec.snssai")).toEqual({ sst });
    }
  });

  it("ships a CRD with a real openAPIV3Schema that the NetworkSlice satisfies", () => {
    const pkg = generatePackage(sliceIntent({ sliceType: "eMBB", sliceDifferentiator: "112233" }), EDGE1);
    const crd = pkg.objects.find((o) => o.kind === "CustomResourceDefinition");
    expect(crd?.metadata.name).toBe(SLICE_CRD_NAME);
    expect(crd?.metadata.namespace).toBeUndefined();
    expect(field(crd, "spec.group")).toBe("slices.intentops.io");
    const versions = field(crd, "spec.versions") as { schema: { openAPIV3Schema: unknown } }[];
    expect(versions[0]?.schema.openAPIV3Schema).toEqual(NETWORK_SLICE_SCHEMA);
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(versions[0]?.schema.openAPIV3Schema as object);
    const [slice] = slices(pkg.objects);
    expect(validate(slice), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...slice, spec: { ...(slice?.spec as object), snssai: { sst: 300 } } })).toBe(false);
  });

  it("records ENSURE targets in the slice, XLThpt included", () => {
    const compiled = compiledIntent({
      delivers: [{ id: "d", instance: "s", sites: "edge1", kind: "slice", contexts: { sliceType: "eMBB" } }],
      ensures: [
        {
          id: "e",
          instance: "s",
          objectType: "RAN_SubNetwork",
          targets: [
            ["DlThptPerUE", "IS_GREATER_THAN", { guaThpt: 50000, maxThpt: 100000 }],
            ["maxNumberofUEs", "IS_LESS_THAN", 1000],
          ],
        },
      ],
    });
    const [slice] = slices(generatePackage(compiled, EDGE1).objects);
    expect(field(slice, "spec.targets")).toEqual([
      {
        name: "DlThptPerUE",
        condition: "IS_GREATER_THAN",
        expectationId: "e",
        guaThptKbps: 50000,
        maxThptKbps: 100000,
      },
      { name: "maxNumberofUEs", condition: "IS_LESS_THAN", expectationId: "e", value: 1000 },
    ]);
  });

  it("ships the CRD once when a RAN and a 5GC subnetwork share a package", () => {
    const compiled = compiledIntent({
      delivers: [
        {
          id: "d-5gc",
          instance: "s",
          objectType: "5GC_SubNetwork",
          sites: "edge1",
          kind: "slice",
          contexts: { sliceType: "eMBB" },
        },
        {
          id: "d-ran",
          instance: "s",
          objectType: "RAN_SubNetwork",
          sites: "edge1",
          kind: "slice",
          contexts: { sliceType: "eMBB" },
        },
      ],
    });
    const pkg = generatePackage(compiled, EDGE1);
    const crds = pkg.objects.filter((o) => o.kind === "CustomResourceDefinition");
    expect(crds).toHaveLength(1);
    expect(crds[0]?.metadata.annotations["intentops.io/expectation-id"]).toBe("d-5gc,d-ran");
    expect(slices(pkg.objects).map((s) => s.metadata.name)).toEqual(["s-5gc", "s-ran"]);
  });

  it("refuses bad parameters and OpenStack sites with stable codes", () => {
    expect(codeOf(() => generatePackage(sliceIntent({}), EDGE1))).toBe("E_GEN_MISSING_PARAM");
    expect(codeOf(() => generatePackage(sliceIntent({ sliceType: "XR" }), EDGE1))).toBe(
      "E_GEN_INVALID_PARAM",
    );
    expect(
      codeOf(() => generatePackage(sliceIntent({ sliceType: "eMBB", sliceDifferentiator: "12" }), EDGE1)),
    ).toBe("E_GEN_INVALID_PARAM");
    expect(
      codeOf(() => generatePackage(sliceIntent({ sliceType: "eMBB", plmnId: { mcc: 1, mnc: "01" } }), EDGE1)),
    ).toBe("E_GEN_INVALID_PARAM");
    expect(codeOf(() => generatePackage(sliceIntent({ sliceType: "eMBB" }, "os1"), OS1))).toBe(
      "E_GEN_UNSUPPORTED",
    );
  });
});
