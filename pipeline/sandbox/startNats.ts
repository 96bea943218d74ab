/**
 * A real NATS JetStream broker for tests and local runs: Debian's `nats-server` on a free loopback port, with
 * JetStream's file store in its own temporary directory and one generated user (password in a mode-600
 * file, never on the command line). Stopped cleanly (SIGTERM, then SIGKILL after a grace period); a
 * restart on the same directory keeps every stream, message and consumer position.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stopChild } from "./stopChild.js";

export interface NatsServer {
  /** `nats://127.0.0.1:<port>` */
  url: string;
  port: number;
  dir: string;
  user: string;
  /** File holding the user's password (mode 600). */
  passwordFile: string;
  running(): boolean;
  /** Stops the process (idempotent); `keepDir` leaves the store for a restart. */
  stop(options?: { keepDir?: boolean }): Promise<void>;
}

/** Whether Debian's `nats-server` is installed (`apt-get install nats-server`). */
export async function natsAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn("nats-server", ["--version"], { stdio: "ignore" });
    child.on("error", () => resolve(false));
    child.on("exit", (code) => resolve(code === 0));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts nats-server with JetStream; `dir` reuses an earlier store (and its password). */
export async function startNats(
  options: { dir?: string; readyTimeoutMs?: number } = {},
): Promise<NatsServer> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "intentops-nats-")));
  const passwordFile = join(dir, "password");
  const password = await readFile(passwordFile, "utf8").catch(async () => {
    const fresh = randomBytes(24).toString("hex");
    await writeFile(passwordFile, fresh, { mode: 0o600 });
    return fresh;
  });
  const user = "intentops";
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    // JSON is valid NATS configuration; the password only ever lives in files of mode 600.
    const config = {
      host: "127.0.0.1",
      port,
      jetstream: { store_dir: join(dir, "store"), max_file_store: 2 * 1024 * 1024 * 1024 },
      authorization: { users: [{ user, password }] },
      max_payload: 1024 * 1024,
    };
    const configFile = join(dir, "nats.conf");
    await writeFile(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
    try {
      return await launch(dir, configFile, port, user, passwordFile, options.readyTimeoutMs ?? 30_000);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function launch(
  dir: string,
  configFile: string,
  port: number,
  user: string,
  passwordFile: string,
  readyTimeoutMs: number,
): Promise<NatsServer> {
  const child = spawn("nats-server", ["-c", configFile], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    const done = () => {
      exited = true;
      resolve();
    };
    child.once("exit", done);
    child.once("error", done);
  });
  const deadline = Date.now() + readyTimeoutMs;
  // Ready once the server answers its INFO line on the client port.
  for (;;) {
    if (exited) throw new Error(`nats-server exited before it was ready: ${stderr.trim()}`);
    if (await answersInfo(port)) break;
    if (Date.now() > deadline) {
      await stopChild(child, exit, () => exited);
      throw new Error(`nats-server not ready within ${readyTimeoutMs} ms: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  let stopped: Promise<void> | undefined;
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    dir,
    user,
    passwordFile,
    running: () => !exited,
    stop: ({ keepDir = false } = {}) => {
      stopped ??= stopChild(child, exit, () => exited);
      return stopped.then(() => (keepDir ? undefined : rm(dir, { recursive: true, force: true })));
    },
  };
}

function answersInfo(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("data", (chunk) => finish(chunk.toString().startsWith("INFO ")));
  });
}
