/**
 * Detached service processes, known by pid files under `<state>/run/`: a process outlives the command that
 * started it (so `start` and `stop` are separate commands, and a second `start` finds the first), logs to
 * `<state>/log/<name>.log`, and is stopped with its whole process group.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { IntentopsError } from "../../../compiler/errors.js";
import type { ServiceSpec } from "./openStackServices.js";
import type { SandboxLayout } from "./sandboxLayout.js";

/** PATH without pyenv or virtualenv shims: Debian's interpreters and tools only. */
export const SYSTEM_PATH = "/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin";

export function systemEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: SYSTEM_PATH, HOME: process.env.HOME ?? "/root", LANG: "C.UTF-8" };
  return { ...env, ...extra };
}

function pidFile(layout: SandboxLayout, name: string): string {
  return join(layout.run, `${name}.pid`);
}

export async function readPid(layout: SandboxLayout, name: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(pidFile(layout, name), "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether the service's process (from its pid file) is running. */
export async function serviceRunning(layout: SandboxLayout, name: string): Promise<boolean> {
  const pid = await readPid(layout, name);
  return pid !== undefined && alive(pid);
}

/** Starts the service detached, in its own process group, appending to its log; records its pid. */
export async function spawnService(layout: SandboxLayout, spec: ServiceSpec): Promise<number> {
  if (!existsSync(spec.command)) {
    throw new IntentopsError("E_SANDBOX_MISSING", `${spec.name}: ${spec.command} is not installed`);
  }
  const logFd = openSync(join(layout.log, `${spec.name}.log`), "a");
  try {
    const child = spawn(spec.command, spec.args, {
      detached: true,
      stdio: ["ignore", logFd, logFd],
      env: systemEnv(spec.env),
      cwd: layout.state,
    });
    const pid = child.pid;
    if (pid === undefined) throw new IntentopsError("E_SANDBOX_START", `${spec.name}: could not be started`);
    child.unref();
    await writeFile(pidFile(layout, spec.name), `${pid}\n`);
    return pid;
  } finally {
    closeSync(logFd);
  }
}

/**
 * Stops the service's process group: SIGTERM, then SIGKILL after `graceMs`. Idempotent.
 * @returns whether a process was running
 */
export async function stopService(layout: SandboxLayout, name: string, graceMs = 20_000): Promise<boolean> {
  const pid = await readPid(layout, name);
  if (pid === undefined) return false;
  const wasAlive = alive(pid);
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  if (wasAlive) {
    signal("SIGTERM");
    const deadline = Date.now() + graceMs;
    while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (groupAlive(pid)) signal("SIGKILL");
    const killDeadline = Date.now() + 10_000;
    while (groupAlive(pid) && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 100));
  }
  await rm(pidFile(layout, name), { force: true });
  return wasAlive;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return alive(pgid);
  }
}

/** Runs a one-shot command (a DB sync) to completion under the system PATH; rejects with its output tail. */
export function runTool(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd: string; logFile: string },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const logFd = openSync(options.logFile, "a");
    const child = spawn(command, args, {
      stdio: ["ignore", logFd, logFd],
      env: systemEnv(options.env),
      cwd: options.cwd,
    });
    child.on("error", (error) => {
      closeSync(logFd);
      reject(new IntentopsError("E_SANDBOX_SETUP", `${command}: ${error.message}`, { cause: error }));
    });
    child.on("exit", async (code) => {
      closeSync(logFd);
      if (code === 0) return resolve();
      const tail = (await readFile(options.logFile, "utf8").catch(() => ""))
        .split("\n")
        .slice(-15)
        .join("\n");
      reject(
        new IntentopsError(
          "E_SANDBOX_SETUP",
          `${command} ${args.join(" ")} exited with ${code}; log ${options.logFile}:\n${tail}`,
        ),
      );
    });
  });
}
