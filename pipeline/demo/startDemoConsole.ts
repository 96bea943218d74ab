/**
 * startDemoConsole: what the demo runs its intents through — `intentops serve` (API, intake, pipeline and
 * the web console) on the demo's work directory, delivering to a real Git smart-HTTP remote under
 * `<work>/remote/` (serve pushes with compare-and-swap; the demo's repository is its clone). Two fresh
 * random API keys, one with write scope and one read-only, are written to `<work>/console-keys.txt`
 * (mode 0600) and held by the server only as hashes; neither is printed or logged.
 */
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { hashApiKey, keyRingFrom } from "../api/apiKeys.js";
import { type ServeOptions, type Serving, startServe } from "../api/startServe.js";
import type { GitDeps } from "../git/gitDeps.js";
import { startGitRemote } from "../sandbox/startGitRemote.js";

export interface DemoConsoleOptions
  extends Pick<ServeOptions, "kubeconfig" | "slo" | "healthTimeoutMs" | "onTransition" | "onEvaluation"> {
  work: string;
  /** Site registry, absolute. */
  sites: string;
  /** The delivery repository (a clone of the remote this starts). */
  repository: string;
  git: GitDeps;
  /** Port of the API and console on 127.0.0.1; 0 (default) for any free port. */
  port?: number;
}

export interface DemoConsole {
  serving: Serving;
  /** The console's address, `http://127.0.0.1:<port>/console/`. */
  url: string;
  /** The file holding the write and the read key. */
  keysFile: string;
  /** The bare repository the remote serves (where delivery and revert commits land). */
  remoteRepository: string;
  stop(): Promise<void>;
}

export async function startDemoConsole(options: DemoConsoleOptions): Promise<DemoConsole> {
  const remoteRoot = join(options.work, "remote");
  await mkdir(remoteRoot, { recursive: true });
  const gitRemote = await startGitRemote({ root: remoteRoot });
  try {
    const remote = await gitRemote.createRepo("delivery");
    const writeKey = randomBytes(24).toString("base64url");
    const readKey = randomBytes(24).toString("base64url");
    const keysFile = join(options.work, "console-keys.txt");
    await writeFile(keysFile, `write key: ${writeKey}\nread key:  ${readKey}\n`, { mode: 0o600 });
    const keys = keyRingFrom(
      {
        keys: [
          { id: "demo-operator", name: "Demo operator", scopes: ["write"], sha256: hashApiKey(writeKey) },
          { id: "demo-viewer", name: "Demo viewer", scopes: ["read"], sha256: hashApiKey(readKey) },
        ],
      },
      {},
    );
    const serving = await startServe({
      cwd: options.work,
      sites: options.sites,
      repo: { dir: options.repository, remote },
      git: options.git,
      keys,
      env: {},
      port: options.port ?? 0,
      // Warnings and errors only, on stderr: stdout carries the demo's summary.
      logger: pino({ level: "warn", base: { service: "intentops" } }, pino.destination(2)),
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.slo ? { slo: options.slo } : {}),
      ...(options.healthTimeoutMs !== undefined ? { healthTimeoutMs: options.healthTimeoutMs } : {}),
      ...(options.onTransition ? { onTransition: options.onTransition } : {}),
      ...(options.onEvaluation ? { onEvaluation: options.onEvaluation } : {}),
    });
    return {
      serving,
      url: `${serving.url}/console/`,
      keysFile,
      remoteRepository: gitRemote.repoPath("delivery"),
      async stop() {
        await serving.close();
        await gitRemote.close();
      },
    };
  } catch (error) {
    await gitRemote.close();
    throw error;
  }
}
