/**
 * `intentops run` reads the vocabulary mappings beside the site registry, in its input check and in the
 * run's own compile step: an intent in the user's vocabulary runs past Compiling and is delivered; without
 * the mappings it is refused before anything is journalled. A ProbeIntent is never run: refused with
 * E_PROBE_INTENT, nothing journalled, nothing committed.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoryIo } from "../../pipeline/cli/io.js";
import { runCli } from "../../pipeline/cli/main.js";
import { readJournal, replayJournal } from "../../pipeline/run/journal.js";
import { exampleJson, INTENTS_DIR } from "../compiler/helpers.js";
import { gitCli } from "../support/gitHttpServer.js";

const MET = "https://metrics.example.org/met#";
const MAPPINGS = `apiVersion: intentops.io/v1alpha1
kind: VocabularyMappings
vocabularies:
  - name: our metrics
    namespace: "${MET}"
    terms:
      latency95: io:p95Latency
`;
/** Every site's API server is a closed port: a run that gets that far fails at Reconciling. */
const DEAD_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - { name: edge1, cluster: { server: "https://127.0.0.1:9" } }
  - { name: edge2, cluster: { server: "https://127.0.0.1:9" } }
users:
  - { name: nobody, user: { token: not-a-secret } }
contexts:
  - { name: edge1, context: { cluster: edge1, user: nobody } }
  - { name: edge2, context: { cluster: edge2, user: nobody } }
current-context: edge1
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
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "intentops-run-mappings-"));
  cpSync(join(INTENTS_DIR, "sites.yaml"), join(dir, "intents", "sites.yaml"));
  writeFileSync(join(dir, "intents", "edge-analytics.json"), JSON.stringify(ownVocabulary(), null, 2));
  writeFileSync(join(dir, "dead.kubeconfig"), DEAD_KUBECONFIG);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(file: string) {
  const io = memoryIo(dir);
  const code = await runCli(
    ["run", file, "--repo", "delivery.git", "--kubeconfig", "dead.kubeconfig", "--json"],
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

describe("intentops run with vocabulary mappings", () => {
  it("GIVEN mappings.yaml beside sites.yaml THEN the run compiles, renders and delivers the intent", async () => {
    writeFileSync(join(dir, "intents", "mappings.yaml"), MAPPINGS);
    const { out } = await run("intents/edge-analytics.json");
    const runs = replayJournal(await readJournal(join(dir, ".intentops", "journal.jsonl")));
    expect(runs).toHaveLength(1);
    // It failed only where no cluster answers, after its own compile step read the mappings.
    expect(runs[0]!.error?.code).not.toBe("E_UNMAPPED");
    expect(runs[0]!.data.deliveryCommit).toMatch(/^[0-9a-f]{40}$/);
    const files = await gitCli(
      ["ls-tree", "-r", "--name-only", runs[0]!.data.deliveryCommit!],
      join(dir, "delivery.git"),
    );
    expect(files).toContain("rendered/edge1/edge-analytics/deployment_analytics.yaml");
    expect(JSON.parse(out).runs[0].intentId).toBe("edge-analytics");
  }, 240_000);

  it("GIVEN no mappings THEN exit 1 with the unmapped term, nothing journalled or delivered", async () => {
    const { code, err } = await run("intents/edge-analytics.json");
    expect(code).toBe(1);
    expect(err).toContain("E_UNMAPPED");
    expect(existsSync(join(dir, ".intentops"))).toBe(false);
    expect(existsSync(join(dir, "delivery.git"))).toBe(false);
  });

  it("GIVEN a ProbeIntent THEN exit 1 E_PROBE_INTENT, nothing journalled or delivered", async () => {
    writeFileSync(join(dir, "intents", "mappings.yaml"), MAPPINGS);
    const probe = {
      ...JSON.parse(readFileSync(join(dir, "intents", "edge-analytics.json"), "utf8")),
      "@type": "ProbeIntent",
    };
    writeFileSync(join(dir, "intents", "edge-analytics.json"), JSON.stringify(probe));
    const { code, out, err } = await run("intents/edge-analytics.json");
    expect(code).toBe(1);
    expect(err + out).toContain("E_PROBE_INTENT");
    expect(err + out).toContain("intentops probe");
    expect(existsSync(join(dir, ".intentops"))).toBe(false);
    expect(existsSync(join(dir, "delivery.git"))).toBe(false);
  });
});
