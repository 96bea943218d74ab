/**
 * The older demo's plain intent shape (intents/README.md, "The plain shape"): converted to a TMF921 Intent,
 * shown, and compiled like any other. The first case is the shape exactly as the demo's TMF921 adapter
 * returned it in its published usage guide (test/testdata/corpus/nephio-demo/, kept verbatim).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIo } from "../../pipeline/cli/io.js";
import { runCli } from "../../pipeline/cli/main.js";
import { tmf921Validator } from "../support/officialSchemas.js";
import { CORPUS_DIR } from "./corpus.js";
import { compile, INTENTS_DIR, problemsOf } from "./helpers.js";

const ADAPTER_RESPONSE = join(
  CORPUS_DIR,
  "nephio-demo",
  "docs_operations_TMF921_AUTOMATED_USAGE_GUIDE.md.response.json",
);
const published = (): Record<string, unknown> =>
  (JSON.parse(readFileSync(ADAPTER_RESPONSE, "utf8")) as { intent: Record<string, unknown> }).intent;

describe("the plain shape", () => {
  it("GIVEN the demo adapter's published intent THEN it becomes a RAN slice at edge1 with DL latency < 50 ms", async () => {
    const compiled = await compile(published());
    expect(compiled.spec.intentId).toBe("intent-1758956507257");
    expect(compiled.spec.sites).toEqual(["edge1"]);
    const [deliver, ensure] = compiled.spec.intent.intentExpectations;
    expect(deliver!.expectationVerb).toBe("DELIVER");
    expect(deliver!.expectationObject.objectType).toBe("RAN_SubNetwork");
    expect(deliver!.expectationObject.objectContexts).toContainEqual(
      expect.objectContaining({ contextAttribute: "sliceType", contextValueRange: "eMBB" }),
    );
    expect(ensure!.expectationTargets).toEqual([
      expect.objectContaining({
        targetName: "DlLatency",
        targetCondition: "IS_LESS_THAN",
        targetValueRange: 50,
      }),
    ]);
    expect(compiled.spec.intent.intentPriority).toBe(50); // "medium", by the priority table
    // The descriptive members are reported, not silently dropped.
    expect(compiled.spec.delta.map((d) => d.pointer)).toEqual(
      expect.arrayContaining([
        "/intentId",
        "/service/characteristics",
        "/service/name",
        "/metadata/createdAt",
      ]),
    );
  });

  it("GIVEN a conversion THEN the TMF921 Intent shown is valid TMF921 v5 and compiles to the same 28.312 intent", async () => {
    const compiled = await compile(published());
    const converted = compiled.spec.converted!;
    expect(tmf921Validator("Intent_FVO")(converted)).toBe(true);
    const direct = await compile(converted);
    expect(direct.spec.intent).toEqual(compiled.spec.intent);
    expect(direct.spec.sites).toEqual(compiled.spec.sites);
  });

  it('GIVEN targetSite "both" THEN every Kubernetes site of the registry, not the OpenStack one', async () => {
    const compiled = await compile({ ...published(), targetSite: "both" });
    expect(compiled.spec.sites).toEqual(["edge1", "edge2"]);
  });

  it("GIVEN qos and slice members THEN throughput targets, S-NSSAI and PLMN are carried", async () => {
    const compiled = await compile({
      ...published(),
      qos: { dl_mbps: 500, ul_mbps: 250, latency_ms: 20 },
      slice: { sst: 1, sd: "000001", plmn: "00101" },
    });
    const [deliver, ensure] = compiled.spec.intent.intentExpectations;
    const contexts = deliver!.expectationObject.objectContexts!;
    expect(contexts).toContainEqual(
      expect.objectContaining({ contextAttribute: "sliceDifferentiator", contextValueRange: "000001" }),
    );
    expect(contexts).toContainEqual(
      expect.objectContaining({ contextAttribute: "plmnId", contextValueRange: { mcc: "001", mnc: "01" } }),
    );
    expect(ensure!.expectationTargets!.map((t) => t.targetName)).toEqual([
      "DlLatency",
      "DlThptPerUE",
      "UlThptPerUE",
    ]);
  });

  it.each([
    ["jitter (no target in this profile)", { qos: { jitter_ms: 5 } }, "E_UNMAPPED", "/qos/jitter_ms"],
    [
      "packet loss (no target in this profile)",
      { qos: { packet_loss_rate: 0.01 } },
      "E_UNMAPPED",
      "/qos/packet_loss_rate",
    ],
    [
      "a generic service (no slice type)",
      { service: { name: "x", type: "generic" } },
      "E_UNMAPPED",
      "/service/type",
    ],
    ["an SST that contradicts the service type", { slice: { sst: 2 } }, "E_CONFLICT", "/slice/sst"],
    ["a malformed PLMN", { slice: { plmn: "0010" } }, "E_PATTERN", "/slice/plmn"],
    ["a member the shape does not have", { colour: "blue" }, "E_UNKNOWN_FIELD", "/colour"],
  ])(
    "GIVEN %s THEN it is refused with a pointer into the plain document",
    async (_, patch, code, pointer) => {
      const problems = await problemsOf({ ...published(), ...patch });
      expect(problems).toContainEqual(expect.objectContaining({ code, pointer }));
    },
  );

  it("GIVEN a site the registry does not have THEN the refusal names the converted intent", async () => {
    const problems = await problemsOf({ ...published(), targetSite: "edge9" }, { file: "plain.json" });
    expect(problems[0]).toMatchObject({
      code: "E_UNKNOWN_SITE",
      file: "plain.json (as converted to TMF921)",
    });
  });

  it("GIVEN `intentops compile plain.json` THEN exit 0 and the converted TMF921 Intent is shown", async () => {
    const dir = mkdtempSync(join(tmpdir(), "intentops-plain-"));
    try {
      cpSync(INTENTS_DIR, join(dir, "intents"), { recursive: true });
      writeFileSync(join(dir, "plain.json"), JSON.stringify(published()));
      const io = memoryIo(dir);
      const code = await runCli(["compile", "plain.json", "--sites", "intents/sites.yaml"], io);
      expect(io.err()).toBe("");
      expect(code).toBe(0);
      expect(io.out()).toContain("ok  edge1/intent-1758956507257");
      expect(io.out()).toContain("converted from the plain shape to this TMF921 Intent:");
      expect(io.out()).toContain('"@type": "JsonLdExpression"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
