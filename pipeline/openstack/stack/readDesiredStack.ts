/**
 * `readDesiredStack`: the rendered OpenStack manifests of one intent (apiVersion
 * `openstack.intentops.io/v1alpha1`) read into typed resources, every reference between them checked. A
 * manifest the driver cannot apply is refused here, before anything is created, with the object and field.
 */
import { IntentopsError } from "../../../compiler/errors.js";
import type { KrmObject } from "../../../functions/runtime/types.js";
import type { RuleSpec } from "../networking/securitygroups/results.js";

export const OPENSTACK_API_VERSION = "openstack.intentops.io/v1alpha1";

export interface DesiredNetwork {
  name: string;
  description?: string;
  adminStateUp: boolean;
}
export interface DesiredSubnet {
  name: string;
  network: string;
  cidr: string;
  gatewayIp?: string;
  enableDhcp: boolean;
  ipVersion: number;
}
export interface DesiredRouter {
  name: string;
  externalNetwork?: string;
  interfaces: string[];
}
export interface DesiredSecurityGroup {
  name: string;
  description?: string;
  rules: RuleSpec[];
}
export interface DesiredServer {
  name: string;
  tier: string;
  ordinal: number;
  flavor: string;
  image: string;
  network: string;
  subnet: string;
  securityGroups: string[];
  metadata: Record<string, string>;
  keyName?: string;
  userData?: string;
}
export interface DesiredVolume {
  name: string;
  size: number;
  server?: string;
  ordinal: number;
}

export interface DesiredStack {
  networks: DesiredNetwork[];
  subnets: DesiredSubnet[];
  routers: DesiredRouter[];
  securityGroups: DesiredSecurityGroup[];
  servers: DesiredServer[];
  volumes: DesiredVolume[];
}

/** A manifest the driver cannot apply; `subject` is `Kind/name`, the message names the field. */
export class ManifestError extends IntentopsError {
  constructor(subject: string, message: string) {
    super("E_OPENSTACK_MANIFEST", `${subject}: ${message}`, { subject });
    this.name = "ManifestError";
  }
}

type Spec = Record<string, unknown>;

function refName(value: unknown): string | undefined {
  if (value && typeof value === "object" && typeof (value as Spec).name === "string") {
    return (value as { name: string }).name;
  }
  return undefined;
}

