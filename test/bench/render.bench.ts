/**
 * Benchmark: `intentops render` at scale, and kpt doing the equivalent work.
 *
 * Run:  npx tsc -p tsconfig.json && npx vitest bench --run test/bench/render.bench.ts
 * Env:  BENCH_TMPDIR (default os.tmpdir()), BENCH_KPT_PACKAGES (default 100), BENCH_RUNS (default 3),
 *       BENCH_KPT_RUNS (default 3), BENCH_FULL_RUNS (default 1), BENCH_BIG (default 10000 intents for
 *       the memory run).
 *
 * Every measurement runs in a fresh child process (`node`, importing the built dist/ modules), so module
 * loading is not shared between runs and max RSS is the process's own. Each is run BENCH_RUNS times and
 * the median printed, next to the load average: the machine is shared, numbers are noisy.
 *
 * - ours, cold: 1,000 generated intents (9 objects each) → 1,000 packages, empty output directory.
 * - ours, warm: the same, nothing changed. ours, one changed: one intent file edited.
 * - ours, 10,000 intents cold: peak RSS (process.resourceUsage().maxRSS).
 * - kpt: `kpt fn render --allow-exec` on one root package whose N subpackages are our rendered packages
 *   with a two-step pipeline (exec `node dist/functions/bin/set-labels.js`, `set-annotations.js`);
 *   and, to be fair both ways, our in-process `renderPackageDir` on the same tree with the same pipeline.
 *   kpt spawns two node processes per package (~1 s per package here), so it runs on BENCH_KPT_PACKAGES
 *   packages and the 1,000-package figure is a linear extrapolation, labelled as such.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, bench, describe } from "vitest";
import { intentText, writeIntents } from "../render/support/generateIntents.js";

const run = promisify(execFile);
const REPO = resolve(".");
const KPT = "/usr/bin/kpt";
const INTENTS = 1_000;
const BIG = Number(process.env.BENCH_BIG ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const KPT_PACKAGES = Number(process.env.BENCH_KPT_PACKAGES ?? 100);
const KPT_RUNS = Number(process.env.BENCH_KPT_RUNS ?? 3);
/** Our in-process kpt render of all 1,000 packages takes ~40 s per run here: once by default. */
const FULL_RUNS = Number(process.env.BENCH_FULL_RUNS ?? 1);

/** Child-process driver: one render (or package render, or import only), then a JSON line of numbers. */
const DRIVER = `
const t0 = performance.now();
const [mode, cwd, target] = process.argv.slice(1);
const { renderIntents } = await import(${JSON.stringify(`${REPO}/dist/pipeline/render/renderIntents.js`)});
const { renderPackageDir } = await import(${JSON.stringify(`${REPO}/dist/pipeline/kpt/renderPackageDir.js`)});
const { stdlibRegistry } = await import(${JSON.stringify(`${REPO}/dist/functions/stdlib/stdlibRegistry.js`)});
const loaded = performance.now();
let counts = {};
if (mode === "render") {
  const r = await renderIntents({ cwd, intents: "intents", out: target, registry: stdlibRegistry });
  for (const p of r.packages) counts[p.action] = (counts[p.action] ?? 0) + 1;
  counts.compiled = r.files.compiled;
} else if (mode === "package") {
  const r = await renderPackageDir({ dir: target, registry: stdlibRegistry });
  if (!r.ok) throw r.error;
  counts.written = r.write.written.length;
}
const done = performance.now();
console.log(JSON.stringify({ loadMs: loaded - t0, workMs: done - loaded, maxRssMb: process.resourceUsage().maxRSS / 1024, counts }));
`;

interface DriverResult {
  /** Wall time of the child process, node startup included. */
  wallMs: number;
  /** Module loading inside the child. */
  loadMs: number;
  /** The render itself, in-process. */
  workMs: number;
  maxRssMb: number;
  counts: Record<string, number>;
}

