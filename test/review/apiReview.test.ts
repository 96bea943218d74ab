/**
 * API intents as pull requests: `intentops serve` in review mode against the GitHub stand-in (unmodified
 * octokit, every request and response checked against GitHub's published OpenAPI description) and the real
 * `git http-backend` remote that is both the GitHub repository and the delivery remote.
 *
 *   POST with `Prefer: review` → a branch with the intent file, a pull request, 201 `pendingApproval`;
 *                                nothing on main, no run
 *   the pull request merged    → intake takes the file as merged, a run, a delivery commit on main
 *   the pull request closed    → `withdrawn`, no run, nothing on main; the id can be proposed again
 *
 * No cluster answers here, so the delivered run fails at the sites and compensates
 * (test/e2e/mergeDelivery.test.ts runs a merge to Succeeded on the sandbox's real sites).
 */
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { lifecycleStatusOf } from "../../pipeline/api/lifecycleStatus.js";
import { type Serving, startServe } from "../../pipeline/api/startServe.js";
import { intentText } from "../../pipeline/intake/createIntake.js";
import { TERMINAL } from "../../pipeline/run/runTypes.js";
import { compilingIntent, gitDeps, KEYS, writeKeys } from "../api/serveHarness.js";
import { gitCli } from "../support/gitHttpServer.js";
import { commitFiles, type Fixture, OWNER, REPO, ROOT, readSites, startFixture, TOKEN } from "./helpers.js";

vi.setConfig({ testTimeout: 120_000 });

const BASE = "/tmf-api/intentManagement/v5";
let f: Fixture;
let serving: Serving;
let serveWork: string;
let bare: string;

const start = () =>
  startServe({
    cwd: serveWork,
    repo: { dir: join(serveWork, "delivery.git"), remote: `${f.git.url}/${OWNER}/${REPO}.git` },
    git: gitDeps(),
    keys: join(serveWork, "api-keys.yaml"),
    env: { GH_TOKEN: TOKEN },
    port: 0,
    logger: pino({ level: process.env.INTENTOPS_TEST_LOG ?? "silent" }),
    healthTimeoutMs: 2000,
    timeouts: { Reconciling: 10_000 },
    review: {
      github: `${OWNER}/${REPO}`,
      apiUrl: f.github.url,
      tokenEnv: "GH_TOKEN",
      policy: "on-request",
      pollMs: 0, // the tests decide when the pull requests are read (sync); polling is shown in mergeDelivery
    },
  });

beforeAll(async () => {
  f = await startFixture("api-review");
  await commitFiles(f, "main", { "intents/sites.yaml": await readSites() }, "sites");
  bare = f.git.repoPath(`${OWNER}/${REPO}`);
  serveWork = await mkdtemp(join(tmpdir(), "intentops-api-review-"));
  await writeKeys(serveWork);
  await mkdir(join(serveWork, "intents"));
  await copyFile(join(ROOT, "intents", "sites.yaml"), join(serveWork, "intents", "sites.yaml"));
  serving = await start();
}, 120_000);

afterAll(async () => {
  await serving?.close();
  await f?.stop();
  if (serveWork) await rm(serveWork, { recursive: true, force: true });
});

