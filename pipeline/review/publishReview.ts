/**
 * publishReview: the review on the pull request, through octokit — one comment per pull request, found by
 * its hidden marker and updated in place on every push (replaced by a short "no changes" comment, or
 * deleted, when the change renders nothing), and a check run on the head commit whose conclusion is
 * `failure` when any intent does not compile or render, with one annotation per problem on its line.
 *
 * Outcomes are data: what happened to the comment and the check run.
 */
import type { Octokit } from "octokit";
import { formatReviewMarkdown, isEmptyReview } from "./formatReviewMarkdown.js";
import { REVIEW_MARKER } from "./reviewTemplate.js";
import type { Review, ReviewProblem } from "./reviewTypes.js";

/** GitHub takes at most 50 annotations per check-run request; more are sent in further updates. */
const ANNOTATIONS_PER_REQUEST = 50;
/** GitHub's limit on a check run's output summary and text. */
const OUTPUT_LIMIT = 65_535;

export interface PublishReviewOptions {
  octokit: Octokit;
  owner: string;
  repo: string;
  pullNumber: number;
  review: Review;
  /** Default `intentops review`. */
  checkName?: string;
  /** When the change renders nothing: replace the comment with "no changes" (default) or delete it. */
  onEmpty?: "replace" | "delete";
  /** Where the full review is kept (the workflow's artifact), named when the comment is truncated. */
  artifact?: string;
  /** Link of the check run's "details". */
  detailsUrl?: string;
}

export interface PublishOutcome {
  comment: { action: "created" | "updated" | "deleted" | "none"; id?: number; omittedDiffs: number };
  /** Other marked comments (left by a race of two runs) deleted so that one remains. */
  duplicatesDeleted: number;
  checkRun: { id: number; conclusion: "success" | "failure"; annotations: number };
}

/** @example await publishReview({ octokit, owner: "acme", repo: "intents", pullNumber: 7, review }) */
export async function publishReview(options: PublishReviewOptions): Promise<PublishOutcome> {
  const { octokit, owner, repo, pullNumber, review } = options;
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: pullNumber,
    per_page: 100,
  });
  const marked = comments.filter((c) => (c.body ?? "").startsWith(REVIEW_MARKER));
  const [existing, ...duplicates] = marked;
  for (const duplicate of duplicates) {
    await octokit.rest.issues.deleteComment({ owner, repo, comment_id: duplicate.id });
  }

  const { body, omittedDiffs } = formatReviewMarkdown(review, {
    ...(options.artifact ? { artifact: options.artifact } : {}),
  });
  let comment: PublishOutcome["comment"];
  if (isEmptyReview(review) && !existing) {
    comment = { action: "none", omittedDiffs };
  } else if (isEmptyReview(review) && options.onEmpty === "delete") {
    await octokit.rest.issues.deleteComment({ owner, repo, comment_id: existing!.id });
    comment = { action: "deleted", id: existing!.id, omittedDiffs };
  } else if (existing) {
    if (existing.body !== body) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
    }
    comment = { action: "updated", id: existing.id, omittedDiffs };
  } else {
    const created = await octokit.rest.issues.createComment({ owner, repo, issue_number: pullNumber, body });
    comment = { action: "created", id: created.data.id, omittedDiffs };
  }

  const checkRun = await createCheckRun(options);
  return { comment, duplicatesDeleted: duplicates.length, checkRun };
}

async function createCheckRun(options: PublishReviewOptions): Promise<PublishOutcome["checkRun"]> {
  const { octokit, owner, repo, review } = options;
  const conclusion = review.ok ? "success" : "failure";
  const annotations = review.problems.map(annotationOf);
  const s = review.summary;
  const title = review.ok
    ? `${s.objects.added} to add, ${s.objects.changed} to change, ${s.objects.removed} to remove on ${s.sites} site(s)`
    : `${review.problems.length} problem(s): the change does not compile or render`;
  const summary = clip(
    [
      `Intents: ${s.intents.added} added, ${s.intents.changed} changed, ${s.intents.removed} removed, ${s.intents.unchanged} unchanged.`,
      ...review.problems.map(
        (p) => `- \`${p.file}:${p.line ?? 0}:${p.column ?? 0}\` ${p.message} [${p.code}]`,
      ),
    ].join("\n"),
  );
  const first = annotations.slice(0, ANNOTATIONS_PER_REQUEST);
  const created = await octokit.rest.checks.create({
    owner,
    repo,
    name: options.checkName ?? "intentops review",
    head_sha: review.head,
    status: "completed",
    conclusion,
    ...(options.detailsUrl ? { details_url: options.detailsUrl } : {}),
    output: { title, summary, ...(first.length ? { annotations: first } : {}) },
  });
  for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: created.data.id,
      output: { title, summary, annotations: annotations.slice(i, i + ANNOTATIONS_PER_REQUEST) },
    });
  }
  return { id: created.data.id, conclusion, annotations: annotations.length };
}

function annotationOf(problem: ReviewProblem) {
  const startLine = problem.line ?? 1;
  const endLine = problem.endLine ?? startLine;
  const oneLine = startLine === endLine && problem.column !== undefined;
  return {
    path: problem.file,
    start_line: startLine,
    end_line: endLine,
    ...(oneLine ? { start_column: problem.column!, end_column: problem.endColumn ?? problem.column! } : {}),
    annotation_level: "failure" as const,
    title: problem.code,
    message: clip(`${problem.pointer ? `${problem.pointer}: ` : ""}${problem.message}`),
  };
}

function clip(text: string): string {
  return text.length <= OUTPUT_LIMIT ? text : `${text.slice(0, OUTPUT_LIMIT - 20)}\n… (truncated)`;
}
