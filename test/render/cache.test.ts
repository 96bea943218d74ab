// The render cache: a re-run is byte-identical and renders nothing; a change re-renders exactly the
// packages it affects and leaves every other file alone (same inode, same mtime); --force re-renders
// all; removed and moved intents take their packages with them.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { RENDERER_VERSION } from "../../functions/render/renderIntentPackage.js";
import { formatRenderCache, readRenderCache } from "../../pipeline/render/renderCache.js";
import {
  cleanupTempDirs,
  jsonOutcome,
  runRender,
  snapshot,
  tempLeftovers,
  workspaceWithExamples,
} from "./helpers.js";

afterAll(cleanupTempDirs);

const ALL = [
  "edge1/analytics-dns",
  "edge1/edge-analytics",
  "edge1/embb-slice-edge1",
  "edge2/edge-analytics",
  "edge2/urllc-service-edge2",
  "openstack1/web-app-stack",
];

async function renderJson(dir: string, ...args: string[]) {
  const run = await runRender(dir, ["--json", ...args]);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return jsonOutcome(run);
}

function actions(outcome: ReturnType<typeof jsonOutcome>): Record<string, string> {
  return Object.fromEntries(outcome.packages.map((p) => [p.subject, p.action]));
}

/** Files under `rendered/` (index excluded) whose inode or mtime changed between two snapshots. */
function touched(before: ReturnType<typeof snapshot>, after: ReturnType<typeof snapshot>): string[] {
  return [...after]
    .filter(([path, state]) => {
      const old = before.get(path);
      return !old || old.ino !== state.ino || old.mtimeMs !== state.mtimeMs;
    })
    .map(([path]) => path)
    .filter((path) => path !== ".intentops-cache.json");
}

function editIntent(dir: string, file: string, edit: (intent: Record<string, unknown>) => void): void {
  const path = join(dir, "intents", file);
  const intent = JSON.parse(readFileSync(path, "utf8"));
  edit(intent);
  writeFileSync(path, `${JSON.stringify(intent, null, 2)}\n`);
}

