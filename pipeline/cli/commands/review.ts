/**
 * `intentops review --base <rev> [--head <rev>]`: what merging a pull request would change on each site —
 * both revisions compiled and rendered in memory, the object-level change set per site and intent, the SLO
 * policy of each changed intent, and every problem at its file:line:column. Prints text (default),
 * markdown (`--format markdown`, the pull-request comment) or JSON (`--json`); `--out DIR` keeps the full
 * review (review.json, review.md without the comment limit, review.txt) as the workflow's artifact.
 *
 * With `--github owner/repo --pr N` the review is posted: one comment per pull request, updated in place,
 * and a check run on the head commit. The token is read from the environment variable `--token-env` names.
 *
 * Exit codes: 0 the change compiles and renders; 1 it does not (or bad input); 2 usage; 3 Git or GitHub
 * failed.
 */
import * as fs from "node:fs";
import type { Command } from "commander";
import { Octokit } from "octokit";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { IntentopsError } from "../../../compiler/errors.js";
import { stdlibRegistry } from "../../../functions/stdlib/stdlibRegistry.js";
import { writeFilesAtomically } from "../../fs/writeFilesAtomically.js";
import { absolute } from "../../git/cliSupport.js";
import { formatReviewMarkdown } from "../../review/formatReviewMarkdown.js";
import { formatReviewText } from "../../review/formatReviewText.js";
import { openReviewRepo } from "../../review/openReviewRepo.js";
import { publishReview } from "../../review/publishReview.js";
import { reviewChange } from "../../review/reviewChange.js";
import type { CliIo } from "../io.js";
import { withJsonErrors } from "../jsonErrors.js";

interface ReviewFlags {
  base: string;
  head: string;
  repo: string;
  intents: string;
  format: string;
  json?: boolean;
  out?: string;
  github?: string;
  pr?: string;
  tokenEnv: string;
  apiUrl?: string;
  artifactUrl?: string;
  detailsUrl?: string;
  onEmpty: string;
}

const FORMATS = ["text", "markdown", "json"];

export function register(program: Command, io: CliIo): void {
  program
    .command("review")
    .description("compile and render a base and a head commit and show what would change on each site")
    .requiredOption("--base <rev>", "base commit (or ref) of the change")
    .option("--head <rev>", "head commit (or ref) of the change", "HEAD")
    .option("--repo <dir>", "repository (work tree or bare)", ".")
    .option("--intents <dir>", "intents directory inside the repository", "intents")
    .option("--format <format>", `output: ${FORMATS.join(" | ")}`, "text")
    .option("--json", "print the review as JSON (same as --format json)")
    .option("--out <dir>", "also write the full review.json, review.md and review.txt here")
    .option("--github <owner/repo>", "post the review on a pull request of this repository")
    .option("--pr <number>", "pull request number (with --github)")
    .option("--token-env <name>", "environment variable holding the GitHub token", "GITHUB_TOKEN")
    .option("--api-url <url>", "GitHub REST API URL (default $GITHUB_API_URL or https://api.github.com)")
    .option("--artifact-url <url>", "where the full review is kept, named when the comment is truncated")
    .option("--details-url <url>", "the check run's details link (e.g. the workflow run)")
    .option("--on-empty <action>", "comment when nothing changes: replace | delete", "replace")
    .action(
      withJsonErrors(io, async (flags: ReviewFlags) => {
        const format = flags.json ? "json" : flags.format;
        if (!FORMATS.includes(format)) usage(`--format must be one of ${FORMATS.join(", ")}`);
        if (!["replace", "delete"].includes(flags.onEmpty)) usage("--on-empty must be replace or delete");
        const target = flags.github ? parseTarget(flags.github, flags.pr) : undefined;
        // The token is checked before any work, so a missing secret fails fast and names only the variable.
        const token = target ? io.env[flags.tokenEnv] : undefined;
        if (target && !token) usage(`environment variable ${flags.tokenEnv} (the GitHub token) is not set`);

        const repo = await openReviewRepo(absolute(io.cwd, flags.repo));
        const review = await reviewChange({
          fs,
          gitdir: repo.gitdir,
          base: await repo.resolve(flags.base),
          head: await repo.resolve(flags.head),
          functions: stdlibRegistry,
          intentsDir: flags.intents,
        });
        if (flags.out) {
          const full = formatReviewMarkdown(review, { maxChars: Number.POSITIVE_INFINITY });
          await writeFilesAtomically(
            absolute(io.cwd, flags.out),
            new Map([
              ["review.json", stringifyCanonical(review)],
              ["review.md", full.body],
              ["review.txt", formatReviewText(review)],
            ]),
          );
        }
        let published: Awaited<ReturnType<typeof publishReview>> | undefined;
        if (target) {
          const octokit = new Octokit({
            auth: token,
            baseUrl: (flags.apiUrl ?? io.env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, ""),
          });
          try {
            published = await publishReview({
              octokit,
              ...target,
              review,
              onEmpty: flags.onEmpty as "replace" | "delete",
              ...(flags.artifactUrl ? { artifact: flags.artifactUrl } : {}),
              ...(flags.detailsUrl ? { detailsUrl: flags.detailsUrl } : {}),
            });
          } catch (error) {
            const status = (error as { status?: number }).status;
            throw new IntentopsError(
              "E_GITHUB",
              `GitHub refused the review${status ? ` (HTTP ${status})` : ""}: ${(error as Error).message}`,
              { subject: `${target.owner}/${target.repo}#${target.pullNumber}`, cause: error },
            );
          }
        }
        if (format === "json") io.stdout(stringifyCanonical(published ? { review, published } : { review }));
        else if (format === "markdown") io.stdout(formatReviewMarkdown(review).body);
        else {
          io.stdout(formatReviewText(review));
          if (published) {
            io.stdout(
              `comment ${published.comment.action}${published.comment.id ? ` (${published.comment.id})` : ""}; ` +
                `check run ${published.checkRun.id}: ${published.checkRun.conclusion}\n`,
            );
          }
        }
        if (!review.ok) io.exitCode = 1;
      }),
    );
}

function parseTarget(github: string, pr: string | undefined) {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(github);
  if (!m) usage(`--github must be owner/repo, not ${JSON.stringify(github)}`);
  if (!pr || !/^[1-9]\d*$/.test(pr)) usage("--pr <number> is needed with --github");
  return { owner: m![1]!, repo: m![2]!, pullNumber: Number(pr) };
}

function usage(message: string): never {
  throw new IntentopsError("E_USAGE_REVIEW", message);
}
