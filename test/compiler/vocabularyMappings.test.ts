/**
 * Vocabulary mappings (intents/README.md, "Vocabulary mappings"): a user maps their own namespace's terms
 * onto ours in `mappings.yaml` beside `sites.yaml`, without code. Unmapped terms give one clear error that
 * names the way out; a bad mappings file is refused with file and pointer, and nothing is written.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidInputError } from "../../compiler/errors.js";
import { parseVocabularyMappings } from "../../compiler/parseVocabularyMappings.js";
import { memoryIo } from "../../pipeline/cli/io.js";
import { runCli } from "../../pipeline/cli/main.js";
import { compile, exampleJson, INTENTS_DIR, problemsOf, ROOT } from "./helpers.js";

const MET = "https://metrics.example.org/met#";
const OPS = "https://ops.example.org/vocab/";

/** edge-analytics with its SLO parameters and expectation types in the user's own vocabularies. */
function inOwnVocabulary(parts: { type?: boolean; parameter?: boolean } = { type: true, parameter: true }) {
  const intent = exampleJson("edge-analytics");
  const value = (intent.expression as { expressionValue: Record<string, unknown> }).expressionValue;
  (value["@context"] as Record<string, string>).met = MET;
  (value["@context"] as Record<string, string>).ops = OPS;
  const [deliver, slo] = value["icm:hasExpectation"] as Array<Record<string, unknown>>;
  if (parts.type) deliver!["@type"] = "ops:Deployment";
  const params = slo!["icm:params"] as Record<string, unknown>;
  if (parts.parameter) {
    params["met:latency95"] = params["io:p95Latency"];
    delete params["io:p95Latency"];
  }
  return intent;
}

const USER_MAPPINGS = `apiVersion: intentops.io/v1alpha1
kind: VocabularyMappings
vocabularies:
  - name: our metrics
    namespace: "${MET}"
    terms:
      latency95: io:p95Latency
  - name: our operations vocabulary
    namespace: "${OPS}"
    terms:
      Deployment: icm:DeliveryExpectation
`;

