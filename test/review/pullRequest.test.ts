/**
 * Pull requests of intent files, end to end over the real pieces: commits pushed with the real `git` to a
 * `git http-backend` remote, pull requests opened through the unmodified octokit client against the GitHub
 * stand-in (every request and response checked against GitHub's published OpenAPI description), and the
 * `review` verb run as the workflow runs it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { compileIntent } from "../../compiler/compileIntent.js";
import { parseSiteRegistry } from "../../compiler/parseSiteRegistry.js";
import { renderIntentPackage } from "../../functions/render/renderIntentPackage.js";
import { stdlibRegistry } from "../../functions/stdlib/stdlibRegistry.js";
import { refOf, subjectOfRef } from "../../pipeline/reconcile/objectRef.js";
import { GITHUB_COMMENT_LIMIT } from "../../pipeline/review/formatReviewMarkdown.js";
import { REVIEW_MARKER } from "../../pipeline/review/reviewTemplate.js";
import type { Review } from "../../pipeline/review/reviewTypes.js";
import {
  commitFiles,
  currentPull,
  edit,
  type Fixture,
  json,
  OWNER,
  openPull,
  REPO,
  readIntent,
  readSites,
  reviewPull,
  startFixture,
} from "./helpers.js";

// Git pushes, two renders per change and a server per request: minutes on a loaded two-core machine.
vi.setConfig({ testTimeout: 180_000 });

const FILE = "intents/edge-analytics.json";
let f: Fixture;
let sites: string;
let baseIntent: Record<string, unknown>;

beforeAll(async () => {
  f = await startFixture("review");
  sites = await readSites();
  baseIntent = edit(await readIntent("edge-analytics.json"), ({ deliver }) => {
    deliver["io:site"] = ["edge1"];
  });
  await commitFiles(
    f,
    "main",
    { "intents/sites.yaml": sites, [FILE]: json(baseIntent) },
    "edge analytics on edge1",
  );
}, 120_000);

afterAll(async () => {
  await f?.stop();
});

afterEach(() => {
  // Every request octokit sent and every answer the stand-in gave held to GitHub's description.
  expect(f.github.violations).toEqual([]);
});

const comments = (pr: number) => f.github.repo(OWNER, REPO).comments.filter((c) => c.issue === pr);
const checkRuns = (sha: string) => f.github.repo(OWNER, REPO).checkRuns.filter((r) => r.headSha === sha);
const parse = (out: string) => JSON.parse(out) as { review: Review; published: { comment: { id: number } } };

/** The objects a package of `intent` has on `site`, rendered on their own (what the review must list). */
async function expectedSubjects(intent: Record<string, unknown>, site: string): Promise<string[]> {
  const registry = parseSiteRegistry(sites, "intents/sites.yaml");
  const compiled = await compileIntent(JSON.stringify(intent), registry);
  const pkg = await renderIntentPackage(compiled, registry.sites.find((s) => s.id === site)!, stdlibRegistry);
  return pkg.objects.map((o) => subjectOfRef(refOf(o))).sort();
}

