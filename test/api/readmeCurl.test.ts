/**
 * The README's curl examples for `intentops serve`, run as written (bash, curl -f: any HTTP error fails)
 * against a running service, in order; and `intentops serve --help`.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { memoryIo } from "../../pipeline/cli/io.js";
import { runCli } from "../../pipeline/cli/main.js";
import { type Harness, KEYS, startHarness } from "./serveHarness.js";

const execFileP = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => h?.stop());

it("runs every curl example of the README as written", async () => {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  const block = /<!-- serve-curl:start -->\n```sh\n([\s\S]*?)```\n<!-- serve-curl:end -->/.exec(readme);
  expect(block).not.toBeNull();
  const lines = block![1]!.split("\n").filter((l) => l.startsWith("curl "));
  expect(lines.length).toBeGreaterThanOrEqual(10);
  for (const line of lines) {
    // DELETE waits for the intent's run; let it finish first rather than race it.
    if (line.includes("-X DELETE")) await h.serving.idle();
    const { stdout } = await execFileP("bash", ["-c", line], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, BASE: h.base, KEY: KEYS.admin },
    }).catch((error: { stderr?: string; stdout?: string; message: string }) => {
      throw new Error(`${line}\n${error.message}\n${error.stdout ?? ""}`);
    });
    if (line.includes('/api/intent"')) expect(JSON.parse(stdout).intentId).toBe("edge-analytics");
  }
}, 240_000);

it("documents serve in --help", async () => {
  const io = memoryIo(ROOT);
  expect(await runCli(["serve", "--help"], io)).toBe(0);
  for (const flag of ["--api-keys", "--remote", "--port", "--rate-limit", "--body-limit", "--state"]) {
    expect(io.out()).toContain(flag);
  }
  const noRemote = memoryIo(ROOT);
  expect(await runCli(["serve", "--api-keys", "x.yaml"], noRemote)).toBe(2);
  expect(noRemote.err()).toContain("--remote");
});
