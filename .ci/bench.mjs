#!/usr/bin/env node
// The benchmarks in test/bench/, one at a time (most start clusters, Prometheus or OpenStack services, so
// two at once would measure each other), each printing our numbers next to the peer tool's.
//
//   npm run bench                     every benchmark
//   npm run bench -- render apply     the ones whose file name contains "render" or "apply"
//   npm run bench -- --list           their names
//
// Each benchmark's output goes to the terminal as it runs; a summary of wall times and exit codes follows.
// Exit code: 0 when every selected benchmark finished, 1 otherwise.
import { $, argv, chalk, glob, path } from "zx";

$.verbose = true;
const root = path.resolve(import.meta.dirname, "..");
const files = (await glob("test/bench/*.bench.ts", { cwd: root })).sort();
const wanted = argv._.map(String);
const selected = wanted.length
  ? files.filter((f) => wanted.some((w) => path.basename(f).includes(w)))
  : files;

if (argv.list) {
  for (const f of files) console.log(path.basename(f, ".bench.ts"));
  process.exit(0);
}
if (selected.length === 0) {
  console.error(`no benchmark matches ${wanted.join(", ")}; run with --list to see them`);
  process.exit(2);
}

$.cwd = root;
await $`npx tsc -p tsconfig.json`;
const summary = [];
for (const file of selected) {
  console.log(chalk.bold(`\n==> ${file}`));
  const started = Date.now();
  const result = await $`npx vitest bench --run ${file}`.nothrow();
  summary.push({
    benchmark: path.basename(file),
    seconds: Math.round((Date.now() - started) / 1000),
    exit: result.exitCode,
  });
}
console.log(chalk.bold("\n==> summary"));
console.table(summary);
process.exit(summary.every((s) => s.exit === 0) ? 0 : 1);
