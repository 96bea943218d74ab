/**
 * The intent-delivery workflow's own `run:` scripts, run the way GitHub's runner runs them (`bash --noprofile
 * --norc -eo pipefail`), in a checked-out workspace, with the environment the step declares. Shared by the
 * merge → delivery tests (light: test/review/mergeWorkflow.test.ts; on real sites: test/e2e/mergeDelivery).
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { ROOT } from "./helpers.js";

const execFileP = promisify(execFile);

/** The `changed intents` and `run the changed intents` scripts, the latter calling this checkout's dist/. */
export async function deliveryWorkflowSteps(): Promise<{ changed: string; run: string }> {
  const doc = parse(await readFile(join(ROOT, ".github", "workflows", "intent-delivery.yml"), "utf8")) as {
    jobs: { deliver: { steps: Array<{ name?: string; run?: string }> } };
  };
  const step = (name: string) => doc.jobs.deliver.steps.find((s) => s.name === name)!.run!;
  // `npm install` builds dist/ in the workflow's checkout; the repository under test has none: use ours.
  const run = step("run the changed intents through the pipeline").replace(
    /node dist\//g,
    `node ${join(ROOT, "dist")}/`,
  );
  return { changed: step("changed intents"), run };
}

export async function runStep(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(
      "bash",
      ["--noprofile", "--norc", "-eo", "pipefail", "-c", script],
      { cwd, env: { PATH: process.env.PATH, HOME: cwd, ...env }, maxBuffer: 1 << 26 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The `key=value` lines a step wrote to `$GITHUB_OUTPUT`. */
export async function stepOutputs(file: string): Promise<Record<string, string>> {
  return Object.fromEntries(
    (await readFile(file, "utf8"))
      .trim()
      .split("\n")
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}
