/**
 * computeStatistics: `GET /api/statistics` from the run journal's events alone (so the numbers survive a
 * restart): runs by state, success rate over finished runs, and the mean and p95 time spent per phase.
 * Pure: the events in, the numbers out.
 */
import { replayJournal } from "../run/journal.js";
import { type RunEvent, TERMINAL } from "../run/runTypes.js";

export interface Statistics {
  runs: number;
  byState: Record<string, number>;
  /** Succeeded runs over terminal runs; null when none is terminal. */
  successRate: number | null;
  phases: Record<string, { count: number; meanSeconds: number; p95Seconds: number }>;
}

const SUCCESS = new Set(["Succeeded", "SucceededWithAlerts"]);

/** @example computeStatistics(await readJournal(".intentops/journal.jsonl")).successRate */
export function computeStatistics(events: readonly RunEvent[]): Statistics {
  const runs = replayJournal(events);
  const byState: Record<string, number> = {};
  for (const run of runs) byState[run.phase] = (byState[run.phase] ?? 0) + 1;
  const terminal = runs.filter((r) => TERMINAL.has(r.phase));
  const succeeded = terminal.filter((r) => SUCCESS.has(r.phase)).length;

  const current = new Map<string, { phase: string; since: number }>();
  const samples = new Map<string, number[]>();
  const leave = (runId: string, next: string, at: number) => {
    const was = current.get(runId);
    if (!was || was.phase === next) return;
    const list = samples.get(was.phase) ?? [];
    list.push(Math.max(0, (at - was.since) / 1000));
    samples.set(was.phase, list);
    current.set(runId, { phase: next, since: at });
  };
  for (const event of events) {
    const at = Date.parse(event.at);
    if (event.type === "created") current.set(event.run.runId, { phase: event.run.phase, since: at });
    else if (event.type === "phase") leave(event.runId, event.phase, at);
    else if (event.type === "failed" || event.type === "superseded") leave(event.runId, "Failed", at);
  }
  const phases: Statistics["phases"] = {};
  for (const phase of [...samples.keys()].sort()) {
    const list = samples.get(phase)!.sort((a, b) => a - b);
    const mean = list.reduce((s, x) => s + x, 0) / list.length;
    // Nearest-rank p95.
    const p95 = list[Math.max(0, Math.ceil(0.95 * list.length) - 1)]!;
    phases[phase] = { count: list.length, meanSeconds: round(mean), p95Seconds: round(p95) };
  }
  return {
    runs: runs.length,
    byState: Object.fromEntries(Object.entries(byState).sort(([a], [b]) => (a < b ? -1 : 1))),
    successRate: terminal.length ? round(succeeded / terminal.length) : null,
    phases,
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
