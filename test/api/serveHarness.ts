/**
 * What the serve tests share: a real Git smart-HTTP remote (Debian `git http-backend`), a work directory
 * with the project's site registry, an API keys file (hashes only), and `startServe` on a loopback port.
 */
import * as fs from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import http from "isomorphic-git/http/node";
import { pino } from "pino";
import { parse } from "yaml";
import { hashApiKey } from "../../pipeline/api/apiKeys.js";
import type { ApiLimits } from "../../pipeline/api/buildApp.js";
import { type Serving, startServe } from "../../pipeline/api/startServe.js";
import type { GitDeps } from "../../pipeline/git/gitDeps.js";
import type { LlmConfig } from "../../pipeline/nl/draftWithLlm.js";
import { type GitHttpServer, startGitHttpServer } from "../support/gitHttpServer.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export const KEYS = {
  admin: "admin-key-0123456789abcdef",
  writer: "writer-key-0123456789abcdef",
  reader: "reader-key-0123456789abcdef",
} as const;

export interface Harness {
  work: string;
  gitServer: GitHttpServer;
  remote: string;
  bare: string;
  keysFile: string;
  serving: Serving;
  base: string;
  /** Starts the service again on the same work directory and remote (after `serving.close()` or a kill). */
  restart(): Promise<Serving>;
  stop(): Promise<void>;
}

export async function writeKeys(work: string): Promise<string> {
  const file = join(work, "api-keys.yaml");
  await writeFile(
    file,
    [
      "keys:",
      `  - { id: admin, name: Admin, email: admin@example.test, scopes: [admin], sha256: ${hashApiKey(KEYS.admin)} }`,
      `  - { id: writer, name: Writer Bot, email: writer@example.test, scopes: [write], sha256: ${hashApiKey(KEYS.writer)} }`,
      `  - { id: reader, scopes: [read], sha256: ${hashApiKey(KEYS.reader)} }`,
      "",
    ].join("\n"),
  );
  return file;
}

export function gitDeps(): GitDeps {
  return { fs, http, clock: () => new Date(), author: { name: "intentops", email: "intentops@localhost" } };
}

export async function startHarness(
  options: { limits?: Partial<ApiLimits>; newIntentId?: (name: string) => string; llm?: LlmConfig } = {},
): Promise<Harness> {
  const work = await mkdtemp(join(tmpdir(), "intentops-serve-"));
  await mkdir(join(work, "intents"), { recursive: true });
  await copyFile(join(ROOT, "intents", "sites.yaml"), join(work, "intents", "sites.yaml"));
  const keysFile = await writeKeys(work);
  const gitServer = await startGitHttpServer();
  const remote = await gitServer.createRepo("delivery");
  const start = () =>
    startServe({
      cwd: work,
      repo: { dir: join(work, "delivery.git"), remote },
      git: gitDeps(),
      keys: keysFile,
      env: {},
      port: 0,
      logger: pino({ level: process.env.INTENTOPS_TEST_LOG ?? "silent" }),
      // No cluster answers in these tests: a compiled intent fails at Reconciling quickly.
      healthTimeoutMs: 2000,
      timeouts: { Reconciling: 10_000 },
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.newIntentId ? { newIntentId: options.newIntentId } : {}),
      ...(options.llm ? { llm: options.llm } : {}),
    });
  const h: Harness = {
    work,
    gitServer,
    remote,
    bare: gitServer.repoPath("delivery"),
    keysFile,
    serving: await start(),
    base: "",
    async restart() {
      h.serving = await start();
      h.base = h.serving.url;
      return h.serving;
    },
    async stop() {
      await h.serving.close().catch(() => undefined);
      await gitServer.close();
      await rm(work, { recursive: true, force: true });
    },
  };
  h.base = h.serving.url;
  return h;
}

/** TMF921's own example intent (the request the conformance kit posts), from the official OpenAPI. */
export function officialExample(name: string): Record<string, unknown> {
  const doc = parse(
    fs.readFileSync(join(ROOT, "schemas", "tmf921", "TMF921-IntentManagement-v5.0.0.openapi.yaml"), "utf8"),
  ) as { components: { examples: Record<string, { value: Record<string, unknown> }> } };
  return structuredClone(doc.components.examples[name]!.value);
}

/** The project's example intent that compiles (targets edge1 and edge2). */
export function compilingIntent(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(join(ROOT, "intents", "edge-analytics.json"), "utf8"));
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
