/**
 * The GitHub workflows of intent pull requests and delivery: they lint clean with actionlint (the GitHub
 * Actions linter: syntax, expressions, permission scopes, action inputs, runner labels; built from the Go
 * module proxy by .ci/install and cached under ~/.cache/intentops/actionlint/), they ask for the least
 * permissions they need, and every `intentops` verb and flag they call exists.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { memoryIo } from "../../pipeline/cli/io.js";
import { buildProgram } from "../../pipeline/cli/main.js";
import { gitCli, gitEnv } from "../support/gitHttpServer.js";
import { ROOT } from "./helpers.js";

const execFileP = promisify(execFile);
const ACTIONLINT =
  process.env.INTENTOPS_ACTIONLINT ??
  join(homedir(), ".cache", "intentops", "actionlint", "v1.7.12", "actionlint");
const WORKFLOWS = ["intent-review.yml", "intent-delivery.yml"];

async function actionlint(cwd: string, files: string[]) {
  try {
    const { stdout } = await execFileP(ACTIONLINT, ["-no-color", "-oneline", ...files], { cwd });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; message: string };
    if (e.code === "ENOENT") throw new Error(`actionlint is not at ${ACTIONLINT}: run bash .ci/install`);
    return { code: Number(e.code), out: e.stdout ?? e.message };
  }
}

async function workflow(name: string) {
  return parse(await readFile(join(ROOT, ".github", "workflows", name), "utf8")) as {
    on: Record<string, unknown>;
    permissions: unknown;
    jobs: Record<string, { permissions: Record<string, string>; steps: Array<{ run?: string }> }>;
  };
}

describe("workflows", () => {
  it("lint clean with actionlint", async () => {
    const { code, out } = await actionlint(
      ROOT,
      WORKFLOWS.map((w) => join(".github", "workflows", w)),
    );
    expect(out).toBe("");
    expect(code).toBe(0);
  });

  it("actionlint does find faults (an unknown permission scope, a bad expression)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "intentops-actionlint-"));
    try {
      await mkdir(join(dir, ".github", "workflows"), { recursive: true });
      const bad = (await readFile(join(ROOT, ".github", "workflows", "intent-review.yml"), "utf8"))
        .replace("checks: write", "checkruns: write")
        .replace("${{ github.event.pull_request.number }}", "${{ github.event.pull_request.number ");
      await writeFile(join(dir, ".github", "workflows", "bad.yml"), bad);
      const { code, out } = await actionlint(dir, [join(".github", "workflows", "bad.yml")]);
      expect(code).toBe(1);
      expect(out).toContain('unknown permission scope "checkruns"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("ask for no permission by default and the least each job needs", async () => {
    const review = await workflow("intent-review.yml");
    expect(review.permissions).toEqual({});
    expect(Object.keys(review.on)).toEqual(["pull_request"]);
    expect(review.jobs.review!.permissions).toEqual({
      contents: "read",
      "pull-requests": "write",
      checks: "write",
    });
    const delivery = await workflow("intent-delivery.yml");
    expect(delivery.permissions).toEqual({});
    expect(delivery.on).toEqual({ push: { branches: ["main"], paths: ["intents/**"] } });
    expect(delivery.jobs.deliver!.permissions).toEqual({ contents: "write" });
  });

  it("call only intentops verbs and flags that exist", async () => {
    const program = buildProgram(memoryIo(ROOT));
    const calls: string[][] = [];
    for (const name of WORKFLOWS) {
      for (const job of Object.values((await workflow(name)).jobs)) {
        for (const step of job.steps) {
          const script = (step.run ?? "").replace(/\\\n/g, " ");
          for (const m of script.matchAll(/node dist\/pipeline\/cli\/main\.js ([^\n]+)/g)) {
            calls.push(m[1]!.trim().split(/\s+/));
          }
        }
      }
    }
    expect(calls.map((c) => c[0])).toEqual(["review", "run", "delete"]);
    for (const [verb, ...args] of calls) {
      const command = program.commands.find((c: Command) => c.name() === verb);
      expect(command, `verb ${verb}`).toBeDefined();
      const known = new Set(command!.options.map((o) => o.long));
      // Flags standing alone, and those inside a parameter expansion (`${WINDOW:+--window "$WINDOW"}`).
      for (const flag of args.flatMap((a) => [...a.matchAll(/(?:^|:\+)(--[a-z][a-z-]*)/g)].map((m) => m[1]!)))
        expect(known, `${verb} ${flag}`).toContain(flag);
    }
  });

  it("deliver what a push added or changed and withdraw what it removed (a removal that looks like a rename too)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "intentops-changed-"));
    try {
      const git = (args: string[]) => gitCli(args, dir, gitEnv(dir));
      await git(["init", "--quiet", "-b", "main"]);
      await mkdir(join(dir, "intents"));
      for (const name of ["a", "b"]) await writeFile(join(dir, "intents", `${name}.json`), "{}\n");
      await writeFile(join(dir, "intents", "sites.yaml"), "sites: []\n");
      await git(["add", "."]);
      await git(["commit", "--quiet", "-m", "first"]);
      const before = (await git(["rev-parse", "HEAD"])).trim();
      await git(["rm", "--quiet", "intents/b.json"]);
      await writeFile(join(dir, "intents", "a.json"), '{"changed":true}\n');
      await writeFile(join(dir, "intents", "c.json"), "{}\n"); // b's bytes: git would call it a rename
      await git(["add", "."]);
      await git(["commit", "--quiet", "-m", "second"]);
      const sha = (await git(["rev-parse", "HEAD"])).trim();
      const step = (await workflow("intent-delivery.yml")).jobs.deliver!.steps.find(
        (s) => (s as { name?: string }).name === "changed intents",
      )!.run!;
      const outputs = async (beforeSha: string) => {
        const out = join(dir, `output-${beforeSha.slice(0, 4)}`);
        await execFileP("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step], {
          cwd: dir,
          env: { PATH: process.env.PATH, HOME: dir, BEFORE: beforeSha, GITHUB_SHA: sha, GITHUB_OUTPUT: out },
        });
        return await readFile(out, "utf8");
      };
      expect(await outputs(before)).toBe("files=intents/a.json intents/c.json\nremoved=b\n");
      // The first push of a branch has no before: every intent is delivered, nothing withdrawn.
      expect(await outputs("0".repeat(40))).toBe("files=intents/a.json intents/c.json\nremoved=\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
