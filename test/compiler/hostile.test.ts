/**
 * The hostile-input suite: every generated case (test/compiler/hostileCases.ts) through the real CLI verb
 * `intentops compile <file> --out <dir>` in-process: exit 1 (never 3), every problem line names the file
 * and a JSON pointer, no raw control character reaches stdout or stderr, and nothing is written. A sample
 * also goes through `intentops render` and `intentops run`: exit 1, and rendered/, the delivery repository
 * (commits, evidence) and the run journal left byte for byte as they were.
 *
 * The cases refused only beside the other intents (`stage: "render"`: objects another intent owns) compile
 * on their own (exit 0), and are refused by `intentops render` of the whole intents/ directory and by
 * `intentops run` against a delivery repository holding the examples — the same checks, nothing recorded.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../pipeline/cli/io.js";
import { runCli } from "../../pipeline/cli/main.js";
import { INTENTS_DIR } from "./helpers.js";
import { type HostileCase, hostileCases } from "./hostileCases.js";

const CASES = hostileCases();
const FILE = "intents/hostile.json";
// C0 (but newline), DEL, C1, line/paragraph separators, bidi controls
const RAW_CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

let dir: string;
const sitesText = readFileSync(join(INTENTS_DIR, "sites.yaml"), "utf8");

const EXAMPLE_IDS = readdirSync(INTENTS_DIR)
  .filter((name) => name.endsWith(".json"))
  .map((name) => name.slice(0, -".json".length));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "intentops-hostile-"));
  cpSync(INTENTS_DIR, join(dir, "intents"), { recursive: true });
  // The examples rendered and delivered: what a later intent may not take from them.
  const render = await cli("render", "--out", "rendered");
  expect(render.code, render.err).toBe(0);
  for (const id of EXAMPLE_IDS) {
    const deliver = await cli("deliver", id, "--repo", "delivery.git");
    expect(deliver.code, deliver.err).toBe(0);
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function place(c: HostileCase): void {
  rmSync(join(dir, "compiled"), { recursive: true, force: true });
  writeFileSync(join(dir, FILE), c.intent);
  writeFileSync(join(dir, "intents", "sites.yaml"), c.sites ?? sitesText);
}

async function cli(...argv: string[]) {
  const io = memoryIo(dir);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** What a refused input must leave alone: rendered/, the delivery repository and the state directory. */
function recorded(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    if (!existsSync(at)) return;
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else out[relative(dir, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  for (const top of ["rendered", "delivery.git", ".intentops"]) walk(join(dir, top));
  return out;
}

/** Exit 1, every line after the first a `file#/pointer: message [CODE]`, no raw control character. */
function expectRefused(c: HostileCase, result: { code: number; out: string; err: string }): string[] {
  const { code, out, err } = result;
  expect(code, err).toBe(1);
  expect(RAW_CONTROL.test(out), "raw control character on stdout").toBe(false);
  expect(RAW_CONTROL.test(err), "raw control character on stderr").toBe(false);
  expect(err).not.toMatch(/\n\s+at |Maximum call stack|E_INTERNAL/);
  const lines = err.trimEnd().split("\n").slice(1);
  expect(lines.length).toBeGreaterThan(0);
  const file = c.sites === undefined ? FILE : "intents/sites.yaml";
  for (const line of lines)
    expect(line).toMatch(new RegExp(`^${file.replace(".", "\\.")}#/\\S*: .+ \\[E_[A-Z_]+\\]$`));
  return lines;
}

const RUN = ["run", FILE, "--repo", "delivery.git", "--kubeconfig", "none.kubeconfig"];

describe("hostile input is refused at the door", () => {
  it("GIVEN the generator THEN at least 300 cases in every family", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(300);
    const families = new Set(CASES.map((c) => c.family));
    expect(families.size).toBeGreaterThanOrEqual(13);
    expect(CASES.filter((c) => c.family === "ownership").length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.filter((c) => c.stage === undefined).map((c) => [`${c.family}: ${c.name}`, c] as const))(
    "%s",
    async (_name, c) => {
      place(c);
      expectRefused(c, await cli("compile", FILE, "--out", "compiled"));
      expect(existsSync(join(dir, "compiled"))).toBe(false);
    },
  );

  it.each(CASES.filter((c) => c.stage === "render").map((c) => [`${c.family}: ${c.name}`, c] as const))(
    "%s (render and run)",
    async (_name, c) => {
      place(c);
      expect((await cli("compile", FILE)).code, "compiles on its own").toBe(0);
      const before = recorded();
      const code = `[${c.code ?? "E_OWNERSHIP_CONFLICT"}]`;
      const render = expectRefused(c, await cli("render", "--out", "rendered"));
      for (const line of render) expect(line.endsWith(code), line).toBe(true);
      if (c.family === "ownership") {
        expect(render.join("\n")).toMatch(
          /already rendered by (edge1|edge2|openstack1)\/[a-z0-9-]+ \(intents\//,
        );
      }
      expect(recorded()).toEqual(before);
      const run = expectRefused(c, await cli(...RUN));
      for (const line of run) expect(line.endsWith(code), line).toBe(true);
      expect(recorded()).toEqual(before);
    },
  );

  it("GIVEN a sample of the cases WHEN rendered and run THEN exit 1 and nothing is written or recorded", async () => {
    const sample = CASES.filter((c, i) => c.stage === undefined && i % 29 === 0);
    expect(sample.length).toBeGreaterThan(9);
    for (const c of sample) {
      place(c);
      const before = recorded();
      const { code, err } = await cli("render", "--out", "rendered");
      expect(code, `${c.name}: ${err}`).toBe(1);
      expect(RAW_CONTROL.test(err)).toBe(false);
      expect(recorded()).toEqual(before);
      const run = await cli(...RUN);
      expect(run.code, `${c.name}: ${run.err}`).toBe(1);
      expect(RAW_CONTROL.test(run.err + run.out)).toBe(false);
      expect(recorded()).toEqual(before);
    }
  });
});
