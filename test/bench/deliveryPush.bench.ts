/**
 * Benchmark: one intent's delivery (a new 8-file package, commit, push) onto a branch that already holds
 * N packages — what every run of a leader does, as the number of intents grows — with isomorphic-git
 * (`deliverIntent`, as `intentops run`/`controller`/`serve` deliver; with Node's promise file system and
 * with `syncBackedFs`) versus the git CLI (`git add -A && git commit && git push`) doing the same work.
 *
 * Each side starts from a copy of one working directory whose N packages the git CLI committed as loose
 * objects (as a leader's clone holds what it wrote itself) and pushed to its own repository on a loopback
 * `git http-backend` remote; each then delivers DELIVERIES new packages one after another. The median
 * delivery of each is printed per N, with the CPU of this process (isomorphic-git's work is in it; the
 * git CLI's is in child processes and not counted).
 *
 * Run:  npx vitest bench --run test/bench/deliveryPush.bench.ts
 *       PACKAGES=100,1000,3000 (default) DELIVERIES=5 (default)
 */
import * as fs from "node:fs";
import { cp, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import http from "isomorphic-git/http/node";
import { afterAll, beforeAll, bench, describe } from "vitest";
import { digestJson } from "../../compiler/digest.js";
import { deliverIntent } from "../../pipeline/git/deliverIntent.js";
import type { GitDeps } from "../../pipeline/git/gitDeps.js";
import { syncBackedFs } from "../../pipeline/git/syncBackedFs.js";
import { cleanupTempDirs, steppingClock, tempDir } from "../git/helpers.js";
import { type GitHttpServer, gitCli, gitEnv, startGitHttpServer } from "../support/gitHttpServer.js";

const SIZES = (process.env["PACKAGES"] ?? "100,1000,3000").split(",").map(Number);
const DELIVERIES = Number(process.env["DELIVERIES"] ?? 5);
const SITE = "edge1";
const FILES = [
  "deployment",
  "service",
  "configmap",
  "pdb",
  "networkpolicy",
  "servicemonitor",
  "rule",
  "kptfile",
];

/** The 8 files of intent `id`'s package, ~0.5 KB each, deterministic. */
function packageOf(id: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const kind of FILES) {
    const lines = [
      "apiVersion: v1",
      `kind: ${kind}`,
      "metadata:",
      `  name: ${id}-${kind}`,
      `  namespace: ${id}`,
    ];
    while (lines.join("\n").length < 500) lines.push(`# ${id} ${kind} ${lines.length}`);
    out.set(`rendered/${SITE}/${id}/${kind}.yaml`, `${lines.join("\n")}\n`);
  }
  return out;
}

