/**
 * `configureServers`: runs an Ansible playbook (Debian's `ansible-playbook`) against an intent's servers at an
 * OpenStack site. The inventory is built from the live servers — one group per tier, each host at its fixed
 * IPv4 address — and the result is read from Ansible's JSON callback: per host ok / changed / failed /
 * unreachable, as data for the evidence record.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IntentopsError } from "../../compiler/errors.js";
import type { OpenStackClient } from "./client/createOpenStackClient.js";
import { fixedAddresses } from "./compute/servers/results.js";
import { readLiveStack } from "./stack/readLiveStack.js";
import { META } from "./stack/resourceTags.js";

export interface ConfigureOptions {
  site: string;
  intentId: string;
  playbook: string;
  /** SSH user. Default `root`. */
  user?: string;
  privateKeyFile?: string;
  /** Extra variables (`-e`), as JSON. */
  extraVars?: Record<string, unknown>;
  /** Default 10 minutes. */
  timeoutMs?: number;
}

export interface HostResult {
  ok: number;
  changed: number;
  failures: number;
  unreachable: number;
  skipped: number;
}

export interface ConfigureResult {
  subject: string;
  ok: boolean;
  exitCode: number;
  /** The inventory as run (host → address), sorted. */
  hosts: Array<{ name: string; tier: string; address: string }>;
  stats: Record<string, HostResult>;
  durationMs: number;
}

/** The INI inventory: `[tier]` groups of `name ansible_host=addr`. */
export function inventoryText(
  hosts: ReadonlyArray<{ name: string; tier: string; address: string }>,
  vars: Record<string, string>,
): string {
  const tiers = [...new Set(hosts.map((h) => h.tier))].sort();
  const lines: string[] = [];
  for (const tier of tiers) {
    lines.push(`[${tier}]`);
    for (const h of hosts.filter((x) => x.tier === tier)) lines.push(`${h.name} ansible_host=${h.address}`);
    lines.push("");
  }
  lines.push("[all:vars]");
  for (const [k, v] of Object.entries(vars).sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`${k}=${v}`);
  return `${lines.join("\n")}\n`;
}

/** @example const result = await configureServers(client, { site, intentId, playbook: "site.yml" }); */
export async function configureServers(
  client: OpenStackClient,
  options: ConfigureOptions,
): Promise<ConfigureResult> {
  const subject = `${options.site}/${options.intentId}`;
  const live = await readLiveStack(client, { site: options.site, intentId: options.intentId });
  const hosts = live.servers
    .filter((s) => s.resource.status === "ACTIVE")
    .map((s) => ({
      name: s.name,
      tier: s.resource.metadata[META.tier] ?? "default",
      address: fixedAddresses(s.resource)[0] ?? "",
    }))
    .filter((h) => h.address)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  if (hosts.length === 0) {
    throw new IntentopsError("E_OPENSTACK_CONFIGURE", `${subject}: no ACTIVE server with an address`, {
      subject,
    });
  }
  const dir = await mkdtemp(join(tmpdir(), "intentops-ansible-"));
  const started = performance.now();
  try {
    const vars: Record<string, string> = {
      ansible_user: options.user ?? "root",
      ansible_ssh_common_args: "'-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'",
      ansible_python_interpreter: "/usr/bin/python3",
    };
    if (options.privateKeyFile) vars.ansible_ssh_private_key_file = options.privateKeyFile;
    const inventory = join(dir, "inventory.ini");
    await writeFile(inventory, inventoryText(hosts, vars));
    const args = ["-i", inventory, options.playbook];
    if (options.extraVars) args.push("-e", JSON.stringify(options.extraVars));
    const { code, stdout, stderr } = await run(
      "/usr/bin/ansible-playbook",
      args,
      {
        ANSIBLE_STDOUT_CALLBACK: "json",
        ANSIBLE_HOST_KEY_CHECKING: "False",
        ANSIBLE_LOCAL_TEMP: join(dir, "tmp"),
        ANSIBLE_NOCOLOR: "1",
        ANSIBLE_RETRY_FILES_ENABLED: "False",
        PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
        HOME: process.env.HOME ?? "/root",
      },
      options.timeoutMs ?? 600_000,
    );
    let stats: Record<string, HostResult> = {};
    try {
      stats = (JSON.parse(stdout.slice(stdout.indexOf("{"))) as { stats: Record<string, HostResult> }).stats;
    } catch {
      throw new IntentopsError(
        "E_OPENSTACK_CONFIGURE",
        `${subject}: ansible-playbook exited with ${code} without a JSON result: ${stderr.trim().slice(-500)}`,
        { subject },
      );
    }
    return {
      subject,
      ok: code === 0 && Object.values(stats).every((s) => s.failures === 0 && s.unreachable === 0),
      exitCode: code,
      hosts,
      stats,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", (error) =>
      reject(new IntentopsError("E_OPENSTACK_CONFIGURE", `${command}: ${error.message}`, { cause: error })),
    );
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
