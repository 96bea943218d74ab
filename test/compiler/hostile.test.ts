/**
 * The hostile-input suite: every generated case (test/compiler/hostileCases.ts) through the real CLI verb
 * `intentops compile <file> --out <dir>` in-process: exit 1 (never 3), every problem line names the file
 * and a JSON pointer, no raw control character reaches stdout or stderr, and nothing is written. A sample
 * also goes through `intentops render`: exit 1 and rendered/ left exactly as it was.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "intentops-hostile-"));
  cpSync(INTENTS_DIR, join(dir, "intents"), { recursive: true });
});
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

describe("hostile input is refused at the door", () => {
  it("GIVEN the generator THEN at least 300 cases in every family", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(300);
    const families = new Set(CASES.map((c) => c.family));
    expect(families.size).toBeGreaterThanOrEqual(11);
  });

  it.each(CASES.map((c) => [`${c.family}: ${c.name}`, c] as const))("%s", async (_name, c) => {
    place(c);
    const { code, out, err } = await cli("compile", FILE, "--out", "compiled");
    expect(code, err).toBe(1);
    expect(existsSync(join(dir, "compiled"))).toBe(false);
    expect(RAW_CONTROL.test(out), "raw control character on stdout").toBe(false);
    expect(RAW_CONTROL.test(err), "raw control character on stderr").toBe(false);
    expect(err).not.toMatch(/\n\s+at |Maximum call stack|E_INTERNAL/);
    const lines = err.trimEnd().split("\n").slice(1);
    expect(lines.length).toBeGreaterThan(0);
    const file = c.sites === undefined ? FILE : "intents/sites.yaml";
    for (const line of lines)
      expect(line).toMatch(new RegExp(`^${file.replace(".", "\\.")}#/\\S*: .+ \\[E_[A-Z_]+\\]$`));
  });

  it("GIVEN a sample of the cases WHEN rendered THEN exit 1 and rendered/ is untouched", async () => {
    const sample = CASES.filter((_, i) => i % 29 === 0);
    for (const c of sample) {
      place(c);
      const before = existsSync(join(dir, "rendered")) ? readdirSync(join(dir, "rendered")) : [];
      const { code, err } = await cli("render", "--out", "rendered");
      expect(code, `${c.name}: ${err}`).toBe(1);
      expect(existsSync(join(dir, "rendered")) ? readdirSync(join(dir, "rendered")) : []).toEqual(before);
      expect(RAW_CONTROL.test(err)).toBe(false);
    }
  });
});
