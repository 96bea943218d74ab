/**
 * What the pull-request tests share: a real Git remote (git http-backend), the GitHub stand-in over it, a
 * work tree to write commits in (with the real `git` CLI), octokit as the workflow would build it, and the
 * `review` verb run in process against that work tree.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Octokit } from "octokit";
import { memoryIo } from "../../pipeline/cli/io.js";
import { runCli } from "../../pipeline/cli/main.js";
import { type GitHttpServer, gitCli, gitEnv, startGitHttpServer } from "../support/gitHttpServer.js";
import { type GitHubStandIn, startGitHubStandIn } from "../support/github/githubStandIn.js";

export const ROOT = resolve(import.meta.dirname, "..", "..");
export const OWNER = "acme";
export const REPO = "intents";
export const TOKEN = "ghs_test_token_not_a_secret";

export interface Fixture {
  git: GitHttpServer;
  github: GitHubStandIn;
  /** A clone of the repository to commit in. */
  work: string;
  octokit: Octokit;
  stop(): Promise<void>;
}

/** `gitToken`: the Git remote takes only this token (as GitHub's does), e.g. to test delivery's credentials. */
export async function startFixture(prefix: string, options: { gitToken?: string } = {}): Promise<Fixture> {
  const git = await startGitHttpServer(options.gitToken ? { token: options.gitToken } : {});
  const github = await startGitHubStandIn({ git, tokens: { [TOKEN]: "github-actions[bot]" } });
  const remote = await github.createRepo(OWNER, REPO);
  const work = await mkdtemp(join(tmpdir(), `intentops-${prefix}-`));
  const withToken = options.gitToken
    ? remote.replace("http://", `http://x-access-token:${options.gitToken}@`)
    : remote;
  await gitCli(["clone", "--quiet", withToken, work], tmpdir(), gitEnv(work));
  // Retries as in production, but without seconds of back-off.
  const octokit = new Octokit({ auth: TOKEN, baseUrl: github.url, retry: { retryAfterBaseValue: 1 } });
  return {
    git,
    github,
    work,
    octokit,
    async stop() {
      await github.close();
      await git.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** Runs `git` in the work tree with a fixed identity and clock (reproducible SHAs). */
export function inWork(f: Fixture, args: string[]): Promise<string> {
  return gitCli(args, f.work, {
    ...gitEnv(f.work),
    GIT_AUTHOR_DATE: "2026-11-30T10:00:00Z",
    GIT_COMMITTER_DATE: "2026-11-30T10:00:00Z",
  });
}

/** Writes files (path → text; null removes), commits them on `branch` and pushes; returns the commit. */
export async function commitFiles(
  f: Fixture,
  branch: string,
  files: Record<string, string | null>,
  message: string,
  from?: string,
): Promise<string> {
  const current = (await inWork(f, ["branch", "--show-current"])).trim();
  if (current !== branch) {
    const exists = await inWork(f, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]).then(
      () => true,
      () => false,
    );
    await inWork(
      f,
      exists
        ? ["checkout", "--quiet", branch]
        : ["checkout", "--quiet", "-b", branch, ...(from ? [from] : [])],
    );
  }
  for (const [path, text] of Object.entries(files)) {
    if (text === null) await inWork(f, ["rm", "--quiet", path]);
    else {
      await mkdir(dirname(join(f.work, path)), { recursive: true });
      await writeFile(join(f.work, path), text);
      await inWork(f, ["add", path]);
    }
  }
  await inWork(f, ["commit", "--quiet", "--allow-empty", "-m", message]);
  await inWork(f, ["push", "--quiet", "origin", branch]);
  return (await inWork(f, ["rev-parse", "HEAD"])).trim();
}

export async function readIntent(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(ROOT, "intents", name), "utf8")) as Record<string, unknown>;
}

export async function readSites(): Promise<string> {
  return readFile(join(ROOT, "intents", "sites.yaml"), "utf8");
}

/** `intentops review … --github acme/intents --pr N` in process; returns exit code and output. */
export async function reviewPull(
  f: Fixture,
  pull: { number: number; base: string; head: string },
  extra: string[] = [],
): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo(f.work, { GH_TOKEN: TOKEN });
  const code = await runCli(
    [
      "review",
      "--base",
      pull.base,
      "--head",
      pull.head,
      "--github",
      `${OWNER}/${REPO}`,
      "--pr",
      String(pull.number),
      "--token-env",
      "GH_TOKEN",
      "--api-url",
      f.github.url,
      ...extra,
    ],
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

/** Opens a pull request through the API, as a person would; returns its number and SHAs. */
export async function openPull(f: Fixture, head: string, title: string) {
  const { data } = await f.octokit.rest.pulls.create({ owner: OWNER, repo: REPO, head, base: "main", title });
  return { number: data.number, base: data.base.sha, head: data.head.sha };
}

/** The PR's current base and head SHAs (after a push). */
export async function currentPull(f: Fixture, number: number) {
  const { data } = await f.octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: number });
  return { number, base: data.base.sha, head: data.head.sha };
}

/** An intent document with `mutate` applied to its DeliveryExpectation / PropertyExpectation params. */
export function edit(
  intent: Record<string, unknown>,
  mutate: (params: { deliver: Record<string, unknown>; slo: Record<string, unknown> }) => void,
): Record<string, unknown> {
  const copy = structuredClone(intent) as {
    expression: {
      expressionValue: {
        "icm:hasExpectation": Array<{ "@type": string; "icm:params": Record<string, unknown> }>;
      };
    };
  };
  const expectations = copy.expression.expressionValue["icm:hasExpectation"];
  const deliver = expectations.find((e) => e["@type"] === "icm:DeliveryExpectation")!["icm:params"];
  const slo = expectations.find((e) => e["@type"] === "icm:PropertyExpectation")!["icm:params"];
  mutate({ deliver, slo });
  return copy as unknown as Record<string, unknown>;
}

export const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
