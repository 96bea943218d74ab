/**
 * Stops a sandbox service's process: SIGTERM, up to 10 s for it to exit, then SIGKILL. Shared by every
 * service the sandbox starts (Prometheus, PowerDNS, NATS, ExternalDNS).
 */
import type { ChildProcess } from "node:child_process";

export async function stopChild(
  child: ChildProcess,
  exit: Promise<void>,
  exited: () => boolean,
): Promise<void> {
  if (exited()) return;
  child.kill("SIGTERM");
  const graceful = await Promise.race([
    exit.then(() => true),
    new Promise((r) => setTimeout(() => r(false), 10_000)),
  ]);
  if (!graceful && !exited()) {
    child.kill("SIGKILL");
    await exit;
  }
}
