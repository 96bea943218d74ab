/**
 * Render-time ownership: an object (and a DNS record) on a site is rendered by one intent only. A second
 * intent claiming one is refused by `intentops render` with E_OWNERSHIP_CONFLICT, exit 1, naming both
 * intents and the object, at the file and pointer of the parameter that named it — and rendered/ is left
 * byte for byte as it was. A new revision of the same intent is no conflict.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../pipeline/cli/io.js";
import { runCli } from "../../pipeline/cli/main.js";
import { cleanupTempDirs, snapshot, workspaceWithExamples } from "./helpers.js";

afterAll(cleanupTempDirs);

type Json = Record<string, unknown>;

const read = (dir: string, stem: string): Json =>
  JSON.parse(readFileSync(join(dir, "intents", `${stem}.json`), "utf8"));
const params = (intent: Json, i = 0) =>
  (((intent.expression as Json).expressionValue as Json)["icm:hasExpectation"] as Json[])[i]![
    "icm:params"
  ] as Json;

async function cli(cwd: string, ...argv: string[]) {
  const io = memoryIo(cwd);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** A copy of `stem` under another id (and so another file name), changed by `change`. */
function alias(dir: string, stem: string, id: string, change: (intent: Json) => void): string {
  const intent = read(dir, stem);
  intent.id = id;
  ((intent.expression as Json).expressionValue as Json)["@id"] = `io:${id}`;
  change(intent);
  const file = `intents/${id}.json`;
  writeFileSync(join(dir, file), JSON.stringify(intent, null, 2));
  return file;
}

function problemLines(err: string): string[] {
  return err
    .trimEnd()
    .split("\n")
    .filter((l) => l.endsWith("[E_OWNERSHIP_CONFLICT]"));
}

describe("render-time ownership", () => {
  it("GIVEN a second intent rendering edge-analytics' Namespace and Deployment WHEN rendered THEN exit 1, both intents named, rendered/ untouched", async () => {
    const dir = await workspaceWithExamples();
    expect((await cli(dir, "render")).code).toBe(0);
    const before = snapshot(join(dir, "rendered"));
    const file = alias(dir, "edge-analytics", "zz-analytics-copy", (i) => {
      params(i)["io:namespace"] = "edge-analytics";
      params(i)["io:site"] = "edge1";
    });
    const { code, err } = await cli(dir, "render");
    expect(code, err).toBe(1);
    const lines = problemLines(err);
    expect(lines.length).toBeGreaterThan(1);
    const ns = lines.find((l) => l.includes("Namespace/edge-analytics on site edge1"));
    expect(ns).toBe(
      `${file}#/expression/expressionValue/icm:hasExpectation/0/icm:params/io:namespace: Namespace/edge-analytics on site edge1 is already rendered by edge1/edge-analytics (intents/edge-analytics.json); edge1/zz-analytics-copy renders it too: an object belongs to one intent only (give it another name, or change it in the intent that owns it) [E_OWNERSHIP_CONFLICT]`,
    );
    const deployment = lines.find((l) => l.includes("Deployment/edge-analytics/analytics on site edge1"));
    expect(deployment).toMatch(
      /^intents\/zz-analytics-copy\.json#\/expression\/expressionValue\/icm:hasExpectation\/0\/icm:params\/io:appName: .*edge1\/edge-analytics .*edge1\/zz-analytics-copy/,
    );
    // edge2 is not a site of the copy: nothing is claimed there.
    expect(lines.some((l) => l.includes("site edge2"))).toBe(false);
    expect(snapshot(join(dir, "rendered"))).toEqual(before);
  });

  it("GIVEN both intents new WHEN rendered from nothing THEN the later subject is refused and nothing is written", async () => {
    const dir = await workspaceWithExamples();
    alias(dir, "edge-analytics", "zz-analytics-copy", (i) => {
      params(i)["io:namespace"] = "edge-analytics";
    });
    const { code, err } = await cli(dir, "render");
    expect(code, err).toBe(1);
    expect(problemLines(err).every((l) => l.startsWith("intents/zz-analytics-copy.json#/"))).toBe(true);
    expect(snapshot(dir).has("rendered/.intentops-cache.json")).toBe(false);
  });

  it("GIVEN another intent publishing the same DNS name and type under another object name THEN the record is the conflict, at io:dnsName", async () => {
    const dir = await workspaceWithExamples();
    expect((await cli(dir, "render")).code).toBe(0);
    const before = snapshot(join(dir, "rendered"));
    alias(dir, "analytics-dns", "other-dns", (i) => {
      params(i)["io:appName"] = "other";
      params(i)["io:dnsName"] = "analytics.edge.example.com.";
    });
    const { code, err } = await cli(dir, "render");
    expect(code, err).toBe(1);
    expect(problemLines(err)).toEqual([
      expect.stringMatching(
        /^intents\/other-dns\.json#\/expression\/expressionValue\/icm:hasExpectation\/0\/icm:params\/io:dnsName: DNSRecord\/analytics\.edge\.example\.com\.\/A on site edge1 is already rendered by edge1\/analytics-dns/,
      ),
    ]);
    expect(snapshot(join(dir, "rendered"))).toEqual(before);
  });

  it("GIVEN one intent file rendered alone THEN it is checked against the packages of the others on disk", async () => {
    const dir = await workspaceWithExamples();
    expect((await cli(dir, "render")).code).toBe(0);
    const file = alias(dir, "edge-analytics", "zz-analytics-copy", (i) => {
      params(i)["io:namespace"] = "edge-analytics";
    });
    const before = snapshot(join(dir, "rendered"));
    const { code, err } = await cli(dir, "render", "--intents", file);
    expect(code, err).toBe(1);
    expect(problemLines(err).length).toBeGreaterThan(0);
    expect(err).toContain("edge2/edge-analytics");
    expect(snapshot(join(dir, "rendered"))).toEqual(before);
  });

  it("GIVEN an index written before claims were recorded THEN the packages on disk are read instead", async () => {
    const dir = await workspaceWithExamples();
    expect((await cli(dir, "render")).code).toBe(0);
    const index = join(dir, "rendered/.intentops-cache.json");
    writeFileSync(index, readFileSync(index, "utf8").replace(/"owns": \[[^\]]*\], /g, ""));
    expect(readFileSync(index, "utf8")).not.toContain('"owns"');
    alias(dir, "edge-analytics", "zz-analytics-copy", (i) => {
      params(i)["io:namespace"] = "edge-analytics";
    });
    const { code, err } = await cli(dir, "render");
    expect(code, err).toBe(1);
    expect(problemLines(err).length).toBeGreaterThan(0);
  });

  it("GIVEN a new revision of the same intent, or another intent with its own names THEN no conflict", async () => {
    const dir = await workspaceWithExamples();
    expect((await cli(dir, "render")).code).toBe(0);
    const revision = read(dir, "edge-analytics");
    revision.version = "2";
    params(revision)["io:replicas"] = 4;
    writeFileSync(join(dir, "intents/edge-analytics.json"), JSON.stringify(revision, null, 2));
    alias(dir, "edge-analytics", "zz-analytics-copy", (i) => {
      params(i)["io:appName"] = "analytics";
    });
    const { code, err } = await cli(dir, "render");
    expect(code, err).toBe(0);
    rmSync(join(dir, "intents/zz-analytics-copy.json"));
  });
});