describe("a pull request that lowers the latency target and adds a site", () => {
  let pr: { number: number; base: string; head: string };
  let commentId: number;
  const faster = () =>
    edit(baseIntent, ({ deliver, slo }) => {
      deliver["io:site"] = ["edge1", "edge2"];
      slo["io:p95Latency"] = [{ "quan:smaller": { "rdf:value": 80, "quan:unit": "ms" } }];
    });

  it("comments the objects per site, with the SLO policy, and passes the check", async () => {
    await commitFiles(f, "faster", { [FILE]: json(faster()) }, "p95 under 80 ms, also on edge2", "main");
    pr = await openPull(f, "faster", "Faster analytics, also on edge2");
    const { code, out } = await reviewPull(f, pr, ["--json"]);
    expect(code).toBe(0);
    const { review, published } = parse(out);
    commentId = published.comment.id;

    expect(review.sites.map((s) => s.site)).toEqual(["edge1", "edge2"]);
    const [edge1, edge2] = review.sites.map((s) => s.intents[0]!);
    expect(edge2!.status).toBe("added");
    expect(edge2!.objects.every((o) => o.action === "added")).toBe(true);
    expect(edge2!.objects.map((o) => o.subject).sort()).toEqual(await expectedSubjects(faster(), "edge2"));
    expect(edge1!.status).toBe("changed");
    const rule = edge1!.objects.find((o) => o.subject.startsWith("PrometheusRule/"))!;
    expect(rule.action).toBe("changed");
    expect(rule.diff).toMatch(/^-.*p95Latency < 100 ms/m);
    expect(rule.diff).toMatch(/^\+.*p95Latency < 80 ms/m);
    expect(edge1!.slo!.targets).toContainEqual(
      expect.objectContaining({
        metric: "http_latency_p95_ms",
        comparison: "<",
        threshold: 80,
        action: "rollback",
      }),
    );

    const [comment, ...others] = comments(pr.number);
    expect(others).toEqual([]);
    expect(comment!.id).toBe(commentId);
    expect(comment!.body.startsWith(REVIEW_MARKER)).toBe(true);
    expect(comment!.body).toContain(`| \`edge2\` | 1 | ${edge2!.objects.length} | 0 | 0 |`);
    expect(comment!.body).toContain("<summary><b>edge1</b>");
    expect(comment!.body).toContain(`<code>${rule.subject}</code>`);
    const [run] = checkRuns(pr.head);
    expect(run).toMatchObject({ name: "intentops review", status: "completed", conclusion: "success" });
  });

  it("updates the same comment on the next push", async () => {
    const newer = edit(faster(), ({ deliver }) => {
      deliver["io:image"] = "registry.example.com/analytics:1.4.1";
    });
    await commitFiles(f, "faster", { [FILE]: json(newer) }, "analytics 1.4.1");
    const next = await currentPull(f, pr.number);
    expect(next.head).not.toBe(pr.head);
    const { code } = await reviewPull(f, next);
    expect(code).toBe(0);
    const list = comments(pr.number);
    expect(list.map((c) => c.id)).toEqual([commentId]);
    expect(list[0]!.body).toContain("analytics:1.4.1");
    expect(f.github.requests.filter((r) => r.operationId === "issues/create-comment")).toHaveLength(1);
    expect(checkRuns(next.head)).toHaveLength(1);
  });

  it("replaces the comment with 'no changes' when the pull request no longer changes anything", async () => {
    await commitFiles(f, "faster", { [FILE]: json(baseIntent) }, "back to what main has");
    const { code } = await reviewPull(f, await currentPull(f, pr.number));
    expect(code).toBe(0);
    const list = comments(pr.number);
    expect(list.map((c) => c.id)).toEqual([commentId]);
    expect(list[0]!.body).toContain("## intentops review: no changes");
  });
});

describe("a pull request with a broken intent", () => {
  it("fails the check run with an annotation on the line of the problem", async () => {
    const broken = edit(baseIntent, ({ slo }) => {
      slo["io:p95Latency"] = [{ "quan:smaller": { "rdf:value": 100, "quan:unit": "parsecs" } }];
    });
    const text = json(broken);
    await commitFiles(f, "broken", { [FILE]: text }, "latency in parsecs", "main");
    const pr = await openPull(f, "broken", "A unit nobody measures in");
    const { code, out } = await reviewPull(f, pr, ["--json"]);
    expect(code).toBe(1);
    const { review } = parse(out);
    expect(review.ok).toBe(false);
    const [run] = checkRuns(pr.head);
    expect(run!.conclusion).toBe("failure");
    expect(run!.annotations.length).toBe(review.problems.length);
    const annotation = run!.annotations[0]!;
    // The problem's pointer names the quantity `{ "quan:smaller": { … "parsecs" } }` of io:p95Latency.
    expect(review.problems[0]!.pointer).toMatch(/\/io:p95Latency\/0\/quan:smaller$/);
    const lines = text.split("\n");
    const from = lines.findIndex((l) => l.includes('"io:p95Latency"'));
    const at = lines.findIndex((l, i) => i > from && l.includes('"quan:smaller"'));
    expect(annotation).toMatchObject({ path: FILE, start_line: at + 1, annotation_level: "failure" });
    // The member spans to its closing brace; the problem itself keeps the key's column.
    expect(annotation.end_line).toBe(lines.findIndex((l, i) => i > at && l.trim().startsWith("}")) + 1);
    expect(review.problems[0]).toMatchObject({
      line: at + 1,
      column: lines[at]!.indexOf('"quan:smaller"') + 1,
    });
    expect(annotation.title).toBe(review.problems[0]!.code);
    expect(comments(pr.number)[0]!.body).toContain("problem(s)");
  });
});

