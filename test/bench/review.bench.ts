/**
 * Benchmark: `intentops review` of a pull request touching 1 and 100 intents of a 1,000-intent repository,
 * next to the peer doing comparable work — `git diff` of the two rendered trees, the way rendered-manifest
 * diff tools (argocd-diff-preview, kubechecks) compare a base and a head they have rendered.
 *
 * Run:  npx tsc -p tsconfig.json && npx vitest bench --run test/bench/review.bench.ts
 * Env:  BENCH_TMPDIR (default os.tmpdir()), BENCH_RUNS (default 5), BENCH_PEER_RUNS (default BENCH_RUNS).
 * Not a heavy-component run: run it without /tmp/heavy.lock, at `nice -n 10`.
 *
 * - ours: a fresh `node` process per run importing dist/ and running reviewChange (read both commits
 *   from the object database, compile + render what changed at base and head, object diffs) plus the
 *   markdown comment; wall time (node start and module load included) and the review itself.
 * - peer: `git diff --no-index` of `rendered/` at base and at head, both rendered beforehand (not timed:
 *   the peer tools render with their own renderer; with ours a full render of both revisions is printed
 *   as well, as what such a tool would pay to render the trees it diffs).
 * Median of BENCH_RUNS runs each, with the load average: the machine is shared and numbers are noisy.
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, bench, describe } from "vitest";
import { intentText, writeIntents } from "../render/support/generateIntents.js";
import { gitCli, gitEnv } from "../support/gitHttpServer.js";

const run = promisify(execFile);
const REPO = resolve(".");
const INTENTS = 1_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PEER_RUNS = Number(process.env.BENCH_PEER_RUNS ?? RUNS);

const DRIVER = `
const t0 = performance.now();
const [gitdir, base, head] = process.argv.slice(1);
const fs = await import("node:fs");
const { reviewChange } = await import(${JSON.stringify(`${REPO}/dist/pipeline/review/reviewChange.js`)});
const { formatReviewMarkdown } = await import(${JSON.stringify(`${REPO}/dist/pipeline/review/formatReviewMarkdown.js`)});
const { stdlibRegistry } = await import(${JSON.stringify(`${REPO}/dist/functions/stdlib/stdlibRegistry.js`)});
const loaded = performance.now();
const review = await reviewChange({ fs, gitdir, base, head, functions: stdlibRegistry });
const body = formatReviewMarkdown(review).body;
const done = performance.now();
console.log(JSON.stringify({ loadMs: loaded - t0, workMs: done - loaded, intents: review.summary.intents, objects: review.summary.objects, commentChars: body.length }));
`;

const RENDER = `
const [cwd] = process.argv.slice(1);
const { renderIntents } = await import(${JSON.stringify(`${REPO}/dist/pipeline/render/renderIntents.js`)});
const { stdlibRegistry } = await import(${JSON.stringify(`${REPO}/dist/functions/stdlib/stdlibRegistry.js`)});
const t = performance.now();
const r = await renderIntents({ cwd, intents: "intents", out: "rendered", registry: stdlibRegistry, force: true });
console.log(JSON.stringify({ ms: performance.now() - t, packages: r.packages.length }));
`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(" / ");

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`benchmark precondition failed: ${message}`);
}

const lines: string[] = [];
const made: string[] = [];
afterAll(async () => {
  console.log(`\n${lines.join("\n")}\n`);
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

describe("intentops review vs git diff of rendered trees", () => {
  bench(
    "review benchmark (prints a table)",
    async () => {
      const root = await mkdtemp(join(process.env.BENCH_TMPDIR ?? tmpdir(), "intentops-bench-review-"));
      made.push(root);
      const loadBefore = load();
      const work = join(root, "repo");
      const git = (args: string[]) =>
        gitCli(args, work, {
          ...gitEnv(work),
          GIT_AUTHOR_DATE: "2026-11-30T10:00:00Z",
          GIT_COMMITTER_DATE: "2026-11-30T10:00:00Z",
        });
      await writeIntents(join(work, "intents"), INTENTS);
      await gitCli(["init", "--quiet", "-b", "main", work], root);
      await git(["add", "intents"]);
      await git(["commit", "--quiet", "-m", "1,000 intents"]);
      const base = (await git(["rev-parse", "HEAD"])).trim();
      const renderAt = async (commit: string, dir: string) => {
        await git(["worktree", "add", "--quiet", "--detach", dir, commit]);
        const { stdout } = await run("node", ["--input-type=module", "-e", RENDER, dir], {
          cwd: dir,
          maxBuffer: 1 << 24,
        });
        return JSON.parse(stdout.trim()) as { ms: number; packages: number };
      };
      const baseRender = await renderAt(base, join(root, "base"));
      check(baseRender.packages === INTENTS, `base rendered ${baseRender.packages}`);

      for (const touched of [1, 100]) {
        await git(["checkout", "--quiet", "-B", `touch-${touched}`, base]);
        // Every tenth intent from 3 on: a new version (image, labels and SLO identity change).
        for (let i = 0; i < touched; i++) {
          const n = 3 + i * 10;
          const file = join(work, "intents", `app-${String(n).padStart(5, "0")}.json`);
          check(readFileSync(file, "utf8").length > 0, `intent ${n} exists`);
          writeFileSync(file, intentText(n, { version: "2" }).replace(/1\.(\d)\.0/g, "1.$1.1"));
        }
        await git(["commit", "--quiet", "-am", `touch ${touched}`]);
        const head = (await git(["rev-parse", "HEAD"])).trim();

        const ours: Array<{
          wallMs: number;
          loadMs: number;
          workMs: number;
          objects: Record<string, number>;
          intents: Record<string, number>;
          commentChars: number;
        }> = [];
        for (let r = 0; r < RUNS; r++) {
          const start = performance.now();
          const { stdout } = await run(
            "node",
            ["--input-type=module", "-e", DRIVER, join(work, ".git"), base, head],
            { maxBuffer: 1 << 24 },
          );
          ours.push({ wallMs: performance.now() - start, ...JSON.parse(stdout.trim().split("\n").at(-1)!) });
        }
        check(ours[0]!.intents.changed === touched, `review saw ${JSON.stringify(ours[0]!.intents)}`);

        const headDir = join(root, `head-${touched}`);
        const headRender = await renderAt(head, headDir);
        const peer: number[] = [];
        let peerLines = 0;
        for (let r = 0; r < PEER_RUNS; r++) {
          const start = performance.now();
          const out = await run(
            "git",
            ["diff", "--no-index", "--no-color", join(root, "base", "rendered"), join(headDir, "rendered")],
            { maxBuffer: 1 << 28 },
          ).catch((e: { code: number; stdout: string }) => {
            check(e.code === 1, `git diff exit ${e.code}`);
            return { stdout: e.stdout };
          });
          peer.push(performance.now() - start);
          peerLines = out.stdout.split("\n").length;
        }
        const m = (k: "wallMs" | "loadMs" | "workMs") => median(ours.map((o) => o[k])).toFixed(0);
        lines.push(
          `PR touching ${touched} of ${INTENTS} intents (${ours[0]!.objects.changed} objects changed; comment ${ours[0]!.commentChars} chars), median of ${RUNS}:`,
          `  intentops review            wall ${m("wallMs")} ms (node start + module load ${m("loadMs")} ms, review + comment ${m("workMs")} ms)`,
          `  peer: git diff --no-index   ${median(peer).toFixed(0)} ms, median of ${PEER_RUNS} (${peerLines} diff lines) — on trees rendered beforehand`,
          `        + rendering both trees in full first: base ${baseRender.ms.toFixed(0)} ms + head ${headRender.ms.toFixed(0)} ms (intentops render --force, once)`,
        );
      }
      lines.push(`load average before: ${loadBefore}; after: ${load()}`);
    },
    { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 },
  );
});