afterEach(() => {
  expect(f.github.violations).toEqual([]);
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${serving.url}${BASE}${path}`, {
    method,
    headers: {
      "x-api-key": KEYS.writer,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

const git = (args: string[]) => gitCli(args, bare);
const mainFiles = async () =>
  (await git(["ls-tree", "-r", "--name-only", "main"])).split("\n").filter(Boolean);
const intent = (id: string) => ({ ...compilingIntent(), id, name: `Analytics ${id}` });

describe("an intent POSTed with Prefer: review", () => {
  const ID = "analytics-reviewed";

  it("is committed to a branch and opened as a pull request, waiting for approval", async () => {
    const mainBefore = (await git(["rev-parse", "main"])).trim();
    const res = await call("POST", "/intent", intent(ID), { prefer: "review" });
    expect(res.status).toBe(201);
    expect(res.json.id).toBe(ID);
    expect(res.json.lifecycleStatus).toBe("pendingApproval");
    expect(res.headers.get("preference-applied")).toBe("review");
    expect(res.headers.get("location")).toBe(`${BASE}/intent/${ID}`);

    const pulls = f.github.repo(OWNER, REPO).pulls;
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({
      state: "open",
      head: { ref: `intentops/${ID}-1` },
      base: { ref: "main" },
    });
    expect(res.headers.get("x-intentops-pull-request")).toBe(`http://github.invalid/${OWNER}/${REPO}/pull/1`);
    // The branch is main plus exactly the intent file, as intake would have committed it.
    expect(await git(["diff", "--name-only", "main", `intentops/${ID}-1`])).toBe(`intents/${ID}.json\n`);
    expect(await git(["show", `intentops/${ID}-1:intents/${ID}.json`])).toBe(intentText(intent(ID)));
    expect((await git(["log", "-1", "--format=%an <%ae>%n%B", `intentops/${ID}-1`])).trim()).toContain(
      "Writer Bot <writer@example.test>",
    );
    // Nothing delivered, nothing run.
    expect((await git(["rev-parse", "main"])).trim()).toBe(mainBefore);
    expect(serving.intake.runsOf(ID)).toEqual([]);
    expect(serving.intake.get(ID)).toBeUndefined();

    const read = await call("GET", `/intent/${ID}`);
    expect(read.status).toBe(200);
    expect(read.json.lifecycleStatus).toBe("pendingApproval");
    expect(await serving.review!.sync()).toEqual({ merged: [], closed: [] });

    const again = await call("POST", "/intent", intent(ID), { prefer: "review" });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe("E_CONFLICT");
    expect(f.github.repo(OWNER, REPO).pulls).toHaveLength(1);
  });

  it("is delivered when the pull request is merged: intake takes it, a run, a delivery commit on main", async () => {
    const merged = await f.octokit.rest.pulls.merge({ owner: OWNER, repo: REPO, pull_number: 1 });
    expect(await serving.review!.sync()).toEqual({ merged: [ID], closed: [] });
    await serving.idle();

    const runs = serving.intake.runsOf(ID);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(TERMINAL.has(run.phase)).toBe(true);
    // Delivered: the delivery commit is on main, after the merge commit, with the rendered packages.
    const delivery = run.data.deliveryCommit!;
    expect(delivery).toMatch(/^[0-9a-f]{40}$/);
    expect((await git(["rev-list", "main"])).split("\n")).toContain(delivery);
    await git(["merge-base", "--is-ancestor", merged.data.sha, delivery]);
    const delivered = (await git(["ls-tree", "-r", "--name-only", delivery])).split("\n");
    expect(delivered).toContain(`intents/${ID}.json`);
    for (const site of ["edge1", "edge2"]) {
      expect(delivered.filter((p) => p.startsWith(`rendered/${site}/${ID}/`)).length).toBeGreaterThan(0);
    }
    expect(run.data.deliveryCommitted).toBe(true);
    // No cluster answers in this file: the run fails at the sites after delivery (and compensates by
    // reverting the delivery commit) — mergeDelivery.test.ts runs a merge to Succeeded on real sites.
    expect(run.phase).not.toMatch(/^Succeeded/);

    const read = await call("GET", `/intent/${ID}`);
    expect(read.json.lifecycleStatus).toBe(lifecycleStatusOf(run));
    expect(read.json.lifecycleStatus).toBe("failed");
    expect(await serving.review!.sync()).toEqual({ merged: [], closed: [] });
  });
});