describe("vocabulary mappings in the compiler", () => {
  it("GIVEN terms of an unknown vocabulary THEN one semantic error per term, naming it, the known terms and the way out", async () => {
    const parameter = (await problemsOf(inOwnVocabulary({ parameter: true }))).find((p) =>
      p.message.includes(`${MET}latency95`),
    );
    expect(parameter).toMatchObject({ code: "E_UNMAPPED" });
    expect(parameter!.message).toContain("known: io:p95Latency");
    expect(parameter!.message).toContain(
      'mappings.yaml beside sites.yaml (intents/README.md, "Vocabulary mappings")',
    );
    const type = (await problemsOf(inOwnVocabulary({ type: true }))).find((p) =>
      p.message.includes(`${OPS}Deployment`),
    );
    expect(type).toMatchObject({ code: "E_UNMAPPED" });
    // The README section the messages point to exists.
    expect(readFileSync(join(INTENTS_DIR, "README.md"), "utf8")).toMatch(/^## Vocabulary mappings$/m);
  });

  it("GIVEN the user's mappings THEN it compiles to the same 28.312 intent as our own vocabulary, and the delta says what was mapped", async () => {
    const { mapper } = parseVocabularyMappings(USER_MAPPINGS, "mappings.yaml");
    const mapped = await compile(inOwnVocabulary(), { mapper });
    const ours = await compile(exampleJson("edge-analytics"));
    expect(mapped.spec.intent).toEqual(ours.spec.intent);
    expect(mapped.spec.delta.map((d) => d.reason)).toEqual(
      expect.arrayContaining([
        `${MET}latency95 read as io:p95Latency (vocabulary mapping)`,
        `${OPS}Deployment read as icm:DeliveryExpectation (vocabulary mapping)`,
      ]),
    );
  });

  it("GIVEN the shipped mappings THEN they are valid and map the two public vocabularies", () => {
    const read = (file: string) =>
      parseVocabularyMappings(readFileSync(join(ROOT, "vocabularies", file), "utf8"), `vocabularies/${file}`);
    const intend = read("intend-5g4data.yaml");
    const tmf = read("tmf921-examples.yaml");
    expect(intend.mapper("http://5g4data.eu/5g4data#DeploymentExpectation")).toBe("icm:DeliveryExpectation");
    expect(intend.mapper("http://5g4data.eu/5g4data#DataCenter")).toBe("io:site");
    expect(intend.mapper("http://5g4data.eu/5g4data#constructor")).toBeUndefined();
    expect(tmf.mapper("http://www.sdo2.org/TelecomMetrics/Version_1.0#latency")).toBe("io:dlLatency");
    expect(tmf.mapper("http://www.operator.com/Catalog#Slice_NEST_eMBB")).toBe("io:RAN_SubNetwork");
    expect(tmf.mapper("https://elsewhere.example/x")).toBeUndefined();
  });

  it.each([
    [
      "an io: name that is not an intentops term",
      USER_MAPPINGS.replace("io:p95Latency", "io:p96Latency"),
      "E_MAPPING",
      "/vocabularies/0/terms/latency95",
    ],
    [
      "a TIO namespace (read by the compiler itself)",
      USER_MAPPINGS.replace(MET, "http://tio.models.tmforum.org/tio/v3.6.0/IntentCommonModel/"),
      "E_MAPPING",
      "/vocabularies/0/namespace",
    ],
    ["one namespace twice", USER_MAPPINGS.replace(OPS, MET), "E_DUPLICATE", "/vocabularies/1/namespace"],
    [
      "a duplicate key",
      USER_MAPPINGS.replace(
        "      latency95: io:p95Latency\n",
        "      latency95: io:p95Latency\n      latency95: io:errorRate\n",
      ),
      "E_SYNTAX",
      "",
    ],
    [
      "a target that is not a name",
      USER_MAPPINGS.replace("io:p95Latency", "p95 latency"),
      "E_PATTERN",
      "/vocabularies/0/terms/latency95",
    ],
    ["a relative namespace", USER_MAPPINGS.replace(MET, "met#"), "E_PATTERN", "/vocabularies/0/namespace"],
  ])("GIVEN %s THEN the mappings file is refused with file and pointer", (_, text, code, pointer) => {
    let thrown: unknown;
    try {
      parseVocabularyMappings(text, "intents/mappings.yaml");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect((thrown as InvalidInputError).problems).toContainEqual(
      expect.objectContaining({ code, pointer, file: "intents/mappings.yaml" }),
    );
  });
});

describe("vocabulary mappings through `intentops compile`", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "intentops-mappings-"));
    cpSync(INTENTS_DIR, join(dir, "intents"), { recursive: true });
    writeFileSync(join(dir, "intents", "own-vocabulary.json"), JSON.stringify(inOwnVocabulary(), null, 2));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (...argv: string[]) => {
    const io = memoryIo(dir);
    const code = await runCli(argv, io);
    return { code, out: io.out(), err: io.err() };
  };

  it("GIVEN mappings.yaml beside sites.yaml THEN the intent in the user's vocabulary compiles", async () => {
    writeFileSync(join(dir, "intents", "mappings.yaml"), USER_MAPPINGS);
    // The copied intent keeps the example's id; compile it on its own to avoid the duplicate id.
    const { code, out, err } = await run("compile", "intents/own-vocabulary.json", "--out", "compiled");
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toContain("ok  edge1/edge-analytics, edge2/edge-analytics");
    expect(out).toContain("read as io:p95Latency (vocabulary mapping)");
    expect(existsSync(join(dir, "compiled", "edge-analytics.json"))).toBe(true);
  });

  it("GIVEN an invalid mappings.yaml THEN exit 1 naming the file and pointer, and nothing written", async () => {
    writeFileSync(
      join(dir, "intents", "mappings.yaml"),
      USER_MAPPINGS.replace("io:p95Latency", "io:p96Latency"),
    );
    const { code, err } = await run("compile", "intents/own-vocabulary.json", "--out", "compiled");
    expect(code).toBe(1);
    expect(err).toContain("intents/mappings.yaml#/vocabularies/0/terms/latency95");
    expect(existsSync(join(dir, "compiled"))).toBe(false);
  });

  it("GIVEN no mappings.yaml THEN the unmapped term is refused with the way out", async () => {
    rmSync(join(dir, "intents", "mappings.yaml"), { force: true });
    const { code, err } = await run("compile", "intents/own-vocabulary.json");
    expect(code).toBe(1);
    expect(err).toContain("E_UNMAPPED");
    expect(err).toContain("mappings.yaml beside sites.yaml");
  });
});
