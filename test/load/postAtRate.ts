/**
 * What the load test and the load benchmark share: TMF921 intents POSTed to `/api/intent` of a spawned
 * `intentops serve` on loopback at a constant rate by vegeta (a kept load generator, Go-built by
 * `.ci/install`: an open model — each request leaves at its scheduled time, 10 ms apart at 100/s, whether
 * or not earlier ones were answered — with HDR latency percentiles), the ids of the intents answered 202,
 * and what Git, the run journal and the intake log hold for them.
 *
 * Not autocannon, which this used before: its `overallRate` gives each connection a quota per second,
 * reset by one timer per connection, all started together — so "100/s" was 100 requests at once at the
 * start of every second, and its coordinated-omission correction took `Math.ceil(1 / rate)` ms (1 ms, at
 * 2 requests/s per connection) as the expected interval. Against the same serve for 20 s it printed p50
 * 26 ms, p99 101–271 ms; vegeta, the requests evenly paced, p50 4.6 ms, p99 62 ms.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { constants, createWriteStream } from "node:fs";
import { access, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { readJournal, replayJournal } from "../../pipeline/run/journal.js";
import { TERMINAL } from "../../pipeline/run/runTypes.js";
import { KEYS, officialExample } from "../api/serveHarness.js";
import type { ServeWork } from "../api/serveProcess.js";
import { gitCli } from "../support/gitHttpServer.js";

/** The vegeta `.ci/install` builds (INTENTOPS_VEGETA names another binary). */
export const VEGETA =
  process.env.INTENTOPS_VEGETA ?? join(homedir(), ".cache", "intentops", "vegeta", "v12.13.0", "vegeta");

export interface LoadResult {
  /** Requests sent. */
  sent: number;
  /** Answers by HTTP status; "0" counts requests without one (a connection error or a timeout). */
  codes: Record<string, number>;
  /** The distinct errors vegeta saw (connection refused or reset, timeouts). */
  errors: string[];
  /** Latency of every request, sent until answered (ms). */
  latency: { p50: number; p90: number; p99: number; max: number };
}

export interface LoadRun {
  result: LoadResult;
  /** Intent ids answered 202, in the order sent. */
  answered: string[];
}

export interface LoadOptions {
  url: string;
  rate: number;
  seconds: number;
  /** Intent ids are `<prefix>-<n>`. */
  prefix: string;
  /** Where the targets and results files go. */
  dir: string;
  /** Aborting stops the attack (vegeta is interrupted); the run then resolves with what was answered. */
  signal?: AbortSignal;
}

/**
 * POSTs the official TMF921 example intent (a fresh id each) at `rate` per second for `seconds`; a request
 * is given 120 s before it counts as a timeout. Resolves once every request is answered or has failed.
 */
export async function postIntentsAtRate(options: LoadOptions): Promise<LoadRun> {
  await access(VEGETA, constants.X_OK).catch(() => {
    throw new Error(`no vegeta at ${VEGETA}: \`bash .ci/install\` builds it (or set INTENTOPS_VEGETA)`);
  });
  const base = officialExample("Intent_create_example_01_request");
  const count = options.rate * options.seconds;
  const targets = join(options.dir, `${options.prefix}.targets.jsonl`);
  const results = join(options.dir, `${options.prefix}.results.bin`);
  const out = createWriteStream(targets);
  for (let n = 0; n < count; n++) {
    const body = Buffer.from(JSON.stringify({ ...base, id: `${options.prefix}-${n}` }));
    const line = JSON.stringify({
      method: "POST",
      url: `${options.url}/api/intent`,
      header: { "Content-Type": ["application/json"], "X-Api-Key": [KEYS.writer] },
      body: body.toString("base64"),
    });
    if (!out.write(`${line}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  const attack = spawn(
    VEGETA,
    [
      "attack",
      "-format=json",
      `-targets=${targets}`,
      "-lazy",
      `-rate=${options.rate}/1s`,
      `-duration=${options.seconds}s`,
      "-timeout=120s",
      `-output=${results}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  const interrupt = () => attack.kill("SIGINT");
  options.signal?.addEventListener("abort", interrupt, { once: true });
  let stderr = "";
  attack.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code, signal] = (await once(attack, "exit")) as [number | null, NodeJS.Signals | null];
  options.signal?.removeEventListener("abort", interrupt);
  if (code !== 0 && !options.signal?.aborted) {
    throw new Error(`vegeta attack ended with ${code ?? signal}: ${stderr.trim()}`);
  }
  return { result: await report(results), answered: await answeredIds(results) };
}

async function vegeta(args: string[]): Promise<string> {
  const child = spawn(VEGETA, args, { stdio: ["ignore", "pipe", "pipe"] });
  const chunks: Buffer[] = [];
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`vegeta ${args[0]} ended with ${code}: ${stderr.trim()}`);
  return Buffer.concat(chunks).toString("utf8");
}

async function report(results: string): Promise<LoadResult> {
  const r = JSON.parse(await vegeta(["report", "-type=json", results])) as {
    requests: number;
    status_codes: Record<string, number>;
    errors: string[] | null;
    latencies: Record<"50th" | "90th" | "99th" | "max", number>;
  };
  const ms = (ns: number) => ns / 1e6;
  return {
    sent: r.requests,
    codes: r.status_codes,
    errors: r.errors ?? [],
    latency: {
      p50: ms(r.latencies["50th"]),
      p90: ms(r.latencies["90th"]),
      p99: ms(r.latencies["99th"]),
      max: ms(r.latencies.max),
    },
  };
}

/** The intent ids of the 202 answers, in the order sent (`vegeta encode` gives one JSON line per request). */
async function answeredIds(results: string): Promise<string[]> {
  const lines = (await vegeta(["encode", "-to=json", results])).split("\n").filter(Boolean);
  return lines
    .map((line) => JSON.parse(line) as { seq: number; code: number; body: string })
    .filter((r) => r.code === 202)
    .sort((a, b) => a.seq - b.seq)
    .map(
      (r) => (JSON.parse(Buffer.from(r.body, "base64").toString("utf8")) as { intentId: string }).intentId,
    );
}

/** Requests answered with `status`. */
export const answeredWith = (result: LoadResult, status: number): number => result.codes[String(status)] ?? 0;

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
