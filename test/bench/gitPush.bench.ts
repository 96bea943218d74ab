/**
 * Benchmark: commit + push of 8,000 rendered files (~1 KB of deterministic YAML each, in 1,000
 * directories) with isomorphic-git (`deliverIntent`) versus the git CLI (`git add -A && git commit &&
 * git push`) on the same tree, each to its own repository on the same loopback `git http-backend` remote.
 *
 * Run:  npx vitest bench --run test/bench/gitPush.bench.ts
 * (vitest runs it through its own TS transform, so no tsx or build step is needed; the regular
 * `vitest run` skips test/bench/.) Each side runs once — a cold first delivery is what is being
 * measured — and a side-by-side table with the ratio is printed at the end. Target: within 2× of git.
 */
import * as fs from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import http from "isomorphic-git/http/node";
import { afterAll, beforeAll, bench, describe } from "vitest";
import { digestJson } from "../../compiler/digest.js";
import { deliverIntent } from "../../pipeline/git/deliverIntent.js";
import { cleanupTempDirs, steppingClock, tempDir } from "../git/helpers.js";
import { type GitHttpServer, gitCli, gitEnv, startGitHttpServer } from "../support/gitHttpServer.js";

const SITES = ["edge1", "edge2", "edge3", "edge4"];
const DIRS_PER_SITE = 250;
const FILES_PER_DIR = 8;
const INTENT = "bench";

/** Deterministic ~1 KB Deployment-like YAML for file `n`. */
function yamlFor(site: string, dir: number, file: number): string {
  const name = `svc-${dir}-${file}`;
  const lines = [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    `  name: ${name}`,
    `  namespace: ns-${dir}`,
    "  labels:",
    `    app.kubernetes.io/name: ${name}`,
    `    intentops.dev/site: ${site}`,
    `    intentops.dev/intent: ${INTENT}`,
    "spec:",
    `  replicas: ${((dir * 7 + file) % 5) + 1}`,
    "  selector:",
    "    matchLabels:",
    `      app.kubernetes.io/name: ${name}`,
    "  template:",
    "    metadata:",
    "      labels:",
    `        app.kubernetes.io/name: ${name}`,
    "    spec:",
    "      containers:",
    `        - name: ${name}`,
    `          image: registry.example/${site}/service:${dir}.${file}.0`,
    "          ports:",
    `            - containerPort: ${8000 + file}`,
    "          resources:",
    `            requests: { cpu: ${100 + file * 10}m, memory: ${128 + dir}Mi }`,
    `            limits: { cpu: ${500 + file * 10}m, memory: ${256 + dir}Mi }`,
  ];
  while (lines.join("\n").length < 1000)
    lines.push(`          # padding ${lines.length} ${site}/${dir}/${file}`);
  return `${lines.join("\n")}\n`;
}

function files(): Map<string, string> {
  const out = new Map<string, string>();
  for (const site of SITES) {
    for (let d = 0; d < DIRS_PER_SITE; d++) {
      for (let f = 0; f < FILES_PER_DIR; f++)
        out.set(`rendered/${site}/${INTENT}/d${d}/f${f}.yaml`, yamlFor(site, d, f));
    }
  }
  return out;
}

let server: GitHttpServer;
const rendered = files();
const results: Record<string, number> = {};
const intent = `${JSON.stringify({ id: INTENT })}\n`;

beforeAll(async () => {
  server = await startGitHttpServer();
});
afterAll(async () => {
  const iso = results["isomorphic-git"];
  const cli = results["git CLI"];
  if (iso !== undefined && cli !== undefined) {
    const bytes = [...rendered.values()].reduce((n, s) => n + s.length, 0);
    console.log(
      `\n${rendered.size} files, ${SITES.length * DIRS_PER_SITE} directories, ${(bytes / 1e6).toFixed(1)} MB\n` +
        `isomorphic-git (deliverIntent: commit + push): ${iso.toFixed(0)} ms\n` +
        `git CLI (add -A, commit, push):               ${cli.toFixed(0)} ms\n` +
        `ratio isomorphic-git / git CLI:               ${(iso / cli).toFixed(2)}x (target <= 2x)\n`,
    );
  }
  await server?.close();
  await cleanupTempDirs();
});

const once = { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 };

describe("commit + push of 8,000 rendered files", () => {
  bench(
    "isomorphic-git",
    async () => {
      const remote = await server.createRepo("bench-iso");
      const dir = await tempDir("intentops-bench-");
      const renderedDigests = Object.fromEntries(SITES.map((s) => [s, digestJson({ site: s })]));
      const start = performance.now();
      const out = await deliverIntent(
        {
          dir,
          remote,
          intentId: INTENT,
          intentFile: { path: `intents/${INTENT}.json`, content: intent },
          rendered,
          digests: { intentDigest: digestJson({ id: INTENT }), renderedDigests },
        },
        { fs, http, clock: steppingClock(), author: { name: "bench", email: "bench@example.test" } },
      );
      results["isomorphic-git"] = performance.now() - start;
      if (!out.pushed) throw new Error("isomorphic-git did not push");
      await gitCli(["fsck", "--full"], server.repoPath("bench-iso"));
    },
    once,
  );

  bench(
    "git CLI",
    async () => {
      const remote = await server.createRepo("bench-cli");
      const dir = await tempDir("intentops-bench-cli-");
      const env = gitEnv(dir);
      await gitCli(["init", "-q", "-b", "main", dir], dir, env);
      await gitCli(["remote", "add", "origin", remote], dir, env);
      await mkdir(join(dir, "intents"), { recursive: true });
      await writeFile(join(dir, `intents/${INTENT}.json`), intent);
      for (const [path, content] of rendered) {
        await mkdir(join(dir, path, ".."), { recursive: true });
        await writeFile(join(dir, path), content);
      }
      const start = performance.now();
      await gitCli(["add", "-A"], dir, env);
      const added = performance.now();
      await gitCli(["commit", "-q", "-m", `intent ${INTENT}: deliver`], dir, env);
      const committed = performance.now();
      await gitCli(["push", "-q", "origin", "main"], dir, env);
      results["git CLI"] = performance.now() - start;
      console.log(
        `git CLI steps: add ${(added - start).toFixed(0)} ms, commit ${(committed - added).toFixed(0)} ms, ` +
          `push ${(performance.now() - committed).toFixed(0)} ms`,
      );
    },
    once,
  );
});
