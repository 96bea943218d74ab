// The verb's outputs: the outcome lines and summary, --json, --results-dir (a kpt FunctionResultList),
// and progress on stderr once there are 50 packages or more.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { cleanupTempDirs, jsonOutcome, runRender, tempDir, workspaceWithExamples } from "./helpers.js";
import { writeIntents } from "./support/generateIntents.js";

afterAll(cleanupTempDirs);

describe("intentops render", () => {
  test("prints one line per package and a summary; stderr stays quiet under 50 packages", async () => {
    const dir = await workspaceWithExamples();
    const run = await runRender(dir);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.slice(0, -1)).toEqual([
      "rendered  rendered/edge1/analytics-dns",
      "rendered  rendered/edge1/edge-analytics",
      "rendered  rendered/edge1/embb-slice-edge1",
      "rendered  rendered/edge2/edge-analytics",
      "rendered  rendered/edge2/urllc-service-edge2",
      "rendered  rendered/openstack1/web-app-stack",
    ]);
    expect(lines.at(-1)).toMatch(/^6 rendered, 0 unchanged, 0 removed in \d+ ms$/);
    expect(run.stderr).toBe("");
  });

  test("--json prints the outcome as JSON: every package with its action and digests", async () => {
    const dir = await workspaceWithExamples();
    const outcome = jsonOutcome(await runRender(dir, ["--json"]));
    expect(outcome.packages).toHaveLength(6);
    for (const pkg of outcome.packages) {
      expect(pkg.action).toBe("rendered");
      expect(pkg.inputDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(pkg.renderedDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    expect(outcome.files).toEqual({ total: 5, compiled: 5 });
  });

  test("--results-dir writes a kpt.dev/v1 FunctionResultList as results.yaml", async () => {
    const dir = await workspaceWithExamples();
    const run = await runRender(dir, ["--results-dir", "results"]);
    expect(run.code).toBe(0);
    const results = parse(readFileSync(join(dir, "results/results.yaml"), "utf8"));
    expect(results).toEqual({
      apiVersion: "kpt.dev/v1",
      kind: "FunctionResultList",
      metadata: { name: "fnresults" },
      exitCode: 0,
      items: [], // the generated Kptfiles declare no pipeline, so no function ran
    });
  });

  test("--out and --intents choose the directories; progress goes to stderr for 50+ packages", async () => {
    const dir = await tempDir();
    await writeIntents(join(dir, "many"), 120);
    const run = await runRender(dir, ["--intents", "many", "--out", "out"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      "render: 100/120 packages",
      "render: 120/120 packages",
    ]);
    expect(run.stdout).toMatch(/120 rendered, 0 unchanged, 0 removed in \d+ ms\n$/);
    // With --json stdout is the JSON only and progress is not printed.
    const json = await runRender(dir, ["--intents", "many", "--out", "out", "--json"]);
    expect(json.stderr).toBe("");
    expect(jsonOutcome(json).packages.every((p) => p.action === "unchanged")).toBe(true);
  });

  test("a missing intents directory is invalid input (E_NOT_FOUND), exit 1", async () => {
    const dir = await tempDir();
    const run = await runRender(dir, ["--intents", "nope", "--json"]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).errors[0].code).toBe("E_NOT_FOUND");
  });
});
