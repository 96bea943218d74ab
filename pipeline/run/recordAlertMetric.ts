/**
 * recordAlertMetric: counts alert events in a Prometheus text file (the node_exporter textfile-collector
 * format), `intentops_slo_alerts_total{intent, action}`, so a site's Prometheus can scrape alerting without
 * the pipeline running a server. The file is rewritten atomically; counters survive restarts.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

const METRIC = "intentops_slo_alerts_total";

/** Adds one to the counter of (intent, action) in `file` and returns the new value. */
export async function recordAlertMetric(
  file: string,
  labels: { intent: string; action: string },
): Promise<number> {
  const counts = new Map<string, number>();
  const text = await readFile(file, "utf8").catch(() => "");
  for (const line of text.split("\n")) {
    const match = /^intentops_slo_alerts_total\{intent="([^"]*)",action="([^"]*)"\} (\d+)$/.exec(line);
    if (match) counts.set(`${match[1]}\u0000${match[2]}`, Number(match[3]));
  }
  const key = `${labels.intent}\u0000${labels.action}`;
  const value = (counts.get(key) ?? 0) + 1;
  counts.set(key, value);
  const lines = [
    `# HELP ${METRIC} SLO breaches whose action was an alert (or scale), by intent.`,
    `# TYPE ${METRIC} counter`,
  ];
  for (const [k, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [intent, action] = k.split("\u0000");
    lines.push(`${METRIC}{intent="${escapeLabel(intent!)}",action="${escapeLabel(action!)}"} ${n}`);
  }
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${lines.join("\n")}\n`);
  await rename(temp, file);
  return value;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
