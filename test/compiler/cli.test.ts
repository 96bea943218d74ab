/**
 * `intentops compile`, in-process through `runCli(argv, memoryIo(dir))` on a temporary copy of intents/,
 * and once as a real process from dist/ (built by `npm test`'s `tsc` step).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import { memoryIo } from "../../pipeline/cli/io.js";
import { runCli } from "../../pipeline/cli/main.js";
import { compile, EXAMPLES, INTENTS_DIR, ROOT } from "./helpers.js";

const TOP_LEVEL = EXAMPLES.filter((e) => !e.file.includes("/revisions/"));
const BAD_FILE = "intents/zz-bad.json";
const BAD_TEXT = '{ "@type": "Intent", "id": "Bad_Id", "expression": 1 }\n';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "intentops-cli-"));
  cpSync(INTENTS_DIR, join(dir, "intents"), { recursive: true });
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const io = memoryIo(dir);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

function addBadFile(): void {
  writeFileSync(join(dir, BAD_FILE), BAD_TEXT);
}

describe("intentops compile (in-process)", () => {
  it("GIVEN intents/ THEN exit 0 and a summary line per intent", async () => {
    const { code, out, err } = await run("compile", "intents/");
    expect(code).toBe(0);
    expect(err).toBe("");
    for (const { file } of TOP_LEVEL) expect(out).toContain(`(${file}:`);
    expect(out).toContain("ok  edge1/edge-analytics, edge2/edge-analytics");
    expect(out).toContain(`${TOP_LEVEL.length} intent(s) compiled`);
  });

  it("GIVEN --json THEN stdout is JSON with the compiled intents, equal to compileIntent's", async () => {
    const { code, out } = await run("compile", "intents/", "--json");
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as { intents: unknown[] };
    const compiledAll = await Promise.all(TOP_LEVEL.map((e) => compile(e.text)));
    expect(parsed.intents).toEqual(compiledAll.map((c) => JSON.parse(stringifyCanonical(c))));
  });

  it("GIVEN --out THEN one canonical file per intent id is written", async () => {
    const { code } = await run("compile", "intents/", "--out", "compiled");
    expect(code).toBe(0);
    const written = readdirSync(join(dir, "compiled")).sort();
    const expected = await Promise.all(TOP_LEVEL.map((e) => compile(e.text)));
    expect(written).toEqual(expected.map((c) => `${c.spec.intentId}.json`).sort());
    for (const compiled of expected) {
      const text = readFileSync(join(dir, "compiled", `${compiled.spec.intentId}.json`), "utf8");
      expect(text).toBe(stringifyCanonical(compiled));
    }
  });

  it("GIVEN a single file THEN exit 0 and only that intent", async () => {
    const { code, out } = await run("compile", "intents/web-app-stack.json", "--json");
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as { intents: Array<{ spec: { intentId: string } }> };
    expect(parsed.intents.map((i) => i.spec.intentId)).toEqual(["web-app-stack"]);
  });

  it("GIVEN a directory with one bad file THEN exit 1, file#/pointer: message [CODE] on stderr, no output dir", async () => {
    addBadFile();
    const { code, out, err } = await run("compile", "intents/", "--out", "compiled");
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(existsSync(join(dir, "compiled"))).toBe(false);
    const lines = err.trimEnd().split("\n");
    expect(lines[0]).toBe("error: invalid input");
    const problems = lines.slice(1);
    expect(problems.length).toBeGreaterThan(0);
    for (const line of problems) {
      expect(line).toMatch(/^intents\/zz-bad\.json#\/\S*: .+ \[E_[A-Z_]+\]$/);
    }
    expect(problems).toContainEqual(
      expect.stringMatching(/^intents\/zz-bad\.json#\/name: .* \[E_REQUIRED\]$/),
    );
    expect(err).not.toMatch(/\n\s+at /);
  });

  it("GIVEN a bad file and an existing --out dir THEN the dir is left unchanged", async () => {
    const first = await run("compile", "intents/", "--out", "compiled");
    expect(first.code).toBe(0);
    const before = readdirSync(join(dir, "compiled")).map((f) => [
      f,
      readFileSync(join(dir, "compiled", f), "utf8"),
    ]);
    // A changed good intent next to a bad one: nothing of the good one may be written either.
    const analytics = join(dir, "intents", "edge-analytics.json");
    writeFileSync(analytics, readFileSync(analytics, "utf8").replace('"io:replicas": 3', '"io:replicas": 4'));
    addBadFile();
    const second = await run("compile", "intents/", "--out", "compiled");
    expect(second.code).toBe(1);
    const after = readdirSync(join(dir, "compiled")).map((f) => [
      f,
      readFileSync(join(dir, "compiled", f), "utf8"),
    ]);
    expect(after).toEqual(before);
  });

  it('GIVEN --json and a bad file THEN exit 1 and { "errors": [...] } on stdout', async () => {
    addBadFile();
    const { code, out, err } = await run("compile", "intents/", "--json");
    expect(code).toBe(1);
    expect(err).toBe("");
    const parsed = JSON.parse(out) as { errors: Array<{ code: string; pointer: string; file: string }> };
    expect(Object.keys(parsed)).toEqual(["errors"]);
    expect(parsed.errors.length).toBeGreaterThan(0);
    expect(parsed.errors.every((e) => e.file === BAD_FILE && /^E_[A-Z_]+$/.test(e.code))).toBe(true);
    expect(parsed.errors.map((e) => [e.code, e.pointer])).toContainEqual(["E_REQUIRED", "/name"]);
  });

  it("GIVEN a path that does not exist THEN exit 1 with E_NOT_FOUND", async () => {
    const { code, err } = await run("compile", "nowhere/");
    expect(code).toBe(1);
    expect(err).toContain("[E_NOT_FOUND]");
  });

  it.each([
    ["no argument", ["compile"]],
    ["an unknown option", ["compile", "intents/", "--frobnicate"]],
    ["an unknown verb", ["compiel", "intents/"]],
  ])("GIVEN %s THEN exit 2 (usage)", async (_name, argv) => {
    const { code, err } = await run(...argv);
    expect(code).toBe(2);
    expect(err).not.toBe("");
  });

  it("GIVEN --help THEN exit 0 and the usage on stdout", async () => {
    const { code, out } = await run("compile", "--help");
    expect(code).toBe(0);
    expect(out).toContain("Usage:");
    expect(out).toContain("--out <dir>");
  });
});

describe("intentops compile (built CLI as a process)", () => {
  const main = join(ROOT, "dist", "pipeline", "cli", "main.js");

  function node(...argv: string[]) {
    // A hang guard only: a loaded machine took over 20 s to start the CLI once.
    return spawnSync(process.execPath, [main, ...argv], { cwd: dir, encoding: "utf8", timeout: 240_000 });
  }

  it("GIVEN dist/ is built THEN compile intents/ exits 0, and a bad file exits 1 without a stack trace", () => {
    expect(existsSync(main), "run `npx tsc -p tsconfig.json` first (npm test does)").toBe(true);
    const ok = node("compile", "intents/");
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`${TOP_LEVEL.length} intent(s) compiled`);

    addBadFile();
    const bad = node("compile", "intents/");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("intents/zz-bad.json#/name: ");
    expect(bad.stderr).not.toMatch(/\n\s+at |Error:|node:internal/);
  });
});