/** @example const stack = readDesiredStack(pkg.objects); */
export function readDesiredStack(objects: readonly KrmObject[]): DesiredStack {
  const stack: DesiredStack = {
    networks: [],
    subnets: [],
    routers: [],
    securityGroups: [],
    servers: [],
    volumes: [],
  };
  for (const obj of objects) {
    if (obj.kind === "Kptfile") continue;
    const name = obj.metadata.name ?? "";
    const subject = `${obj.kind}/${name}`;
    if (obj.apiVersion !== OPENSTACK_API_VERSION) {
      throw new ManifestError(subject, `apiVersion ${obj.apiVersion} is not ${OPENSTACK_API_VERSION}`);
    }
    const spec = ((obj as { spec?: Spec }).spec ?? {}) as Spec;
    const need = <T>(value: T | undefined, field: string): T => {
      if (value === undefined || value === null || value === "")
        throw new ManifestError(subject, `spec.${field} is required`);
      return value;
    };
    switch (obj.kind) {
      case "Network":
        stack.networks.push({
          name,
          ...(typeof spec.description === "string" ? { description: spec.description } : {}),
          adminStateUp: spec.admin_state_up !== false,
        });
        break;
      case "Subnet":
        stack.subnets.push({
          name,
          network: need(refName(spec.networkRef), "networkRef.name"),
          cidr: need(spec.cidr as string | undefined, "cidr"),
          ...(typeof spec.gateway_ip === "string" ? { gatewayIp: spec.gateway_ip } : {}),
          enableDhcp: spec.enable_dhcp !== false,
          ipVersion: typeof spec.ip_version === "number" ? spec.ip_version : 4,
        });
        break;
      case "Router": {
        const gateway = spec.external_gateway_info as Spec | undefined;
        const external = gateway ? refName(gateway.networkRef) : undefined;
        stack.routers.push({
          name,
          ...(external ? { externalNetwork: external } : {}),
          interfaces: ((spec.interfaces as Spec[] | undefined) ?? []).map((i, n) =>
            need(refName(i.subnetRef), `interfaces[${n}].subnetRef.name`),
          ),
        });
        break;
      }
      case "SecurityGroup":
        stack.securityGroups.push({
          name,
          ...(typeof spec.description === "string" ? { description: spec.description } : {}),
          rules: ((spec.rules as Spec[] | undefined) ?? []).map((r) => ({
            direction: r.direction === "egress" ? "egress" : "ingress",
            ethertype: typeof r.ethertype === "string" ? r.ethertype : "IPv4",
            protocol: typeof r.protocol === "string" ? r.protocol : null,
            port_range_min: typeof r.port_range_min === "number" ? r.port_range_min : null,
            port_range_max: typeof r.port_range_max === "number" ? r.port_range_max : null,
            remote_ip_prefix: typeof r.remote_ip_prefix === "string" ? r.remote_ip_prefix : null,
          })),
        });
        break;
      case "Server": {
        const nets = (spec.networks as Spec[] | undefined) ?? [];
        if (nets.length !== 1)
          throw new ManifestError(subject, "spec.networks must hold exactly one network");
        const net = nets[0]!;
        const fixed = (net.fixed_ips as Spec[] | undefined) ?? [];
        const labels = obj.metadata.labels ?? {};
        const metadata = (spec.metadata as Record<string, string> | undefined) ?? {};
        const ordinal =
          typeof spec.ordinal === "number" ? spec.ordinal : Number(metadata["intentops.io/ordinal"] ?? 0);
        stack.servers.push({
          name,
          tier: labels["intentops.io/tier"] ?? metadata["intentops.io/tier"] ?? "default",
          ordinal,
          flavor: need(spec.flavorRef as string | undefined, "flavorRef"),
          image: need(spec.imageRef as string | undefined, "imageRef"),
          network: need(refName(net.networkRef), "networks[0].networkRef.name"),
          subnet: need(refName(fixed[0]?.subnetRef), "networks[0].fixed_ips[0].subnetRef.name"),
          securityGroups: ((spec.security_groups as Spec[] | undefined) ?? []).map((g, n) =>
            need(typeof g.name === "string" ? g.name : undefined, `security_groups[${n}].name`),
          ),
          metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, String(v)])),
          ...(typeof spec.key_name === "string" ? { keyName: spec.key_name } : {}),
          ...(typeof spec.user_data === "string" ? { userData: spec.user_data } : {}),
        });
        break;
      }
      case "Volume": {
        const attachment = spec.attachment as Spec | undefined;
        const server = attachment ? refName(attachment.serverRef) : undefined;
        const size = need(spec.size as number | undefined, "size");
        if (!Number.isInteger(size) || size < 1)
          throw new ManifestError(subject, "spec.size must be ≥ 1 (GiB)");
        stack.volumes.push({
          name,
          size,
          ...(server ? { server } : {}),
          ordinal: Number(obj.metadata.annotations?.["intentops.io/ordinal"] ?? 0),
        });
        break;
      }
      default:
        throw new ManifestError(subject, `kind ${obj.kind} is not an OpenStack kind the driver knows`);
    }
  }
  checkReferences(stack);
  for (const list of Object.values(stack) as Array<Array<{ name: string }>>) {
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return stack;
}

function checkReferences(stack: DesiredStack): void {
  const names = (list: ReadonlyArray<{ name: string }>) => new Set(list.map((x) => x.name));
  const networks = names(stack.networks);
  const subnets = names(stack.subnets);
  const groups = names(stack.securityGroups);
  const servers = names(stack.servers);
  for (const s of stack.subnets) {
    if (!networks.has(s.network))
      throw new ManifestError(`Subnet/${s.name}`, `network ${s.network} is not in the package`);
  }
  for (const r of stack.routers) {
    for (const i of r.interfaces) {
      if (!subnets.has(i))
        throw new ManifestError(`Router/${r.name}`, `interface subnet ${i} is not in the package`);
    }
  }
  for (const s of stack.servers) {
    if (!networks.has(s.network))
      throw new ManifestError(`Server/${s.name}`, `network ${s.network} is not in the package`);
    if (!subnets.has(s.subnet))
      throw new ManifestError(`Server/${s.name}`, `subnet ${s.subnet} is not in the package`);
    for (const g of s.securityGroups) {
      if (!groups.has(g))
        throw new ManifestError(`Server/${s.name}`, `security group ${g} is not in the package`);
    }
  }
  for (const v of stack.volumes) {
    if (v.server && !servers.has(v.server))
      throw new ManifestError(`Volume/${v.name}`, `attachment server ${v.server} is not in the package`);
  }
}
