/**
 * Merge → delivery, on real sites: the sandbox (two Go-built Kubernetes control planes, Prometheus, the
 * workload simulator), the GitHub stand-in (unmodified octokit, every request and response checked against
 * GitHub's published OpenAPI description) and the real `git http-backend` holding the repository, which
 * takes only the workflow's token.
 *
 *   a pull request adding an intent → reviewed (check run success) → merged through the API → the
 *   intent-delivery workflow's own step scripts, run by bash as the runner would → one delivery commit on
 *   main after the merge commit, a run that ends Succeeded, the objects live on both sites
 *
 *   an intent POSTed to `intentops serve --review on-request` with `Prefer: review` → a pull request, no run;
 *   merged → serve's polling sees it → the run ends Succeeded, the objects live on both sites
 *
 * HEAVY: run as `flock /tmp/heavy.lock nice -n 5 npx vitest run test/e2e/mergeDelivery.test.ts`. Needs the
 * build (`tsc -p tsconfig.json`: the workflow runs `node dist/…`, the simulator runs from dist/), the cached
 * control plane and Debian's prometheus and git.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parse, stringify } from "yaml";
import { type Serving, startServe } from "../../pipeline/api/startServe.js";
import { DEMO_PROFILES } from "../../pipeline/demo/runDemo.js";
import { readJournal, replayJournal } from "../../pipeline/run/journal.js";
import { TERMINAL } from "../../pipeline/run/runTypes.js";
import { type Sandbox, startSandbox } from "../../pipeline/sandbox/startSandbox.js";
import { gitDeps, KEYS, writeKeys } from "../api/serveHarness.js";
import {
  commitFiles,
  edit,
  type Fixture,
  json,
  OWNER,
  openPull,
  REPO,
  readIntent,
  reviewPull,
  startFixture,
  TOKEN,
} from "../review/helpers.js";
import { deliveryWorkflowSteps, runStep, stepOutputs } from "../review/workflowRunner.js";
import { gitCli, gitEnv } from "../support/gitHttpServer.js";
import { snapshotIntent } from "./helpers.js";

vi.setConfig({ testTimeout: 600_000 });

const GIT_TOKEN = "ghs_workflow_token_for_git";
const SITES = ["edge1", "edge2"];
/** The repository variable INTENTOPS_SLO_WINDOW: a short verification window keeps the file in minutes. */
const SLO_WINDOW = "24";

let sandbox: Sandbox;
let f: Fixture;
let work: string;
let sitesYaml: string;
let bare: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "intentops-merge-delivery-"));
  sandbox = await startSandbox({
    work,
    profiles: DEMO_PROFILES,
    sitesFile: join(work, "sandbox-sites.yaml"),
  });
  f = await startFixture("merge-delivery", { gitToken: GIT_TOKEN });
  bare = f.git.repoPath(`${OWNER}/${REPO}`);
  // The repository's site registry names no kubeconfig: the workflow passes the secret's (--kubeconfig).
  const registry = parse(await readFile(sandbox.sitesFile, "utf8")) as {
    sites: Array<{ kubernetes?: { kubeconfig?: string } }>;
  };
  for (const site of registry.sites) delete site.kubernetes?.kubeconfig;
  sitesYaml = stringify(registry);
  await commitFiles(f, "main", { "intents/sites.yaml": sitesYaml }, "the sandbox's sites");
}, 900_000);

afterAll(async () => {
  await f?.stop();
  await sandbox?.stop();
  if (work) await rm(work, { recursive: true, force: true });
}, 120_000);

afterEach(() => {
  expect(f.github.violations).toEqual([]);
});

const git = (args: string[]) => gitCli(args, bare);

