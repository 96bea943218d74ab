/**
 * The GitHub stand-in is held to GitHub's published description — and the check can fail: a response
 * that breaks the schema, a request the description rejects, a route GitHub does not have and an
 * undocumented status are all reported as violations.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { commitFiles, type Fixture, OWNER, openPull, REPO, startFixture } from "./helpers.js";

// Git pushes, two renders per change and a server per request: minutes on a loaded two-core machine.
vi.setConfig({ testTimeout: 180_000 });

let f: Fixture;
let pr: { number: number; base: string; head: string };

beforeAll(async () => {
  f = await startFixture("contract");
  await commitFiles(f, "main", { "README.md": "intents\n" }, "first");
  await commitFiles(f, "topic", { "README.md": "intents, changed\n" }, "second", "main");
  pr = await openPull(f, "topic", "A change");
}, 120_000);

afterAll(async () => {
  await f?.stop();
});

beforeEach(() => {
  f.github.violations.length = 0;
});

describe("the GitHub stand-in's contract check", () => {
  it("accepts what octokit sends and what the stand-in answers", async () => {
    const { data } = await f.octokit.rest.issues.createComment({
      owner: OWNER,
      repo: REPO,
      issue_number: pr.number,
      body: "hi",
    });
    await f.octokit.rest.issues.updateComment({
      owner: OWNER,
      repo: REPO,
      comment_id: data.id,
      body: "hello",
    });
    await f.octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: pr.number });
    await f.octokit.rest.git.getRef({ owner: OWNER, repo: REPO, ref: "heads/topic" });
    await f.octokit.rest.repos.createCommitStatus({
      owner: OWNER,
      repo: REPO,
      sha: pr.head,
      state: "success",
      context: "t",
    });
    await f.octokit.rest.issues.deleteComment({ owner: OWNER, repo: REPO, comment_id: data.id });
    expect(f.github.violations).toEqual([]);
  });

  it("reports a response body that breaks the schema", async () => {
    f.github.corrupt("issues/create-comment", (body) => {
      delete body.node_id;
      body.id = "not a number";
    });
    await f.octokit.rest.issues.createComment({
      owner: OWNER,
      repo: REPO,
      issue_number: pr.number,
      body: "x",
    });
    expect(f.github.violations).toHaveLength(1);
    expect(f.github.violations[0]).toMatchObject({ operationId: "issues/create-comment", where: "response" });
    expect(f.github.violations[0]!.message).toContain("node_id");
    expect(f.github.violations[0]!.message).toContain("/id must be integer");
  });

  it("reports and refuses a request the description rejects", async () => {
    const refused = await f.octokit
      .request("POST /repos/{owner}/{repo}/check-runs", {
        owner: OWNER,
        repo: REPO,
        name: "x",
        head_sha: pr.head,
        status: "finished" as "completed", // what the description forbids, sent on purpose
      })
      .catch((error: { status: number }) => error);
    expect((refused as { status: number }).status).toBe(422);
    expect(f.github.violations.map((v) => v.where)).toEqual(["request"]);
    expect(f.github.violations[0]!.message).toContain("/status must be equal to one of the allowed values");
  });

  it("reports a route GitHub does not have, and an undocumented status", async () => {
    await f.octokit
      .request("GET /repos/{owner}/{repo}/intents", { owner: OWNER, repo: REPO })
      .catch(() => undefined);
    expect(f.github.violations[0]!.message).toContain("is not in GitHub's description");
    f.github.violations.length = 0;
    // The stand-in answering a status the description does not list for the operation is caught too.
    const list = f.github.requests.length;
    await f.octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 999 }).catch(() => undefined);
    expect(f.github.requests.slice(list).map((r) => r.status)).toEqual([404]);
    expect(f.github.violations).toEqual([]); // 404 is documented for pulls/get
    await f.octokit.rest.issues
      .deleteComment({ owner: OWNER, repo: REPO, comment_id: 424242 })
      .catch(() => undefined);
    expect(f.github.violations[0]!.message).toContain(
      "status 404 is not documented for issues/delete-comment",
    );
  });

  it("answers 401 without a known token", async () => {
    const { Octokit } = await import("octokit");
    const anonymous = new Octokit({ baseUrl: f.github.url, retry: { enabled: false } });
    const error = await anonymous.rest.pulls
      .get({ owner: OWNER, repo: REPO, pull_number: pr.number })
      .catch((e: { status: number }) => e);
    expect((error as { status: number }).status).toBe(401);
  });
});
