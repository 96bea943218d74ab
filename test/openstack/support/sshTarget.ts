/**
 * A reachable target for Ansible where the sandbox has no dataplane (FakeDriver boots nothing): a network
 * namespace holding the servers' fixed IPs on one veth, with Debian's sshd listening inside it, reached from
 * the host over the veth pair. One sshd answers for every server address; a fresh key pair authorises the
 * test's SSH user. `stop` removes the namespace, the link and the process.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SshTarget {
  dir: string;
  privateKey: string;
  stop(): Promise<void>;
}

const NS = "intentops-os17";
const HOST_IF = "ios17h";
const NS_IF = "ios17n";

function ip(...args: string[]) {
  execFileSync("/usr/sbin/ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

async function reachable(address: string, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: address, port: 22, timeout: 1000 }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
      socket.on("timeout", () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd at ${address}:22 not reachable`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** @param addresses the servers' fixed IPv4 addresses (all in one /16) */
export async function startSshTarget(addresses: readonly string[]): Promise<SshTarget> {
  const dir = await mkdtemp(join(tmpdir(), "intentops-ssh-"));
  try {
    ip("netns", "del", NS);
  } catch {
    // not there: fine
  }
  ip("netns", "add", NS);
  let sshd: ChildProcess | undefined;
  const stop = async () => {
    if (sshd && sshd.exitCode === null) {
      const exited = new Promise((r) => sshd!.once("exit", r));
      sshd.kill("SIGTERM");
      await exited;
    }
    try {
      ip("netns", "del", NS);
    } catch {
      // already gone
    }
    try {
      ip("link", "del", HOST_IF);
    } catch {
      // went with the namespace
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const prefix = addresses[0]!.split(".").slice(0, 2).join(".");
    ip("link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF);
    ip("link", "set", NS_IF, "netns", NS);
    ip("addr", "add", `${prefix}.255.254/16`, "dev", HOST_IF);
    ip("link", "set", HOST_IF, "up");
    for (const a of addresses) ip("-n", NS, "addr", "add", `${a}/16`, "dev", NS_IF);
    ip("-n", NS, "link", "set", NS_IF, "up");
    ip("-n", NS, "link", "set", "lo", "up");
    execFileSync("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "host_ed25519")]);
    execFileSync("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "client_ed25519")]);
    await writeFile(join(dir, "authorized_keys"), await readFile(join(dir, "client_ed25519.pub")), {
      mode: 0o600,
    });
    await mkdir("/run/sshd", { recursive: true });
    await writeFile(
      join(dir, "sshd_config"),
      [
        "Port 22",
        "ListenAddress 0.0.0.0",
        `HostKey ${join(dir, "host_ed25519")}`,
        `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        `PidFile ${join(dir, "sshd.pid")}`,
        "Subsystem sftp /usr/lib/openssh/sftp-server",
        "",
      ].join("\n"),
    );
    sshd = spawn(
      "/usr/sbin/ip",
      ["netns", "exec", NS, "/usr/sbin/sshd", "-D", "-e", "-f", join(dir, "sshd_config")],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    const deadline = Date.now() + 30_000;
    for (const a of addresses) await reachable(a, deadline);
    return { dir, privateKey: join(dir, "client_ed25519"), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
