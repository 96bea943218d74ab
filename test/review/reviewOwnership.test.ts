/**
 * The review of a change refuses what delivery would refuse: an intent whose packages claim an object (or
 * DNS record) the packages under rendered/ at head hold for another intent, or that another intent of the
 * same change claims — E_OWNERSHIP_CONFLICT on the claiming file, at the parameter that named the object.
 * A new revision of the owner itself is no conflict.
 */
import * as fs from "node:fs";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stdlibRegistry } from "../../functions/stdlib/stdlibRegistry.js";
import { reviewChange } from "../../pipeline/review/reviewChange.js";
import { exampleJson, REGISTRY_TEXT, ROOT } from "../compiler/helpers.js";
import { gitCli, gitEnv } from "../support/gitHttpServer.js";

type Json = Record<string, unknown>;
let dir: string;
const git = (...args: string[]) => gitCli(args, dir, gitEnv(dir));

async function commit(files: Record<string, string>): Promise<string> {
  for (const [path, text] of Object.entries(files)) {
    fs.mkdirSync(join(dir, path, ".."), { recursive: true });
    fs.writeFileSync(join(dir, path), text);
    await git("add", path);
  }
  await git("commit", "--quiet", "-m", "change");
  return (await git("rev-parse", "HEAD")).trim();
}

const review = (base: string, head: string) =>
  reviewChange({ fs, gitdir: join(dir, ".git"), base, head, functions: stdlibRegistry });

const params = (intent: Json) =>
  (((intent.expression as Json).expressionValue as Json)["icm:hasExpectation"] as Json[])[0]![
    "icm:params"
  ] as Json;

function copy(id: string, namespace: string): string {
  const intent = exampleJson("edge-analytics");
  intent.id = id;
  params(intent)["io:namespace"] = namespace;
  return JSON.stringify(intent, null, 2);
}

/** edge-analytics and its packages as delivery commits them. */
function delivered(): Record<string, string> {
  const files: Record<string, string> = {
    "intents/sites.yaml": REGISTRY_TEXT,
    "intents/edge-analytics.json": readFileSync(join(ROOT, "intents/edge-analytics.json"), "utf8"),
  };
  for (const site of ["edge1", "edge2"]) {
    const at = join(ROOT, "rendered", site, "edge-analytics");
    for (const name of readdirSync(at)) {
      files[`rendered/${site}/edge-analytics/${name}`] = readFileSync(join(at, name), "utf8");
    }
  }
  return files;
}

let base: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "intentops-review-ownership-"));
  await git("init", "--quiet", "-b", "main");
  base = await commit(delivered());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("review: one owner per object", () => {
  it("GIVEN a new intent claiming edge-analytics' namespace THEN E_OWNERSHIP_CONFLICT on its file, naming both", async () => {
    const head = await commit({ "intents/analytics-copy.json": copy("analytics-copy", "edge-analytics") });
    const result = await review(base, head);
    expect(result.ok).toBe(false);
    const conflicts = result.problems.filter((p) => p.code === "E_OWNERSHIP_CONFLICT");
    expect(conflicts.length).toBeGreaterThan(1);
    for (const p of conflicts) expect(p.file).toBe("intents/analytics-copy.json");
    expect(conflicts).toContainEqual(
      expect.objectContaining({
        pointer: "/expression/expressionValue/icm:hasExpectation/0/icm:params/io:namespace",
        message: expect.stringMatching(
          /^Namespace\/edge-analytics on site edge1 is already rendered by edge1\/edge-analytics \(intents\/edge-analytics\.json\); edge1\/analytics-copy renders it too/,
        ),
      }),
    );
    await git("reset", "--quiet", "--hard", base);
  });

  it("GIVEN two new intents of one change claiming one namespace THEN the later one is refused", async () => {
    const head = await commit({
      "intents/first-app.json": copy("first-app", "shared"),
      "intents/second-app.json": copy("second-app", "shared"),
    });
    const result = await review(base, head);
    const conflicts = result.problems.filter((p) => p.code === "E_OWNERSHIP_CONFLICT");
    expect(conflicts.length).toBeGreaterThan(0);
    for (const p of conflicts) {
      expect(p.file).toBe("intents/second-app.json");
      expect(p.message).toMatch(/by edge[12]\/first-app \(intents\/first-app\.json\)/);
    }
    await git("reset", "--quiet", "--hard", base);
  });

  it("GIVEN a new revision of edge-analytics itself THEN no conflict", async () => {
    const intent = exampleJson("edge-analytics");
    intent.version = "2";
    params(intent)["io:replicas"] = 4;
    const head = await commit({ "intents/edge-analytics.json": JSON.stringify(intent, null, 2) });
    const result = await review(base, head);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    await git("reset", "--quiet", "--hard", base);
  });
});