async function writeFiles(dir: string, files: ReadonlyMap<string, string>) {
  for (const [path, content] of files) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Side {
  wallMs: number[];
  cpuMs: number[];
}
const table: Array<{ size: number; sides: Record<string, Side> }> = [];
let server: GitHttpServer;

beforeAll(async () => {
  server = await startGitHttpServer();
});
afterAll(async () => {
  const names = ["isomorphic-git, promise fs", "isomorphic-git, syncBackedFs", "git CLI"];
  const rows = table.map(({ size, sides }) =>
    [
      String(size).padStart(8),
      ...names.map((n) => {
        const side = sides[n];
        if (!side) return "—".padStart(22);
        const cpu = n === "git CLI" ? "" : ` (${median(side.cpuMs).toFixed(0)} CPU)`;
        return `${median(side.wallMs).toFixed(0)} ms${cpu}`.padStart(22);
      }),
    ].join(" | "),
  );
  console.log(
    `\none delivery (8 files, commit, push) onto a branch of N packages — median of ${DELIVERIES}\n` +
      `${"packages".padStart(8)} | ${names.map((n) => n.padStart(22)).join(" | ")}\n${rows.join("\n")}\n`,
  );
  await server?.close();
  await cleanupTempDirs();
});

const once = { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 };

/** A working directory with `size` packages committed by the git CLI (loose objects) and its remote's URL. */
async function seed(size: number): Promise<string> {
  const dir = await tempDir("intentops-bench-seed-");
  const env = gitEnv(dir);
  await gitCli(["init", "-q", "-b", "main", dir], dir, env);
  for (let i = 0; i < size; i++) await writeFiles(dir, packageOf(`seed-${i}`));
  await gitCli(["add", "-A"], dir, env);
  await gitCli(["commit", "-q", "-m", `${size} packages`], dir, env);
  return dir;
}

/** A copy of the seeded directory, pushed to a new repository `name` of the remote. */
async function copyOf(seedDir: string, name: string): Promise<{ dir: string; remote: string }> {
  const dir = await tempDir("intentops-bench-copy-");
  await cp(seedDir, dir, { recursive: true });
  const url = await server.createRepo(name);
  await gitCli(["push", "-q", url, "main"], dir, gitEnv(dir));
  return { dir, remote: url };
}

async function isomorphic(dir: string, remote: string, size: number, fsImpl: GitDeps["fs"]): Promise<Side> {
  const side: Side = { wallMs: [], cpuMs: [] };
  const deps: GitDeps = {
    fs: fsImpl,
    http,
    clock: steppingClock(),
    author: { name: "bench", email: "bench@example.test" },
  };
  for (let k = 0; k < DELIVERIES; k++) {
    const id = `new-${size}-${k}`;
    const start = performance.now();
    const cpu = process.cpuUsage();
    const out = await deliverIntent(
      {
        dir,
        remote,
        intentId: id,
        intentFile: { path: `intents/${id}.json`, content: `${JSON.stringify({ id })}\n` },
        rendered: packageOf(id),
        digests: { intentDigest: digestJson({ id }), renderedDigests: { [SITE]: digestJson({ id, SITE }) } },
      },
      deps,
    );
    const used = process.cpuUsage(cpu);
    side.wallMs.push(performance.now() - start);
    side.cpuMs.push((used.user + used.system) / 1000);
    if (!out.pushed) throw new Error(`isomorphic-git did not push ${id}`);
  }
  return side;
}

async function cli(dir: string, remote: string, size: number): Promise<Side> {
  const side: Side = { wallMs: [], cpuMs: [] };
  const env = gitEnv(dir);
  for (let k = 0; k < DELIVERIES; k++) {
    const id = `new-${size}-${k}`;
    await mkdir(join(dir, "intents"), { recursive: true });
    await writeFile(join(dir, `intents/${id}.json`), `${JSON.stringify({ id })}\n`);
    await writeFiles(dir, packageOf(id));
    const start = performance.now();
    await gitCli(["add", "-A"], dir, env);
    await gitCli(["commit", "-q", "-m", `intent ${id}: deliver`], dir, env);
    await gitCli(["push", "-q", remote, "main"], dir, env);
    side.wallMs.push(performance.now() - start);
  }
  return side;
}

describe("one delivery onto a branch of N packages", () => {
  for (const size of SIZES) {
    bench(
      `${size} packages`,
      async () => {
        const base = await seed(size);
        const sides: Record<string, Side> = {};
        const promiseCopy = await copyOf(base, `iso-${size}`);
        sides["isomorphic-git, promise fs"] = await isomorphic(promiseCopy.dir, promiseCopy.remote, size, fs);
        const syncCopy = await copyOf(base, `sync-${size}`);
        sides["isomorphic-git, syncBackedFs"] = await isomorphic(
          syncCopy.dir,
          syncCopy.remote,
          size,
          syncBackedFs(),
        );
        const cliCopy = await copyOf(base, `cli-${size}`);
        sides["git CLI"] = await cli(cliCopy.dir, cliCopy.remote, size);
        for (const [name, copy] of [
          ["iso", promiseCopy],
          ["sync", syncCopy],
          ["cli", cliCopy],
        ] as const) {
          await gitCli(["fsck", "--no-progress"], server.repoPath(`${name}-${size}`));
          const count = (
            await gitCli(["rev-list", "--count", "main"], server.repoPath(`${name}-${size}`))
          ).trim();
          if (Number(count) !== DELIVERIES + 1)
            throw new Error(`${copy.remote}: ${count} commits, expected ${DELIVERIES + 1}`);
        }
        table.push({ size, sides });
      },
      once,
    );
  }
});
