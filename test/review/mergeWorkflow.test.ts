/**
 * Merge → delivery without sites: a pull request adding an intent is merged through the GitHub stand-in
 * (unmodified octokit, OpenAPI-checked), and the intent-delivery workflow's own step scripts run as the
 * runner would, against the real `git http-backend` that takes only the workflow's token. The run makes its
 * delivery commit right after the merge commit and ends in a terminal state; no cluster answers here, so it
 * fails at the sites and its compensation reverts the delivery (exit 3) — test/e2e/mergeDelivery.test.ts
 * runs the same merge to Succeeded on the sandbox's real sites.
 */
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJournal, replayJournal } from "../../pipeline/run/journal.js";
import { TERMINAL } from "../../pipeline/run/runTypes.js";
import { gitCli, gitEnv } from "../support/gitHttpServer.js";
import {
  commitFiles,
  type Fixture,
  json,
  OWNER,
  openPull,
  REPO,
  readIntent,
  readSites,
  startFixture,
} from "./helpers.js";
import { deliveryWorkflowSteps, runStep, stepOutputs } from "./workflowRunner.js";

const GIT_TOKEN = "ghs_workflow_token_for_git";
const NO_CLUSTERS = "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n";
let f: Fixture;

beforeAll(async () => {
  f = await startFixture("merge-workflow", { gitToken: GIT_TOKEN });
  await commitFiles(f, "main", { "intents/sites.yaml": await readSites() }, "sites");
}, 120_000);

afterAll(async () => {
  await f?.stop();
});

describe("a merged pull request of an intent file, no site reachable", () => {
  it("gets a delivery commit right after the merge commit and a run that ends", async () => {
    const bare = f.git.repoPath(`${OWNER}/${REPO}`);
    const git = (args: string[]) => gitCli(args, bare);
    const before = (await git(["rev-parse", "main"])).trim();
    const intent = await readIntent("edge-analytics.json");
    await commitFiles(f, "add", { "intents/edge-analytics.json": json(intent) }, "edge analytics", "main");
    const pull = await openPull(f, "add", "Edge analytics");
    const merged = await f.octokit.rest.pulls.merge({ owner: OWNER, repo: REPO, pull_number: pull.number });

    const ws = join(f.work, "..", `${REPO}-workspace-${pull.number}`);
    const runnerTemp = `${ws}-temp`;
    try {
      await mkdir(runnerTemp);
      const url = `${f.git.url}/${OWNER}/${REPO}.git`;
      await gitCli(
        ["clone", "--quiet", url.replace("http://", `http://x-access-token:${GIT_TOKEN}@`), ws],
        f.work,
        gitEnv(ws),
      );
      await gitCli(["remote", "set-url", "origin", url], ws, gitEnv(ws));
      const steps = await deliveryWorkflowSteps();
      const output = join(runnerTemp, "github-output");
      const changed = await runStep(steps.changed, ws, {
        BEFORE: before,
        GITHUB_SHA: merged.data.sha,
        GITHUB_OUTPUT: output,
      });
      expect(changed.code, changed.stderr).toBe(0);
      const outputs = await stepOutputs(output);
      expect(outputs).toEqual({ files: "intents/edge-analytics.json", removed: "" });

      const delivered = await runStep(steps.run, ws, {
        GH_TOKEN: GIT_TOKEN,
        KUBECONFIG_DATA: NO_CLUSTERS,
        OS_PASSWORD: "",
        FILES: outputs.files!,
        RUNNER_TEMP: runnerTemp,
        GITHUB_SERVER_URL: f.git.url,
        GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      });
      expect(`${delivered.stdout}${delivered.stderr}`).not.toContain(GIT_TOKEN);
      const runs = replayJournal(await readJournal(join(runnerTemp, "intentops", "journal.jsonl")));
      expect(runs).toHaveLength(1);
      const run = runs[0]!;
      expect(TERMINAL.has(run.phase)).toBe(true);
      expect(delivered.code, delivered.stderr).toBe(3); // Failed or CompensationFailed: the sites did not answer
      expect(delivered.stdout).toContain(`edge-analytics           ${run.phase}`);

      // The delivery commit follows the merge commit on the remote's main, with the rendered packages.
      const delivery = run.data.deliveryCommit!;
      expect((await git(["rev-parse", `${delivery}^`])).trim()).toBe(merged.data.sha);
      expect(await git(["log", "-1", "--format=%s", delivery])).toMatch(/^intent edge-analytics: deliver/);
      const files = (await git(["ls-tree", "-r", "--name-only", delivery])).split("\n");
      for (const site of ["edge1", "edge2"]) {
        expect(files.some((p) => p.startsWith(`rendered/${site}/edge-analytics/`))).toBe(true);
      }
      await git(["merge-base", "--is-ancestor", delivery, "main"]);
      // …and the failure at the sites was compensated by reverting it.
      // (In the checkout itself this revert was refused — the delivery had moved HEAD under the work tree —
      // hence the workflow's own delivery repository.)
      expect(run.data.compensation?.revertCommit).toBe((await git(["rev-parse", "main"])).trim());
      expect((await git(["log", "-1", "--format=%s", "main"])).trim()).toBe(
        `Revert "${(await git(["log", "-1", "--format=%s", delivery])).trim()}"`,
      );
      expect(f.github.violations).toEqual([]);
    } finally {
      await rm(ws, { recursive: true, force: true });
      await rm(runnerTemp, { recursive: true, force: true });
    }
  });
});