async function driver(mode: "render" | "package" | "load", cwd: string, target = ""): Promise<DriverResult> {
  const start = performance.now();
  const { stdout } = await run("node", ["--input-type=module", "-e", DRIVER, mode, cwd, target], {
    cwd,
    maxBuffer: 1 << 24,
  });
  const wallMs = performance.now() - start;
  return { wallMs, ...JSON.parse(stdout.trim().split("\n").at(-1)!) };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(" / ");

function expect(condition: boolean, message: string): void {
  if (!condition) throw new Error(`benchmark precondition failed: ${message}`);
}

/** A root package holding `subjects` of `rendered` as subpackages, each with a two-step exec pipeline. */
function kptTree(rendered: string, subjects: readonly string[], dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "Kptfile"),
    'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: bench\n  annotations:\n    config.kubernetes.io/local-config: "true"\n',
  );
  const pipeline = [
    "pipeline:",
    "  mutators:",
    `  - exec: node ${REPO}/dist/functions/bin/set-labels.js`,
    "    configMap:",
    '      bench.intentops.io/labelled: "true"',
    `  - exec: node ${REPO}/dist/functions/bin/set-annotations.js`,
    "    configMap:",
    "      bench.intentops.io/annotated: yes-please",
    "",
  ].join("\n");
  for (const subject of subjects) {
    const pkg = join(dir, subject.replace("/", "_"));
    cpSync(join(rendered, subject), pkg, { recursive: true });
    writeFileSync(join(pkg, "Kptfile"), readFileSync(join(pkg, "Kptfile"), "utf8") + pipeline);
  }
}