describe("a merged pull request of an intent file", () => {
  it("is delivered by the intent-delivery workflow: a delivery commit after the merge, a run that Succeeds", async () => {
    const intent = await readIntent("edge-analytics.json");
    const before = (await git(["rev-parse", "main"])).trim();
    await commitFiles(
      f,
      "add-analytics",
      { "intents/edge-analytics.json": json(intent) },
      "edge analytics",
      "main",
    );
    const pull = await openPull(f, "add-analytics", "Edge analytics on both edge sites");
    const reviewed = await reviewPull(f, pull);
    expect(reviewed.code, reviewed.err).toBe(0);
    expect(f.github.repo(OWNER, REPO).checkRuns.at(-1)?.conclusion).toBe("success");

    const merged = await f.octokit.rest.pulls.merge({ owner: OWNER, repo: REPO, pull_number: pull.number });
    const mergeSha = merged.data.sha;

    // The runner: actions/checkout (full history, main at the pushed commit), then the job's steps.
    const ws = join(work, "workspace");
    const runnerTemp = join(work, "runner-temp");
    await mkdir(runnerTemp);
    const cloneUrl = `${f.git.url}/${OWNER}/${REPO}.git`.replace(
      "http://",
      `http://x-access-token:${GIT_TOKEN}@`,
    );
    await gitCli(["clone", "--quiet", cloneUrl, ws], work, gitEnv(ws));
    await gitCli(["remote", "set-url", "origin", `${f.git.url}/${OWNER}/${REPO}.git`], ws, gitEnv(ws)); // persist-credentials: false
    expect((await gitCli(["rev-parse", "HEAD"], ws)).trim()).toBe(mergeSha);

    const steps = await deliveryWorkflowSteps();
    const outputFile = join(runnerTemp, "github-output");
    const changed = await runStep(steps.changed, ws, {
      BEFORE: before,
      GITHUB_SHA: mergeSha,
      GITHUB_OUTPUT: outputFile,
    });
    expect(changed.code, changed.stderr).toBe(0);
    const outputs = await stepOutputs(outputFile);
    expect(outputs).toEqual({ files: "intents/edge-analytics.json", removed: "" });

    const delivered = await runStep(steps.run, ws, {
      GH_TOKEN: GIT_TOKEN,
      KUBECONFIG_DATA: await readFile(sandbox.kubeconfigPath, "utf8"),
      OS_PASSWORD: "",
      FILES: outputs.files!,
      SLO_WINDOW,
      RUNNER_TEMP: runnerTemp,
      GITHUB_SERVER_URL: f.git.url,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    });
    expect(delivered.code, `${delivered.stdout}\n${delivered.stderr}`).toBe(0);
    expect(delivered.stdout).toMatch(/edge-analytics\s+Succeeded/);
    expect(`${delivered.stdout}${delivered.stderr}`).not.toContain(GIT_TOKEN);

    // The run, from the journal the workflow keeps as its evidence artifact.
    const runs = replayJournal(await readJournal(join(runnerTemp, "intentops", "journal.jsonl")));
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.phase).toBe("Succeeded");
    // One delivery commit on main, right after the merge commit, with the rendered packages.
    const log = (await git(["log", "--format=%H %P%x1f%s", "main"])).trim().split("\n");
    const [head, parent] = log[0]!.split("\x1f")[0]!.split(" ");
    expect(head).toBe(run.data.deliveryCommit);
    expect(parent).toBe(mergeSha);
    expect(log[0]).toContain("intent edge-analytics: deliver");
    const files = (await git(["ls-tree", "-r", "--name-only", "main"])).split("\n");
    for (const site of SITES) {
      expect(files.some((p) => p.startsWith(`rendered/${site}/edge-analytics/`))).toBe(true);
      const live = await snapshotIntent(sandbox.kubeconfigPath, site, "edge-analytics");
      expect(Object.keys(live).some((ref) => ref.startsWith("Deployment/"))).toBe(true);
    }
  });
});

