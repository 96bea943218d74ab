/**
 * The peer for the OpenStack lifecycle bench: the same work an operator would script with the `openstack`
 * CLI (python3-openstackclient) — one `openstack` shell per phase reading its commands from stdin, so the
 * Python start-up is paid once per phase, not per command. The commands are written from the very objects
 * the site driver receives (names, CIDRs, rules, flavors, images, the volume and its attachment), so both
 * sides build the same stack; the peer's resources carry no intentops tags, so the driver never sees them.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { KrmObject } from "../../../functions/runtime/types.js";

type Spec = Record<string, unknown>;
const execFileAsync = promisify(execFile);
const specOf = (o: KrmObject) => (o as { spec?: Spec }).spec ?? {};
const byKind = (objects: KrmObject[], kind: string) => objects.filter((o) => o.kind === kind);
const nameOf = (o: KrmObject) => o.metadata.name;

interface Rule {
  direction: string;
  ethertype: string;
  protocol?: string;
  port_range_min?: number;
  port_range_max?: number;
  remote_ip_prefix?: string;
}
interface ServerSpec {
  flavorRef: string;
  imageRef: string;
  networks: Array<{ networkRef: { name: string }; fixed_ips?: Array<{ subnetRef: { name: string } }> }>;
  security_groups?: Array<{ name: string }>;
}

function serverCreate(server: KrmObject): string[] {
  const spec = specOf(server) as unknown as ServerSpec;
  const name = nameOf(server);
  const lines: string[] = [];
  const ports = spec.networks.map((nic, i) => {
    const port = `${name}-port${i}`;
    const fixed = (nic.fixed_ips ?? []).map((ip) => ` --fixed-ip subnet=${ip.subnetRef.name}`).join("");
    const groups = (spec.security_groups ?? []).map((g) => ` --security-group ${g.name}`).join("");
    lines.push(`port create --network ${nic.networkRef.name}${fixed}${groups} ${port}`);
    return port;
  });
  const nics = ports.map((p) => ` --port ${p}`).join("");
  lines.push(`server create --flavor ${spec.flavorRef} --image ${spec.imageRef}${nics} --wait ${name}`);
  return lines;
}

function serverDelete(server: KrmObject): string[] {
  const spec = specOf(server) as unknown as ServerSpec;
  const name = nameOf(server);
  return [`server delete --wait ${name}`, ...spec.networks.map((_, i) => `port delete ${name}-port${i}`)];
}

/** Commands that create the stack from nothing, in dependency order. */
export function createCommands(objects: KrmObject[]): string[] {
  const lines: string[] = [];
  for (const net of byKind(objects, "Network")) lines.push(`network create ${nameOf(net)}`);
  for (const subnet of byKind(objects, "Subnet")) {
    const s = specOf(subnet) as { cidr: string; gateway_ip?: string; networkRef: { name: string } };
    const gateway = s.gateway_ip ? ` --gateway ${s.gateway_ip}` : "";
    lines.push(
      `subnet create --network ${s.networkRef.name} --subnet-range ${s.cidr}${gateway} ${nameOf(subnet)}`,
    );
  }
  for (const router of byKind(objects, "Router")) {
    const s = specOf(router) as {
      external_gateway_info?: { networkRef: { name: string } };
      interfaces?: Array<{ subnetRef: { name: string } }>;
    };
    lines.push(`router create ${nameOf(router)}`);
    if (s.external_gateway_info) {
      lines.push(
        `router set --external-gateway ${s.external_gateway_info.networkRef.name} ${nameOf(router)}`,
      );
    }
    for (const i of s.interfaces ?? []) lines.push(`router add subnet ${nameOf(router)} ${i.subnetRef.name}`);
  }
  for (const group of byKind(objects, "SecurityGroup")) {
    lines.push(`security group create ${nameOf(group)}`);
    for (const r of (specOf(group) as { rules?: Rule[] }).rules ?? []) {
      const ports =
        r.port_range_min !== undefined ? ` --dst-port ${r.port_range_min}:${r.port_range_max}` : "";
      const protocol = r.protocol ? ` --protocol ${r.protocol}` : "";
      const remote = r.remote_ip_prefix ? ` --remote-ip ${r.remote_ip_prefix}` : "";
      lines.push(
        `security group rule create --${r.direction} --ethertype ${r.ethertype}${protocol}${ports}${remote} ${nameOf(group)}`,
      );
    }
  }
  for (const volume of byKind(objects, "Volume")) {
    lines.push(`volume create --size ${(specOf(volume) as { size: number }).size} ${nameOf(volume)}`);
  }
  for (const server of byKind(objects, "Server")) lines.push(...serverCreate(server));
  for (const volume of byKind(objects, "Volume")) {
    const attach = (specOf(volume) as { attachment?: { serverRef: { name: string } } }).attachment;
    if (attach) lines.push(`server add volume ${attach.serverRef.name} ${nameOf(volume)}`);
  }
  return lines;
}

/** Commands that take the servers of `from` to those of `to` (a tier's count changed). */
export function scaleCommands(from: KrmObject[], to: KrmObject[]): string[] {
  const names = (xs: KrmObject[]) => new Set(byKind(xs, "Server").map(nameOf));
  const [before, after] = [names(from), names(to)];
  return [
    ...byKind(to, "Server")
      .filter((s) => !before.has(nameOf(s)))
      .flatMap(serverCreate),
    ...byKind(from, "Server")
      .filter((s) => !after.has(nameOf(s)))
      .flatMap(serverDelete),
  ];
}

/** Commands that remove the whole stack, in reverse dependency order. */
export function deleteCommands(objects: KrmObject[]): string[] {
  const lines = byKind(objects, "Server").flatMap(serverDelete);
  for (const volume of byKind(objects, "Volume")) lines.push(`volume delete ${nameOf(volume)}`);
  for (const router of byKind(objects, "Router")) {
    const s = specOf(router) as { interfaces?: Array<{ subnetRef: { name: string } }> };
    for (const i of s.interfaces ?? [])
      lines.push(`router remove subnet ${nameOf(router)} ${i.subnetRef.name}`);
    lines.push(`router delete ${nameOf(router)}`);
  }
  for (const subnet of byKind(objects, "Subnet")) lines.push(`subnet delete ${nameOf(subnet)}`);
  for (const net of byKind(objects, "Network")) lines.push(`network delete ${nameOf(net)}`);
  for (const group of byKind(objects, "SecurityGroup")) lines.push(`security group delete ${nameOf(group)}`);
  return lines;
}

/**
 * Runs the commands in one `openstack` shell. The shell goes on after a failed command, so each command's
 * failure is detected from its stderr, and any failure rejects (the phase's time must not count).
 */
export async function runOpenStackCli(commands: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const running = execFileAsync("openstack", [], { env, maxBuffer: 64 << 20 });
  running.child.stdin?.end(`${commands.join("\n")}\n`);
  const { stderr } = await running;
  const failed = stderr
    .split("\n")
    .filter((l) => l.trim() !== "" && !/warning|deprecat/i.test(l))
    .join("\n");
  if (failed !== "") throw new Error(`openstack CLI:\n${failed}`);
}

/** One `openstack … -f json` command's parsed output (the bench's check of the peer's outcome). */
export async function openStackCliJson(args: string[], env: NodeJS.ProcessEnv): Promise<unknown> {
  const { stdout } = await execFileAsync("openstack", [...args, "-f", "json"], { env, maxBuffer: 64 << 20 });
  return JSON.parse(stdout);
}