describe("a proposal whose pull request is closed unmerged", () => {
  const ID = "analytics-withdrawn";

  it("is withdrawn: no run, nothing on main; the id can be proposed again", async () => {
    const res = await call("POST", "/intent", intent(ID), { prefer: "respond-async, review" });
    expect(res.status).toBe(201);
    const number = Number(res.headers.get("x-intentops-pull-request")!.split("/").at(-1));
    await f.octokit.rest.pulls.update({ owner: OWNER, repo: REPO, pull_number: number, state: "closed" });
    expect(await serving.review!.sync()).toEqual({ merged: [], closed: [ID] });

    const read = await call("GET", `/intent/${ID}`);
    expect(read.status).toBe(200);
    expect(read.json.lifecycleStatus).toBe("withdrawn");
    expect(serving.intake.runsOf(ID)).toEqual([]);
    expect((await mainFiles()).filter((p) => p.includes(ID))).toEqual([]);

    const again = await call("POST", "/intent", intent(ID), { prefer: "review" });
    expect(again.status).toBe(201);
    expect(again.json.lifecycleStatus).toBe("pendingApproval");
    const open = f.github.repo(OWNER, REPO).pulls.filter((p) => p.state === "open");
    expect(open.map((p) => p.head.ref)).toEqual([`intentops/${ID}-2`]);
  });
});

describe("an intent POSTed without the preference (policy on-request)", () => {
  it("is accepted as before: committed to main, run, no pull request", async () => {
    const ID = "analytics-direct";
    const pullsBefore = f.github.repo(OWNER, REPO).pulls.length;
    const res = await call("POST", "/intent", intent(ID));
    expect(res.status).toBe(201);
    expect(res.headers.get("preference-applied")).toBeNull();
    expect(res.json.lifecycleStatus).not.toBe("pendingApproval");
    expect(f.github.repo(OWNER, REPO).pulls).toHaveLength(pullsBefore);
    expect(await mainFiles()).toContain(`intents/${ID}.json`);
    expect(serving.intake.runsOf(ID)).toHaveLength(1);
  });
});

describe("GitHub refusing the pull request", () => {
  it("answers 503 and keeps nothing: no proposal, no run; the same request then succeeds", async () => {
    const ID = "analytics-retried";
    f.github.inject("pulls/create", 422);
    const res = await call("POST", "/intent", intent(ID), { prefer: "review" });
    expect(res.status).toBe(503);
    expect(res.json.code).toBe("E_REVIEW_UNAVAILABLE");
    expect(res.headers.get("retry-after")).toBe("5");
    expect(JSON.stringify(res.json)).not.toContain(TOKEN);
    expect((await call("GET", `/intent/${ID}`)).status).toBe(404);
    expect(serving.intake.runsOf(ID)).toEqual([]);

    const again = await call("POST", "/intent", intent(ID), { prefer: "review" });
    expect(again.status).toBe(201);
    const pull = f.github.repo(OWNER, REPO).pulls.at(-1)!;
    expect(pull.head.ref).toBe(`intentops/${ID}-1`);
    expect(await git(["diff", "--name-only", `main...${pull.head.ref}`])).toBe(`intents/${ID}.json\n`);
  });
});

describe("a proposal across a restart of serve", () => {
  it("is still waiting after the restart, and delivered when merged then", async () => {
    const ID = "analytics-withdrawn"; // proposed again above: its second pull request is open
    await serving.close();
    serving = await start();
    expect((await call("GET", `/intent/${ID}`)).json.lifecycleStatus).toBe("pendingApproval");
    const pull = f.github.repo(OWNER, REPO).pulls.find((p) => p.head.ref === `intentops/${ID}-2`)!;
    await f.octokit.rest.pulls.merge({ owner: OWNER, repo: REPO, pull_number: pull.number });
    expect(await serving.review!.sync()).toEqual({ merged: [ID], closed: [] });
    await serving.idle();
    const run = serving.intake.runsOf(ID).at(-1)!;
    expect(TERMINAL.has(run.phase)).toBe(true);
    expect(run.data.deliveryCommitted).toBe(true);
  });
});