const lines: string[] = [];
const made: string[] = [];
afterAll(async () => {
  console.log(`\n${lines.join("\n")}\n`);
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

describe("intentops render at scale vs kpt fn render", () => {
  bench(
    "render benchmark (prints a table)",
    async () => {
      const root = await mkdtemp(join(process.env.BENCH_TMPDIR ?? tmpdir(), "intentops-bench-render-"));
      made.push(root);
      const loadBefore = load();

      // --- ours: 1,000 intents ---------------------------------------------------------------------
      const work = join(root, "k1");
      await writeIntents(join(work, "intents"), INTENTS);
      const startup = await driver("load", work);
      const cold: DriverResult[] = [];
      for (let i = 0; i < RUNS; i++) {
        rmSync(join(work, "out"), { recursive: true, force: true });
        const r = await driver("render", work, "out");
        expect(r.counts.rendered === INTENTS, `cold render rendered ${JSON.stringify(r.counts)}`);
        cold.push(r);
      }
      const warm: DriverResult[] = [];
      for (let i = 0; i < RUNS; i++) {
        const r = await driver("render", work, "out");
        expect(r.counts.unchanged === INTENTS && r.counts.compiled === 0, `warm ${JSON.stringify(r.counts)}`);
        warm.push(r);
      }
      const changed: DriverResult[] = [];
      for (let i = 0; i < RUNS; i++) {
        writeFileSync(join(work, "intents/app-00007.json"), intentText(7, { version: String(i + 2) }));
        const r = await driver("render", work, "out");
        expect(r.counts.rendered === 1 && r.counts.compiled === 1, `one changed ${JSON.stringify(r.counts)}`);
        changed.push(r);
      }
      // The file-system floor: writing the same files (bytes, names, directories) with nothing else.
      const rendered = join(work, "out");
      const subjects = readdirSync(rendered, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .flatMap((site) => readdirSync(join(rendered, site.name)).map((p) => `${site.name}/${p}`))
        .sort();
      const texts = subjects.flatMap((s) =>
        readdirSync(join(rendered, s)).map((f) => [`${s}/${f}`, readFileSync(join(rendered, s, f))] as const),
      );
      const floor: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const dir = join(root, `floor${i}`);
        floor.push(
          await timed(async () => {
            for (const s of subjects) mkdirSync(join(dir, s), { recursive: true });
            for (const [path, bytes] of texts) writeFileSync(join(dir, path), bytes);
          }),
        );
        rmSync(dir, { recursive: true, force: true });
      }

      // --- same work, both ways: a kpt pipeline over N packages -------------------------------------
      const kptSubjects = subjects.slice(0, KPT_PACKAGES);
      const kptTimes: number[] = [];
      const oursSmall: DriverResult[] = [];
      const oursFull: DriverResult[] = [];
      for (let i = 0; i < KPT_RUNS; i++) {
        const tree = join(root, "kpt-tree");
        kptTree(rendered, kptSubjects, tree);
        kptTimes.push(
          await timed(() =>
            run(KPT, ["fn", "render", tree, "--allow-exec"], { maxBuffer: 1 << 26, timeout: 3_600_000 }),
          ),
        );
        kptTree(rendered, kptSubjects, tree);
        oursSmall.push(await driver("package", root, tree));
      }
      for (let i = 0; i < FULL_RUNS; i++) {
        const tree = join(root, "ours-tree");
        kptTree(rendered, subjects, tree);
        oursFull.push(await driver("package", root, tree));
      }
      rmSync(join(root, "kpt-tree"), { recursive: true, force: true });
      rmSync(join(root, "ours-tree"), { recursive: true, force: true });

      // --- ours: 10,000 intents, peak memory --------------------------------------------------------
      const big = join(root, "k10");
      await writeIntents(join(big, "intents"), BIG);
      const bigRun = await driver("render", big, "out");
      expect(bigRun.counts.rendered === BIG, `10k render ${JSON.stringify(bigRun.counts)}`);
      rmSync(big, { recursive: true, force: true });
      const loadAfter = load();

      // --- table -------------------------------------------------------------------------------------
      const ms = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${n.toFixed(0)} ms`);
      const m = (rs: DriverResult[], k: "wallMs" | "workMs") => median(rs.map((r) => r[k]));
      const kptMedian = median(kptTimes);
      const kptPer = kptMedian / kptSubjects.length;
      const kpt1000 = kptPer * INTENTS;
      const oursSmallWall = m(oursSmall, "wallMs");
      const row = (a: string, b: string, c: string, d: string, e: string) =>
        `| ${a.padEnd(58)} | ${b.padStart(22)} | ${c.padStart(26)} | ${d.padStart(9)} | ${e.padEnd(12)} |`;
      lines.push(
        `intentops render benchmark — ${INTENTS} generated intents (9 objects + Kptfile + README each), ${RUNS} runs each, median`,
        `temp dir: ${root} · node ${process.version} · load average (1/5/15 min) before: ${loadBefore}, after: ${loadAfter}`,
        `node startup + module load (child process, no work): ${ms(startup.wallMs)} wall, of which module load ${ms(startup.loadMs)}`,
        "",
        row("measurement", "ours (wall / in-proc)", "kpt", "kpt/ours", "target"),
        row("-".repeat(58), "-".repeat(22), "-".repeat(26), "-".repeat(9), "-".repeat(12)),
        row(
          `cold render, ${INTENTS} intents → ${INTENTS} packages`,
          `${ms(m(cold, "wallMs"))} / ${ms(m(cold, "workMs"))}`,
          `${ms(kpt1000)} (EXTRAPOLATED)`,
          `${(kpt1000 / m(cold, "wallMs")).toFixed(1)}x`,
          "<= 1.5 s, >= 10x",
        ),
        row(
          `same pipeline, ${kptSubjects.length} packages (2 exec fns each)`,
          `${ms(oursSmallWall)} / ${ms(m(oursSmall, "workMs"))}`,
          `${ms(kptMedian)} (measured)`,
          `${(kptMedian / oursSmallWall).toFixed(1)}x`,
          "",
        ),
        row(
          `same pipeline, ${subjects.length} packages (2 exec fns each; ${FULL_RUNS} run)`,
          `${ms(m(oursFull, "wallMs"))} / ${ms(m(oursFull, "workMs"))}`,
          `${ms(kpt1000)} (EXTRAPOLATED)`,
          `${(kpt1000 / m(oursFull, "wallMs")).toFixed(1)}x`,
          "",
        ),
        row(
          "warm render, nothing changed",
          `${ms(m(warm, "wallMs"))} / ${ms(m(warm, "workMs"))}`,
          "",
          "",
          "",
        ),
        row(
          "one intent changed (1 package re-rendered)",
          `${ms(m(changed, "wallMs"))} / ${ms(m(changed, "workMs"))}`,
          "",
          "",
          "<= 100 ms",
        ),
        row(
          `peak RSS, cold render of ${BIG} intents`,
          `${bigRun.maxRssMb.toFixed(0)} MB (${ms(bigRun.wallMs)})`,
          "",
          "",
          "<= 300 MB",
        ),
        row("fs floor: write the same files, nothing else", `${ms(median(floor))} / —`, "", "", ""),
        "",
        `kpt runs (${kptSubjects.length} packages): ${kptTimes.map(ms).join(", ")}; ` +
          `${ms(kptPer)} per package. The ${INTENTS}-package kpt figures are a LINEAR EXTRAPOLATION ` +
          `(${ms(kptPer)} × ${INTENTS}), not a measurement: kpt on ${INTENTS} packages would take ~${ms(kpt1000)} per run here.`,
        `ours runs — cold wall: ${cold.map((r) => ms(r.wallMs)).join(", ")}; cold in-process: ${cold.map((r) => ms(r.workMs)).join(", ")}; ` +
          `one changed in-process: ${changed.map((r) => ms(r.workMs)).join(", ")}; max RSS cold 1,000: ${median(cold.map((r) => r.maxRssMb)).toFixed(0)} MB`,
        `"wall" includes node startup and module loading (see the first line); "in-proc" is the render call alone.`,
      );
    },
    { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 },
  );
});
