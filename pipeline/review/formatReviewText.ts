/**
 * formatReviewText: the review for a terminal — summary, problems as `file:line:column: message [CODE]`
 * (the form editors and CI logs link), then per site and intent the object changes with their diffs.
 */
import type { Review } from "./reviewTypes.js";

/** @example process.stdout.write(formatReviewText(review, { diffs: false })) */
export function formatReviewText(review: Review, options: { diffs?: boolean } = {}): string {
  const { diffs = true } = options;
  const s = review.summary;
  const lines: string[] = [
    `review ${review.base.slice(0, 12)}..${review.head.slice(0, 12)}: ` +
      `intents ${s.intents.added} added, ${s.intents.changed} changed, ${s.intents.removed} removed, ${s.intents.unchanged} unchanged; ` +
      `objects ${s.objects.added} added, ${s.objects.changed} changed, ${s.objects.removed} removed on ${s.sites} site(s)`,
  ];
  for (const p of review.problems) {
    lines.push(`${p.file}:${p.line ?? 0}:${p.column ?? 0}: ${p.message} [${p.code}]`);
  }
  for (const p of review.baseProblems) {
    lines.push(`(base) ${p.file}:${p.line ?? 0}:${p.column ?? 0}: ${p.message} [${p.code}]`);
  }
  for (const site of review.sites) {
    lines.push(
      "",
      `== ${site.site}: ${site.counts.added} added, ${site.counts.changed} changed, ${site.counts.removed} removed`,
    );
    for (const intent of site.intents) {
      lines.push(`-- ${intent.subject} (intent ${intent.status}, ${intent.file})`);
      if (intent.slo) {
        const targets = intent.slo.targets.map(
          (t) =>
            `${t.metric} ${t.comparison} ${Array.isArray(t.threshold) ? `[${t.threshold.join(", ")}]` : t.threshold} ${t.unit} → ${t.action}`,
        );
        lines.push(`   SLO (window ${intent.slo.windowSeconds} s): ${targets.join("; ") || "no targets"}`);
        for (const u of intent.slo.unmonitored) lines.push(`   not monitored: ${u}`);
      }
      for (const d of intent.delta) lines.push(`   not mapped: ${d.pointer} (${d.reason})`);
      for (const o of intent.objects) {
        lines.push(`   ${o.action.padEnd(7)} ${o.subject}`);
        if (diffs)
          lines.push(
            ...o.diff
              .replace(/\n$/, "")
              .split("\n")
              .map((l) => `     ${l}`),
          );
      }
    }
  }
  if (review.sites.length === 0 && review.problems.length === 0) lines.push("no rendered object changes");
  return `${lines.join("\n")}\n`;
}
