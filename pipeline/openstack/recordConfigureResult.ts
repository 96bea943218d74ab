/**
 * `recordConfigureResult`: appends the result of an Ansible run (per-host recap, exit code, inventory) to
 * `<dir>/<site>/<intent>.configure.jsonl`, beside the intent's saga journal, so what was configured, when
 * and with what outcome is kept after the command's output is gone.
 */
import { appendFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { ConfigureResult } from "./configureServers.js";
import { safe } from "./saga/sagaStore.js";

export function configureLogPath(dir: string, site: string, intentId: string): string {
  return join(dir, safe(site), `${safe(intentId)}.configure.jsonl`);
}

/** @example await recordConfigureResult(".intentops/openstack", { site, intentId }, result, new Date().toISOString()) */
export async function recordConfigureResult(
  dir: string,
  owner: { site: string; intentId: string },
  result: ConfigureResult,
  recordedAt: string,
): Promise<string> {
  const path = configureLogPath(dir, owner.site, owner.intentId);
  await mkdir(join(path, ".."), { recursive: true });
  await appendFile(path, `${JSON.stringify({ recordedAt, ...result })}\n`);
  return path;
}
