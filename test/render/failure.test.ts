// All or nothing: when any intent cannot be compiled or generated, `intentops render` exits non-zero and
// the output tree is byte for byte what it was, with no temporary directories left behind.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import {
  cleanupTempDirs,
  contentOf,
  runRender,
  snapshot,
  tempLeftovers,
  workspaceWithExamples,
} from "./helpers.js";

afterAll(cleanupTempDirs);

/** A workspace rendered once, with one intent changed (so that it would be re-rendered) and one broken. */
async function renderedThenBroken(breakIt: (dir: string) => void): Promise<string> {
  const dir = await workspaceWithExamples();
  expect((await runRender(dir)).code).toBe(0);
  const file = join(dir, "intents/edge-analytics.json");
  writeFileSync(file, readFileSync(file, "utf8").replace('"version": "1"', '"version": "2"'));
  breakIt(dir);
  return dir;
}

function editDnsParams(dir: string, edit: (params: Record<string, unknown>) => void): void {
  const path = join(dir, "intents/analytics-dns.json");
  const intent = JSON.parse(readFileSync(path, "utf8"));
  edit(intent.expression.expressionValue["icm:hasExpectation"][0]["icm:params"]);
  writeFileSync(path, JSON.stringify(intent, null, 2));
}

/**
 * Adds `zz-dns.json`: a CNAME record with two targets. The compiler accepts it; the generator refuses it. Its
 * package `edge1/zz-dns` sorts after `edge1/edge-analytics`, so that one is staged before the failure.
 */
function addBadCname(dir: string): void {
  const intent = JSON.parse(readFileSync(join(dir, "intents/analytics-dns.json"), "utf8"));
  intent.id = "zz-dns";
  intent.expression.expressionValue["@id"] = "io:zz-dns";
  const params = intent.expression.expressionValue["icm:hasExpectation"][0]["icm:params"];
  params["io:recordType"] = "CNAME";
  params["io:recordTargets"] = ["a.example.com", "b.example.com"];
  writeFileSync(join(dir, "intents/zz-dns.json"), JSON.stringify(intent, null, 2));
}

describe("a failing render changes nothing", () => {
  test("invalid input (malformed JSON) → exit 1 with E_SYNTAX, tree unchanged, no temp dirs", async () => {
    const dir = await renderedThenBroken((d) =>
      writeFileSync(join(d, "intents/zz-broken.json"), "{ not json"),
    );
    const before = snapshot(join(dir, "rendered"));
    const run = await runRender(dir, ["--json"]);
    expect(run.code).toBe(1);
    const { errors } = JSON.parse(run.stdout) as { errors: Array<{ code: string; file: string }> };
    expect(errors.map((e) => [e.code, e.file])).toEqual([["E_SYNTAX", "intents/zz-broken.json"]]);
    expect(snapshot(join(dir, "rendered"))).toEqual(before);
    expect(tempLeftovers(dir)).toEqual([]);
  });

  test("invalid input (unknown site) → exit 1 with E_UNKNOWN_SITE, tree unchanged", async () => {
    const dir = await renderedThenBroken((d) => editDnsParams(d, (p) => (p["io:site"] = "edge9")));
    const before = contentOf(join(dir, "rendered"));
    const run = await runRender(dir, ["--json"]);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout).errors as Array<{ code: string }>).map((e) => e.code)).toEqual([
      "E_UNKNOWN_SITE",
    ]);
    expect(contentOf(join(dir, "rendered"))).toEqual(before);
    expect(tempLeftovers(dir)).toEqual([]);
  });

  test("a generator failure after other packages were staged → exit 1 with E_GEN_INVALID_PARAM, tree unchanged", async () => {
    const dir = await renderedThenBroken(addBadCname);
    const before = snapshot(join(dir, "rendered"));
    const run = await runRender(dir, ["--json"]);
    expect(run.code).toBe(1);
    const { errors } = JSON.parse(run.stdout) as { errors: Array<{ code: string; file: string }> };
    // At the parameter the generator names (the CNAME's targets), not the whole document.
    expect(errors).toMatchObject([
      {
        code: "E_GEN_INVALID_PARAM",
        file: "intents/zz-dns.json",
        pointer: "/expression/expressionValue/icm:hasExpectation/0/icm:params/io:recordTargets",
      },
    ]);
    // edge1/edge-analytics (changed) was rendered into the staging tree, never swapped in.
    expect(snapshot(join(dir, "rendered"))).toEqual(before);
    expect(tempLeftovers(dir)).toEqual([]);
  });

  test("without --json the failure is a non-zero exit too, and the tree is unchanged", async () => {
    const dir = await renderedThenBroken(addBadCname);
    const before = contentOf(join(dir, "rendered"));
    const run = await runRender(dir);
    expect(run.code).toBe(1);
    expect(contentOf(join(dir, "rendered"))).toEqual(before);
  });

  test("a staging tree left by a killed render is removed by the next render; a live one is kept", async () => {
    const dir = await workspaceWithExamples();
    expect((await runRender(dir)).code).toBe(0);
    // Above Linux's pid_max (2^22), so no such process can exist.
    const dead = join(dir, "rendered/.intentops-staging-999999999/new/edge1/x");
    mkdirSync(dead, { recursive: true });
    writeFileSync(join(dead, "Kptfile"), "half-written");
    const alive = join(dir, `rendered/.intentops-staging-${process.ppid}`);
    mkdirSync(alive, { recursive: true });
    const run = await runRender(dir, ["--json"]);
    expect(run.code).toBe(0);
    expect(tempLeftovers(join(dir, "rendered"))).toEqual([`.intentops-staging-${process.ppid}`]);
  });
});
