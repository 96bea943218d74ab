/**
 * formatReviewMarkdown: the review as the pull-request comment (handlebars, REVIEW_TEMPLATE), sized to
 * fit GitHub's comment limit. When the full comment is too long, object diffs are left out from the end
 * until it fits (those objects are still listed), then the list itself is shortened, and a "truncated,
 * full diff in the artifact" line says how many diffs are not shown. Same review → same bytes.
 */
import Handlebars from "handlebars";
import { NO_CHANGES_TEMPLATE, REVIEW_TEMPLATE } from "./reviewTemplate.js";
import type { ObjectChange, Review } from "./reviewTypes.js";

/** GitHub's limit on an issue comment body (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface FormatMarkdownOptions {
  /** Default GITHUB_COMMENT_LIMIT. */
  maxChars?: number;
  /** Where the full review is (e.g. the workflow run's artifact URL), named in the truncation line. */
  artifact?: string;
}

export interface FormattedMarkdown {
  body: string;
  /** Object diffs left out to fit. */
  omittedDiffs: number;
}

const render = Handlebars.compile(REVIEW_TEMPLATE, { noEscape: true, strict: false });
const renderNoChanges = Handlebars.compile(NO_CHANGES_TEMPLATE, { noEscape: true });

/** True when the review has nothing to show: no object changes and no problems. */
export function isEmptyReview(review: Review): boolean {
  return review.sites.length === 0 && review.problems.length === 0;
}

/** @example formatReviewMarkdown(review).body.startsWith("<!-- intentops-review -->") */
export function formatReviewMarkdown(review: Review, options: FormatMarkdownOptions = {}): FormattedMarkdown {
  const maxChars = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  if (isEmptyReview(review)) {
    return { body: renderNoChanges({ base: short(review.base), head: short(review.head) }), omittedDiffs: 0 };
  }
  const total = review.sites.reduce((n, s) => n + s.intents.reduce((m, i) => m + i.objects.length, 0), 0);
  const at = (diffs: number, listed: number) =>
    render(viewOf(review, diffs, listed, total, options.artifact));
  const full = at(total, total);
  if (full.length <= maxChars) return { body: full, omittedDiffs: 0 };
  // The most diffs that fit with every object listed; if none fit, the most objects that can be listed.
  const diffs = largest(total, (k) => at(k, total).length <= maxChars);
  if (diffs >= 0) return { body: at(diffs, total), omittedDiffs: total - diffs };
  const listed = Math.max(
    0,
    largest(total, (k) => at(0, k).length <= maxChars),
  );
  const body = at(0, listed);
  if (body.length > maxChars) {
    // Even the tables do not fit (thousands of sites or problems): keep the head of the comment.
    const tail =
      "\n\n> ⚠️ **truncated**: the review is too large for a comment — full diff in the artifact.\n";
    return { body: body.slice(0, maxChars - tail.length) + tail, omittedDiffs: total };
  }
  return { body, omittedDiffs: total };
}

/** The largest k in [0, n] with ok(k) (ok is monotone: true up to some k), or -1 when ok(0) is false. */
function largest(n: number, ok: (k: number) => boolean): number {
  if (!ok(0)) return -1;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function viewOf(review: Review, diffs: number, listed: number, total: number, artifact?: string) {
  let index = 0;
  const headline = review.problems.length
    ? `❌ ${review.problems.length} problem(s)`
    : `${review.summary.objects.added} to add, ${review.summary.objects.changed} to change, ${review.summary.objects.removed} to remove on ${review.summary.sites} site(s)`;
  return {
    headline,
    base: short(review.base),
    head: short(review.head),
    summary: review.summary,
    artifact,
    truncated: total - Math.min(diffs, total) || undefined,
    problems: review.problems.map((p) => ({
      file: code(p.file),
      line: p.line ?? "-",
      column: p.column ?? "-",
      code: p.code,
      message: cell(p.message),
    })),
    sites: review.sites.map((site) => ({
      site: site.site,
      counts: site.counts,
      intentCount: site.intents.length,
      intents: site.intents.map((intent) => {
        const shown: Array<ObjectChange & { fence: string }> = [];
        const list: ObjectChange[] = [];
        let hidden = 0;
        for (const object of intent.objects) {
          const i = index++;
          if (i < diffs)
            shown.push({ ...object, subject: code(object.subject), fence: fenceFor(object.diff) });
          else if (i < listed) list.push({ ...object, subject: code(object.subject) });
          else hidden++;
        }
        return {
          subject: code(intent.subject),
          status: intent.status,
          file: code(intent.file),
          slo: intent.slo && {
            ...intent.slo,
            targets: intent.slo.targets.map((t) => ({
              ...t,
              threshold: Array.isArray(t.threshold) ? `[${t.threshold.join(", ")}]` : t.threshold,
            })),
            unmonitoredText: cell(intent.slo.unmonitored.join("; ")),
          },
          delta: intent.delta.map((d) => ({ pointer: code(d.pointer), reason: cell(d.reason) })),
          shown,
          listed: list,
          hidden: hidden || undefined,
        };
      }),
    })),
  };
}

function short(sha: string): string {
  return sha.slice(0, 12);
}

/** Text for a table cell: no line breaks, no column separators, no HTML. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Text inside a backtick code span: backticks cannot be escaped there, so they become quotes. */
function code(text: string): string {
  return text.replace(/`/g, "'").replace(/\r?\n/g, " ");
}

/** A backtick fence longer than the longest backtick run in the text. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return "`".repeat(Math.max(3, longest + 1));
}