describe("render cache", () => {
  test("GIVEN a rendered tree WHEN rendering again THEN nothing is rendered or written, bytes identical", async () => {
    const dir = await workspaceWithExamples();
    const first = await renderJson(dir);
    expect(actions(first)).toEqual(Object.fromEntries(ALL.map((s) => [s, "rendered"])));
    const before = snapshot(join(dir, "rendered"));

    const second = await renderJson(dir);
    expect(actions(second)).toEqual(Object.fromEntries(ALL.map((s) => [s, "unchanged"])));
    expect(second.files).toEqual({ total: 5, compiled: 0 });
    // Same rendered digests as the first run reported.
    expect(second.packages.map((p) => p.renderedDigest)).toEqual(first.packages.map((p) => p.renderedDigest));
    const after = snapshot(join(dir, "rendered"));
    expect(after).toEqual(before); // content, inode and mtime of every file, the index included
  });

  test("GIVEN one changed intent THEN exactly its packages are re-rendered and no other file is touched", async () => {
    const dir = await workspaceWithExamples();
    await renderJson(dir);
    const before = snapshot(join(dir, "rendered"));

    editIntent(dir, "edge-analytics.json", (intent) => {
      intent.version = "2";
    });
    const outcome = await renderJson(dir);
    expect(actions(outcome)).toEqual({
      "edge1/analytics-dns": "unchanged",
      "edge1/edge-analytics": "rendered",
      "edge1/embb-slice-edge1": "unchanged",
      "edge2/edge-analytics": "rendered",
      "edge2/urllc-service-edge2": "unchanged",
      "openstack1/web-app-stack": "unchanged",
    });
    expect(outcome.files).toEqual({ total: 5, compiled: 1 });
    const changedFiles = touched(before, snapshot(join(dir, "rendered")));
    expect(changedFiles.length).toBeGreaterThan(0);
    expect(changedFiles.filter((p) => !/^edge[12]\/edge-analytics\//.test(p))).toEqual([]);
    expect(readFileSync(join(dir, "rendered/edge1/edge-analytics/Kptfile"), "utf8")).toContain(
      'intentops.io/revision: "2"',
    );
  });

  test("--force re-renders every package, to the same bytes", async () => {
    const dir = await workspaceWithExamples();
    await renderJson(dir);
    const before = snapshot(join(dir, "rendered"));
    const outcome = await renderJson(dir, "--force");
    expect(actions(outcome)).toEqual(Object.fromEntries(ALL.map((s) => [s, "rendered"])));
    expect(outcome.files.compiled).toBe(5);
    const after = snapshot(join(dir, "rendered"));
    expect([...after].map(([p, s]) => [p, s.sha256])).toEqual([...before].map(([p, s]) => [p, s.sha256]));
    expect(touched(before, after).length).toBe([...after.keys()].length - 1);
  });

  test("a removed intent's packages are removed; the others are untouched", async () => {
    const dir = await workspaceWithExamples();
    await renderJson(dir);
    const before = snapshot(join(dir, "rendered"));
    rmSync(join(dir, "intents/web-app-stack.json"));
    const outcome = await renderJson(dir);
    expect(actions(outcome)["openstack1/web-app-stack"]).toBe("removed");
    expect(outcome.packages.filter((p) => p.action !== "unchanged").map((p) => p.subject)).toEqual([
      "openstack1/web-app-stack",
    ]);
    const after = snapshot(join(dir, "rendered"));
    expect([...after.keys()].filter((p) => p.startsWith("openstack1/"))).toEqual([]);
    expect(touched(before, after)).toEqual([]);
    expect(tempLeftovers(dir)).toEqual([]);
  });

  test("an intent moved to another site moves its package", async () => {
    const dir = await workspaceWithExamples();
    await renderJson(dir);
    editIntent(dir, "analytics-dns.json", (intent) => {
      const expression = intent.expression as { expressionValue: Record<string, unknown> };
      const [deliver] = expression.expressionValue["icm:hasExpectation"] as Array<{
        "icm:params": Record<string, unknown>;
      }>;
      deliver!["icm:params"]["io:site"] = "edge2";
    });
    const outcome = await renderJson(dir);
    expect(actions(outcome)["edge1/analytics-dns"]).toBe("removed");
    expect(actions(outcome)["edge2/analytics-dns"]).toBe("rendered");
    const after = snapshot(join(dir, "rendered"));
    expect([...after.keys()].filter((p) => p.startsWith("edge1/analytics-dns"))).toEqual([]);
    expect(readFileSync(join(dir, "rendered/edge2/analytics-dns/Kptfile"), "utf8")).toContain(
      "intentops.io/site: edge2",
    );
  });

  test("without the cache index, the input digest in each Kptfile still decides: nothing re-rendered", async () => {
    const dir = await workspaceWithExamples();
    await renderJson(dir);
    rmSync(join(dir, "rendered/.intentops-cache.json"));
    const before = snapshot(join(dir, "rendered"));
    const outcome = await renderJson(dir);
    expect(new Set(Object.values(actions(outcome)))).toEqual(new Set(["unchanged"]));
    expect(outcome.files.compiled).toBe(5);
    // The index is written again; no package file is touched.
    expect(touched(before, snapshot(join(dir, "rendered")))).toEqual([]);
    expect(snapshot(join(dir, "rendered")).has(".intentops-cache.json")).toBe(true);
  });

  test("a deleted package directory is rendered again even though the index knows it", async () => {
    const dir = await workspaceWithExamples();
    await renderJson(dir);
    rmSync(join(dir, "rendered/edge1/embb-slice-edge1"), { recursive: true });
    const outcome = await renderJson(dir);
    expect(outcome.packages.filter((p) => p.action === "rendered").map((p) => p.subject)).toEqual([
      "edge1/embb-slice-edge1",
    ]);
  });

  test("a changed site registry recompiles every intent but re-renders only the packages of the changed site", async () => {
    const dir = await workspaceWithExamples();
    await renderJson(dir);
    const sites = join(dir, "intents/sites.yaml");
    writeFileSync(sites, readFileSync(sites, "utf8").replace("region: south", "region: south-2"));
    const outcome = await renderJson(dir);
    expect(outcome.files.compiled).toBe(5);
    expect(outcome.packages.filter((p) => p.action === "rendered").map((p) => p.subject)).toEqual([
      "edge2/edge-analytics",
      "edge2/urllc-service-edge2",
    ]);
  });
});

describe("cache index file", () => {
  test("parse ∘ format is the identity, and the format is deterministic (sorted, one line per entry)", async () => {
    const dir = await workspaceWithExamples();
    await renderJson(dir);
    const path = join(dir, "rendered/.intentops-cache.json");
    const text = readFileSync(path, "utf8");
    const parsed = readRenderCache(path, RENDERER_VERSION);
    expect(parsed).toBeDefined();
    expect(formatRenderCache(parsed!)).toBe(text);
    expect(JSON.parse(text)).toEqual(parsed);
    expect(text.split("\n").filter((l) => l.includes('"inputDigest"'))).toHaveLength(6);
  });

  test("an index from another renderer version or a corrupt one is ignored, never an error", async () => {
    const dir = await workspaceWithExamples();
    await renderJson(dir);
    const path = join(dir, "rendered/.intentops-cache.json");
    expect(readRenderCache(path, `${RENDERER_VERSION}-other`)).toBeUndefined();
    writeFileSync(path, "{ corrupt");
    expect(readRenderCache(path, RENDERER_VERSION)).toBeUndefined();
    const outcome = await renderJson(dir);
    expect(new Set(Object.values(actions(outcome)))).toEqual(new Set(["unchanged"]));
    expect(readRenderCache(path, RENDERER_VERSION)).toBeDefined();
  });
});

describe("rendering one intent file", () => {
  test("only that intent's packages are touched; the others are neither removed nor re-rendered", async () => {
    const dir = await workspaceWithExamples();
    await renderJson(dir);
    const before = snapshot(join(dir, "rendered"));
    editIntent(dir, "analytics-dns.json", (intent) => {
      intent.version = "7";
    });
    const outcome = await renderJson(dir, "--intents", "intents/analytics-dns.json");
    expect(actions(outcome)).toEqual({ "edge1/analytics-dns": "rendered" });
    const after = snapshot(join(dir, "rendered"));
    expect(touched(before, after).every((p) => p.startsWith("edge1/analytics-dns/"))).toBe(true);
    expect([...after.keys()].filter((p) => !p.startsWith("edge1/analytics-dns/"))).toEqual(
      [...before.keys()].filter((p) => !p.startsWith("edge1/analytics-dns/")),
    );
    // The index still knows every package, so a full render afterwards has nothing to do.
    const full = await renderJson(dir);
    expect(new Set(Object.values(actions(full)))).toEqual(new Set(["unchanged"]));
    expect(full.files.compiled).toBe(0);
  });
});
