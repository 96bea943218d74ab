/**
 * `intentops serve` as its own process (the built CLI in dist/), for the kill -9 test and the load
 * benchmark: started on a free loopback port, its URL read from its "listening on" line.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type GitHttpServer, startGitHttpServer } from "../support/gitHttpServer.js";
import { writeKeys } from "./serveHarness.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MAIN = join(ROOT, "dist", "pipeline", "cli", "main.js");

export interface ServeWork {
  work: string;
  gitServer: GitHttpServer;
  remote: string;
  bare: string;
  keysFile: string;
}

export async function prepareServeWork(prefix: string): Promise<ServeWork> {
  const work = await mkdtemp(join(tmpdir(), `intentops-${prefix}-`));
  await mkdir(join(work, "intents"), { recursive: true });
  await copyFile(join(ROOT, "intents", "sites.yaml"), join(work, "intents", "sites.yaml"));
  const keysFile = await writeKeys(work);
  const gitServer = await startGitHttpServer();
  const remote = await gitServer.createRepo("delivery");
  return { work, gitServer, remote, bare: gitServer.repoPath("delivery"), keysFile };
}

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stdout (JSON log lines). */
  logs(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function spawnServe(
  w: ServeWork,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [
      // Node flags for the service, e.g. INTENTOPS_SERVE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
      ...(process.env.INTENTOPS_SERVE_NODE_ARGS?.split(" ") ?? []),
      MAIN,
      "serve",
      "--repo",
      "delivery.git",
      "--remote",
      w.remote,
      "--api-keys",
      w.keysFile,
      "--port",
      "0",
      ...extra,
    ],
    {
      cwd: w.work,
      env: {
        PATH: process.env.PATH,
        HOME: w.work,
        ...(process.env.UV_THREADPOOL_SIZE ? { UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE } : {}),
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout!.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on("data", (c: Buffer) => {
      err += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    void exited.then(({ code }) => reject(new Error(`serve exited (${code}) before listening:\n${err}`)));
  });
  return { url, child, logs: () => out, exited };
}