describe("an intent file not named after its intent", () => {
  it("is refused: delivery would commit a second copy under <id>.json", async () => {
    await commitFiles(
      f,
      "misnamed",
      { "intents/analytics.json": json({ ...baseIntent, id: "analytics-two" }) },
      "misnamed",
      "main",
    );
    const pr = await openPull(f, "misnamed", "A second analytics");
    const { code, out } = await reviewPull(f, pr, ["--json"]);
    expect(code).toBe(1);
    expect(parse(out).review.problems.map((p) => [p.file, p.code])).toEqual([
      ["intents/analytics.json", "E_REVIEW_FILE_NAME"],
    ]);
    expect(checkRuns(pr.head)[0]!.conclusion).toBe("failure");
  });
});

describe("a pull request with no rendered change", () => {
  it("posts no diff comment and passes the check", async () => {
    await commitFiles(
      f,
      "reformat",
      { [FILE]: `${JSON.stringify(baseIntent, null, 4)}\n`, "intents/NOTES.md": "why edge1 only\n" },
      "reformat the intent, add notes",
      "main",
    );
    const pr = await openPull(f, "reformat", "Formatting only");
    const { code, out } = await reviewPull(f, pr, ["--json"]);
    expect(code).toBe(0);
    const { review } = parse(out);
    expect(review.sites).toEqual([]);
    expect(comments(pr.number)).toEqual([]);
    expect(checkRuns(pr.head)[0]!.conclusion).toBe("success");
  });
});

describe("a pull request changing 500+ objects", () => {
  it("fits the comment into GitHub's limit, says it is truncated, and keeps the full diff in the artifact", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 32; i++) {
      const id = `many-${String(i).padStart(2, "0")}`;
      const intent = edit({ ...baseIntent, id, name: `Many ${i}` }, ({ deliver }) => {
        deliver["io:site"] = ["edge1", "edge2"];
      });
      files[`intents/${id}.json`] = json(intent);
    }
    await commitFiles(f, "many", files, "32 intents on two sites", "main");
    const pr = await openPull(f, "many", "Many intents");
    const out = join(f.work, "..", `review-artifact-${pr.number}`);
    const { code, out: stdout } = await reviewPull(f, pr, [
      "--json",
      "--out",
      out,
      "--artifact-url",
      "https://ci.invalid/artifact/1",
    ]);
    expect(code).toBe(0);
    const { review } = parse(stdout);
    const objects = review.summary.objects.added;
    expect(objects).toBeGreaterThanOrEqual(500);
    const [comment] = comments(pr.number);
    expect(comment!.body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(comment!.body).toContain("**truncated**");
    expect(comment!.body).toContain("full diff in the artifact (https://ci.invalid/artifact/1)");
    expect(comment!.body).toContain(`| \`edge1\` | 32 | ${objects / 2} | 0 | 0 |`);
    const full = await readFile(join(out, "review.md"), "utf8");
    expect(full.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    expect(full.match(/^<details><summary>added <code>/gm)).toHaveLength(objects);
    expect(JSON.parse(await readFile(join(out, "review.json"), "utf8"))).toEqual(review);
  });
});

describe("GitHub failing", () => {
  it("retries a 502 without posting twice, and reports a refusal as an operational failure without the token", async () => {
    await commitFiles(
      f,
      "flaky",
      {
        [FILE]: json(
          edit(baseIntent, ({ deliver }) => {
            deliver["io:replicas"] = 4;
          }),
        ),
      },
      "four replicas",
      "main",
    );
    const pr = await openPull(f, "flaky", "Four replicas");
    f.github.inject("issues/create-comment", 502);
    const first = await reviewPull(f, pr);
    expect(first.code).toBe(0);
    expect(comments(pr.number)).toHaveLength(1);
    const creates = f.github.requests.filter(
      (r) => r.operationId === "issues/create-comment" && r.path.endsWith(`/${pr.number}/comments`),
    );
    expect(creates.map((r) => r.status)).toEqual([502, 201]);

    f.github.inject("checks/create", 403);
    const second = await reviewPull(f, pr);
    expect(second.code).toBe(3);
    expect(second.err).toContain("[E_GITHUB]");
    expect(second.err).toContain("HTTP 403");
    expect(second.err + second.out).not.toContain("ghs_test_token");
  });
});
