/**
 * What the load test and the load benchmark share: TMF921 intents POSTed to `/api/intent` of a spawned
 * `intentops serve` at a fixed rate on loopback by autocannon (a kept load generator: fixed-rate pacing,
 * HdrHistogram latency percentiles and per-response hooks, none of which a hand-written loop gets right),
 * the ids of the intents answered 202, and what Git, the run journal and the intake log hold for them.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import autocannon from "autocannon";
import { readJournal, replayJournal } from "../../pipeline/run/journal.js";
import { TERMINAL } from "../../pipeline/run/runTypes.js";
import { KEYS, officialExample } from "../api/serveHarness.js";
import type { ServeWork } from "../api/serveProcess.js";
import { gitCli } from "../support/gitHttpServer.js";

export interface LoadRun {
  result: autocannon.Result;
  /** Intent ids answered 202, in answer order. */
  answered: string[];
}

export interface LoadOptions {
  url: string;
  rate: number;
  seconds: number;
  /** Intent ids are `<prefix>-<n>`. */
  prefix: string;
  /** Called after each 202 with the count so far; `stop()` ends the load early. */
  onAnswer?: (count: number, stop: () => void) => void;
}

/**
 * POSTs the official TMF921 example intent (a fresh id each) at `rate` per second for `seconds`. Enough
 * connections that a slow answer never throttles the rate (50 at 100/s: 500 ms of latency before the
 * generator itself would have to wait); a request is given 120 s before it counts as a timeout.
 */
export function postIntentsAtRate(options: LoadOptions): Promise<LoadRun> {
  const base = officialExample("Intent_create_example_01_request");
  const answered: string[] = [];
  let n = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: 50,
        overallRate: options.rate,
        // A number of requests, not a duration: autocannon then waits for every answer before it ends.
        amount: options.rate * options.seconds,
        timeout: 120,
        requests: [
          {
            method: "POST",
            path: "/api/intent",
            headers: { "content-type": "application/json", "x-api-key": KEYS.writer },
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify({ ...base, id: `${options.prefix}-${n++}` }),
            }),
            onResponse: (status, body) => {
              if (status !== 202) return;
              answered.push((JSON.parse(body) as { intentId: string }).intentId);
              options.onAnswer?.(answered.length, () => instance.stop());
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve({ result, answered })),
    );
  });
}

export interface Durability {
  /** Answered intents whose file is in Git (the remote's main). */
  inGit: number;
  /** Answered intents whose (only) run is terminal. */
  terminal: number;
  /** Answered intents with more than one run, intake entry or commit touching their file. */
  twice: string[];
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).replace(/^.*\) /, "").split(" ");
  // After the command name: utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per s).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds (user + system) the whole machine has used so far, and its number of cores, from /proc/stat. */
export async function machineCpuSeconds(): Promise<{ busy: number; cores: number }> {
  const lines = (await readFile("/proc/stat", "utf8")).split("\n");
  // "cpu  user nice system idle iowait irq softirq steal ...", in clock ticks (100 per s).
  const [user, nice, system, , , irq, softirq, steal] = lines[0]!.trim().split(/\s+/).slice(1).map(Number);
  return {
    busy: (user! + nice! + system! + irq! + softirq! + steal!) / 100,
    cores: lines.filter((l) => /^cpu\d+ /.test(l)).length,
  };
}

/** What Git, the journal and the intake log hold for `ids`. */
export async function durabilityOf(w: ServeWork, ids: readonly string[]): Promise<Durability> {
  const state = join(w.work, ".intentops");
  // Before the first intake commit the remote has no main.
  const hasMain = (await gitCli(["for-each-ref", "refs/heads/main"], w.bare)).trim() !== "";
  const files = new Set(
    hasMain ? (await gitCli(["ls-tree", "-r", "--name-only", "main", "intents/"], w.bare)).split("\n") : [],
  );
  const runs = replayJournal(await readJournal(join(state, "journal.jsonl")));
  const runCount = new Map<string, number>();
  const terminal = new Set<string>();
  for (const run of runs) {
    runCount.set(run.intentId, (runCount.get(run.intentId) ?? 0) + 1);
    if (TERMINAL.has(run.phase)) terminal.add(run.intentId);
  }
  const entries = new Map<string, number>();
  for (const line of (await readFile(join(state, "intake.jsonl"), "utf8")).split("\n")) {
    if (!line) continue;
    const entry = JSON.parse(line) as { type: string; intentId?: string };
    if (entry.type === "change") entries.set(entry.intentId!, (entries.get(entry.intentId!) ?? 0) + 1);
  }
  const commits = new Map<string, number>();
  const touched = hasMain
    ? await gitCli(["log", "--format=", "--name-only", "main", "--", "intents/"], w.bare)
    : "";
  for (const f of touched.split("\n")) {
    if (f) commits.set(f, (commits.get(f) ?? 0) + 1);
  }
  return {
    inGit: ids.filter((id) => files.has(`intents/${id}.json`)).length,
    terminal: ids.filter((id) => terminal.has(id)).length,
    twice: ids.filter(
      (id) =>
        (runCount.get(id) ?? 0) > 1 ||
        (entries.get(id) ?? 0) > 1 ||
        (commits.get(`intents/${id}.json`) ?? 0) > 1,
    ),
  };
}

/**
 * Waits until every id is in Git and its run terminal, looking every 2 s; after `timeoutMs` (a hang guard,
 * not a speed limit) resolves with what it last saw, for the caller to report.
 */
export async function settled(
  w: ServeWork,
  ids: readonly string[],
  timeoutMs = 900_000,
): Promise<Durability> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const d = await durabilityOf(w, ids);
    if ((d.inGit === ids.length && d.terminal === ids.length) || Date.now() > until) return d;
    await new Promise((r) => setTimeout(r, 2000));
  }
}
