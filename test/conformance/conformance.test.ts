// Conformance of our render and our functions with kpt, case by case (see cases.ts for the layout).
// Every case runs twice: through the real kpt (`kpt fn render` / `kpt fn eval --exec`) with our
// functions as exec functions, and in-process (renderPackage / evalPackage). Both must leave the
// diff in `.expected/diff.patch` and exit as `.expected/config.yaml` says; a successful render is
// then run four more times under kpt and must not change a byte (comments included).
// UPDATE_GOLDEN=1 writes kpt's diff as the expectation — review it against kpt's documentation.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { evalPackage, renderPackage } from "../../functions/runtime/index.js";
import { stdlibRegistry } from "../../functions/stdlib/index.js";
import { readPackageDir, writePackageDir } from "../../pipeline/kpt/index.js";
import {
  BIN,
  type Case,
  caseFiles,
  diffOf,
  KPT,
  kpt,
  kptResults,
  listCases,
  normalisePatch,
  removeDir,
  stage,
} from "./cases.js";

const UPDATE = process.env["UPDATE_GOLDEN"] === "1";
const made: string[] = [];
const staged = async (files: Record<string, string>) => {
  const dir = await stage(files);
  made.push(dir);
  return dir;
};

beforeAll(() => {
  if (!existsSync(KPT)) throw new Error(`${KPT} is missing: the conformance suite needs the real kpt`);
  if (!existsSync(join(BIN, "set-labels.js")))
    throw new Error(`missing ${BIN}: run npx tsc -p tsconfig.json`);
});
afterAll(async () => {
  await Promise.all(made.map(removeDir));
});

async function expectDiff(c: Case, dir: string, who: string): Promise<string> {
  const diff = await diffOf(dir);
  if (UPDATE && who === "kpt") {
    await writeFile(join(c.dir, ".expected", "diff.patch"), diff);
    return diff;
  }
  expect(diff, `${c.name}: diff after ${who}`).toBe(normalisePatch(c.expectedDiff));
  return diff;
}

const fnOf = (c: Case) => c.config.fn ?? c.name.split("/")[0] ?? "";
const execOf = (c: Case) => `node ${BIN}/${fnOf(c)}.js`;

async function fnConfigOf(c: Case) {
  if (!c.config.fnConfig) return undefined;
  const text = await readFile(join(c.dir, ".expected", c.config.fnConfig), "utf8");
  return { path: join(c.dir, ".expected", c.config.fnConfig), object: parse(text) };
}

describe.each(listCases("render"))("kpt fn render conformance: $name", (c) => {
  test("real kpt with our exec functions: expected diff and exit code; 4 more renders change nothing", async () => {
    const dir = await staged(caseFiles(c));
    const first = await kpt(["fn", "render", dir, "--allow-exec", "--truncate-output=false"]);
    expect(first.code, `${c.name}: kpt exit code\n${first.stderr}`).toBe(c.config.exitCode);
    const diff = await expectDiff(c, dir, "kpt");
    if (c.config.exitCode !== 0) return;
    for (let i = 2; i <= 5; i++) {
      const again = await kpt(["fn", "render", dir, "--allow-exec"]);
      expect(again.code, `${c.name}: render ${i}\n${again.stderr}`).toBe(0);
      expect(await diffOf(dir), `${c.name}: render ${i} changed the package`).toBe(diff);
    }
  }, 600_000);

  test("in-process renderPackage: the same diff and outcome", async () => {
    const dir = await staged(caseFiles(c));
    const before = await readPackageDir(dir);
    const out = await renderPackage({ files: before, registry: stdlibRegistry });
    expect(out.ok ? 0 : 1, `${c.name}: ${out.ok ? "" : out.error.message}`).toBe(c.config.exitCode);
    if (!out.ok && c.config.errorCode) expect(out.error.code).toBe(c.config.errorCode);
    if (out.ok) {
      await writePackageDir(dir, before, out.files);
      // Rendering the rendered package again changes nothing.
      const again = await renderPackage({ files: out.files, registry: stdlibRegistry });
      expect(again.ok && again.files, `${c.name}: second in-process render`).toEqual(out.files);
    }
    expect(await diffOf(dir), `${c.name}: diff after the in-process render`).toBe(
      normalisePatch(c.expectedDiff),
    );
  });
});

describe.each(listCases("fn"))("kpt fn eval conformance: $name", (c) => {
  test("real kpt fn eval --exec and in-process evalPackage: same diff, exit code and results", async () => {
    const fnConfig = await fnConfigOf(c);
    const args = Object.entries(c.config.args ?? {}).map(([k, v]) => `${k}=${v}`);
    const kptDir = await staged(caseFiles(c));
    const resultsDir = await mkdtemp(join(tmpdir(), "intentops-results-"));
    made.push(resultsDir);
    const byKpt = await kpt([
      "fn",
      "eval",
      kptDir,
      "--exec",
      execOf(c),
      "--results-dir",
      resultsDir,
      "--truncate-output=false",
      ...(fnConfig ? ["--fn-config", fnConfig.path] : []),
      ...(args.length > 0 ? ["--", ...args] : []),
    ]);
    expect(byKpt.code, `${c.name}: kpt exit code\n${byKpt.stderr}`).toBe(c.config.exitCode);
    await expectDiff(c, kptDir, "kpt");

    const dir = await staged(caseFiles(c));
    const before = await readPackageDir(dir);
    const out = await evalPackage({
      files: before,
      registry: stdlibRegistry,
      exec: execOf(c),
      ...(c.config.args ? { args: c.config.args } : {}),
      ...(fnConfig ? { functionConfig: fnConfig.object } : {}),
    });
    expect(out.ok ? 0 : 1, `${c.name}: ${out.ok ? "" : out.error.message}`).toBe(c.config.exitCode);
    if (!out.ok && c.config.errorCode) expect(out.error.code).toBe(c.config.errorCode);
    if (out.ok) await writePackageDir(dir, before, out.files);
    expect(await diffOf(dir), `${c.name}: diff after the in-process eval`).toBe(
      normalisePatch(c.expectedDiff),
    );
    // The structured results are the same both ways (failures included: always a ResourceList).
    const inProcess = JSON.parse(JSON.stringify(out.results.items.flatMap((i) => i.results ?? [])));
    expect(inProcess, `${c.name}: results`).toEqual((await kptResults(resultsDir)) ?? []);
  }, 300_000);
});
