/**
 * The review of a change reads the vocabulary mappings of each revision (`intents/mappings.yaml` beside
 * `sites.yaml`): an intent in the user's vocabulary is reviewed like any other once the mappings are in
 * the revision, refused with E_UNMAPPED without them; a change of the mappings alone re-reviews every
 * intent; a ProbeIntent in a change is refused (it would never be delivered).
 */
import * as fs from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stdlibRegistry } from "../../functions/stdlib/stdlibRegistry.js";
import { reviewChange } from "../../pipeline/review/reviewChange.js";
import { exampleJson, REGISTRY_TEXT } from "../compiler/helpers.js";
import { gitCli, gitEnv } from "../support/gitHttpServer.js";

const MET = "https://metrics.example.org/met#";
const mappings = (target: string) => `apiVersion: intentops.io/v1alpha1
kind: VocabularyMappings
vocabularies:
  - name: our metrics
    namespace: "${MET}"
    terms:
      latency95: ${target}
`;

function ownVocabulary(): Record<string, unknown> {
  const intent = exampleJson("edge-analytics");
  const value = (intent.expression as { expressionValue: Record<string, unknown> }).expressionValue;
  (value["@context"] as Record<string, string>).met = MET;
  const slo = (value["icm:hasExpectation"] as Array<Record<string, unknown>>)[1]!;
  const params = slo["icm:params"] as Record<string, unknown>;
  params["met:latency95"] = params["io:p95Latency"];
  delete params["io:p95Latency"];
  return intent;
}

let dir: string;
const git = (...args: string[]) => gitCli(args, dir, gitEnv(dir));

async function commit(files: Record<string, string | null>): Promise<string> {
  for (const [path, text] of Object.entries(files)) {
    if (text === null) await git("rm", "--quiet", path);
    else {
      fs.mkdirSync(join(dir, "intents"), { recursive: true });
      fs.writeFileSync(join(dir, path), text);
      await git("add", path);
    }
  }
  await git("commit", "--quiet", "--allow-empty", "-m", "change");
  return (await git("rev-parse", "HEAD")).trim();
}

const review = (base: string, head: string) =>
  reviewChange({ fs, gitdir: join(dir, ".git"), base, head, functions: stdlibRegistry });

let base: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "intentops-review-mappings-"));
  await git("init", "--quiet", "-b", "main");
  base = await commit({ "intents/sites.yaml": REGISTRY_TEXT });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("review with vocabulary mappings", () => {
  it("GIVEN the intent and mappings.yaml in the change THEN it is reviewed: packages for both sites", async () => {
    const head = await commit({
      "intents/edge-analytics.json": JSON.stringify(ownVocabulary(), null, 2),
      "intents/mappings.yaml": mappings("io:p95Latency"),
    });
    const result = await review(base, head);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.summary.intents.added).toBe(1);
    expect(result.sites.map((s) => s.site)).toEqual(["edge1", "edge2"]);
  });

  it("GIVEN the intent without mappings THEN E_UNMAPPED on the intent's file", async () => {
    const head = await commit({ "intents/mappings.yaml": null });
    const result = await review(base, head);
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(
      expect.objectContaining({ code: "E_UNMAPPED", file: "intents/edge-analytics.json" }),
    );
  });

  it("GIVEN only the mappings change (to an invalid target) THEN every intent is reviewed again and the file is named", async () => {
    const withMappings = await commit({ "intents/mappings.yaml": mappings("io:p95Latency") });
    const head = await commit({ "intents/mappings.yaml": mappings("io:p96Latency") });
    const result = await review(withMappings, head);
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.file)).toContain("intents/mappings.yaml");
  });

  it("GIVEN a ProbeIntent in the change THEN it is refused with E_PROBE_INTENT", async () => {
    const intent = { ...ownVocabulary(), "@type": "ProbeIntent" };
    const withMappings = await commit({ "intents/mappings.yaml": mappings("io:p95Latency") });
    const head = await commit({ "intents/edge-analytics.json": JSON.stringify(intent, null, 2) });
    const result = await review(withMappings, head);
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(
      expect.objectContaining({ code: "E_PROBE_INTENT", file: "intents/edge-analytics.json" }),
    );
  });
});