describe("an intent POSTed for review to intentops serve", () => {
  let serving: Serving;
  const serveWork = () => join(work, "serve");

  afterAll(async () => {
    await serving?.close();
  });

  it("waits for its pull request; merged, serve's polling runs it to Succeeded on both sites", async () => {
    await mkdir(join(serveWork(), "intents"), { recursive: true });
    await writeFile(join(serveWork(), "intents", "sites.yaml"), sitesYaml);
    await copyFile(sandbox.kubeconfigPath, join(serveWork(), "kubeconfig"));
    serving = await startServe({
      cwd: serveWork(),
      repo: { dir: join(serveWork(), "delivery.git"), remote: `${f.git.url}/${OWNER}/${REPO}.git` },
      git: { ...gitDeps(), credentials: { token: GIT_TOKEN, username: "x-access-token" } },
      keys: await writeKeys(serveWork()),
      env: { GH_TOKEN: TOKEN },
      port: 0,
      logger: pino({ level: process.env.INTENTOPS_TEST_LOG ?? "silent" }),
      kubeconfig: join(serveWork(), "kubeconfig"),
      slo: { windowSeconds: 16, intervalSeconds: 2, rateWindowSeconds: 8, forSeconds: 4, minSamples: 3 },
      healthTimeoutMs: 60_000,
      review: {
        github: `${OWNER}/${REPO}`,
        apiUrl: f.github.url,
        tokenEnv: "GH_TOKEN",
        policy: "on-request",
        pollMs: 250,
      },
    });
    // Another application (its own name, so its own objects), posted by the LLM front end's key.
    const ID = "reports-api";
    const body = edit(
      { ...(await readIntent("edge-analytics.json")), id: ID, name: "Reports API" },
      ({ deliver }) => {
        deliver["io:appName"] = "reports";
        deliver["io:image"] = "registry.example.com/reports:1.4.0";
      },
    );
    const res = await fetch(`${serving.url}/tmf-api/intentManagement/v5/intent`, {
      method: "POST",
      headers: { "x-api-key": KEYS.writer, "content-type": "application/json", prefer: "review" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { lifecycleStatus: string }).lifecycleStatus).toBe("pendingApproval");
    const number = Number(res.headers.get("x-intentops-pull-request")!.split("/").at(-1));
    expect(serving.intake.runsOf(ID)).toEqual([]);

    await f.octokit.rest.pulls.merge({ owner: OWNER, repo: REPO, pull_number: number });
    // No sync() call: serve's own polling notices the merge.
    const until = Date.now() + 300_000;
    while (!serving.intake.runsOf(ID).some((r) => TERMINAL.has(r.phase))) {
      if (Date.now() > until)
        throw new Error(`no terminal run of ${ID}: ${JSON.stringify(serving.intake.runsOf(ID))}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const run = serving.intake.runsOf(ID).at(-1)!;
    expect(run.phase, JSON.stringify(run.error)).toBe("Succeeded");
    const read = await fetch(`${serving.url}/tmf-api/intentManagement/v5/intent/${ID}`, {
      headers: { "x-api-key": KEYS.reader },
    });
    expect(((await read.json()) as { lifecycleStatus: string }).lifecycleStatus).toBe("completed");
    // The push → sites synced lag of this one run is on /metrics (gitops_sync_lag_seconds).
    const metrics = await (
      await fetch(`${serving.url}/metrics`, { headers: { "x-api-key": KEYS.reader } })
    ).text();
    expect(metrics).toMatch(/^gitops_sync_lag_seconds_count 1$/m);
    const lag = Number(/^gitops_sync_lag_seconds_sum (\S+)$/m.exec(metrics)?.[1]);
    expect(lag).toBeGreaterThan(0);
    console.log(`push → both sites applied and healthy (gitops_sync_lag_seconds): ${lag.toFixed(2)} s`);
    const files = (await git(["ls-tree", "-r", "--name-only", "main"])).split("\n");
    for (const site of SITES) {
      expect(files.some((p) => p.startsWith(`rendered/${site}/${ID}/`))).toBe(true);
      const live = await snapshotIntent(sandbox.kubeconfigPath, site, ID);
      expect(Object.keys(live).some((ref) => ref.startsWith("Deployment/"))).toBe(true);
    }
  });
});
