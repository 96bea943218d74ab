/**
 * `webAppStack` workload (EdgeService_Support on an OpenStack site): KRM-shaped objects of
 * `openstack.intentops.io/v1alpha1` that the OpenStack site driver turns into Neutron, Nova and Cinder calls.
 *
 * Kinds: Network, Subnet (one per tier), Router (gateway + one interface per subnet), SecurityGroup (one
 * per tier, rules from the template), Server (one object per instance), Volume (one per server of a tier
 * with `volumeGiB`). Value fields use the OpenStack API's names (`cidr`, `ip_version`, `gateway_ip`,
 * `enable_dhcp`, `admin_state_up`, `external_gateway_info`, `flavorRef`, `imageRef`, `security_groups`,
 * `metadata`, `size`, `port_range_min`…); references to other objects of the package are by name
 * (`networkRef`, `subnetRef`, `serverRef`), and flavors/images are referred to by name, since ids only exist
 * once the driver has resolved or created them.
 *
 * Servers are named `<stack>-<tier>-<ordinal>` (ordinal from 0) and carry the ordinal in `spec.ordinal`,
 * the `intentops.io/ordinal` annotation and Nova metadata. Scaling a tier from n to m < n therefore drops
 * exactly ordinals m…n-1, the most recently added (LIFO); the reconciler's prune deletes them, highest first.
 * Objects have no namespace: they live in the site's OpenStack project, not in a Kubernetes namespace.
 */
import { buildMetadata } from "./buildMetadata.js";
import { dnsLabel, dnsLabelWithSuffix } from "./dnsLabel.js";
import { GeneratorError } from "./GeneratorError.js";
import { type Cidr4, cidrContains, cidrOverlaps, firstHost, parseCidr4 } from "./ipv4.js";
import type { WorkloadInput } from "./readWorkloads.js";
import type { GeneratedObject, JsonObject } from "./types.js";
import { WEB_APP_STACK_TEMPLATE } from "./webAppStackTemplate.js";

export const OPENSTACK_API_VERSION = "openstack.intentops.io/v1alpha1";
export const ORDINAL_ANNOTATION = "intentops.io/ordinal";
export const STACK_LABEL = "intentops.io/stack";
export const TIER_LABEL = "intentops.io/tier";

const TIER_FIELD = /^tier\.([^.]+)\.(count|flavor|image|subnetCidr|volumeGiB)$/;

/** A tier after merging the template with the intent. */
export interface ResolvedTier {
  name: string;
  count: number;
  flavor: string;
  image: string;
  subnet: Cidr4;
  volumeGiB: number | undefined;
}

/** The stack's tiers, template tiers first (web, app, db), then the intent's own tiers by name. */
export function resolveTiers(input: WorkloadInput): ResolvedTier[] {
  const p = input.params;
  const given = new Map<string, Set<string>>();
  for (const attribute of p.attributes()) {
    if (!attribute.startsWith("tier.")) continue;
    const match = TIER_FIELD.exec(attribute);
    if (match === null) {
      throw new GeneratorError("E_GEN_INVALID_PARAM", p.where(attribute), "unknown tier field");
    }
    const [, tier = "", field = ""] = match;
    given.set(tier, (given.get(tier) ?? new Set()).add(field));
  }
  const defaultImage = p.string("containerImage") ?? WEB_APP_STACK_TEMPLATE.image;
  const templateNames = WEB_APP_STACK_TEMPLATE.tiers.map((t) => t.name);
  const extra = [...given.keys()].filter((name) => !templateNames.includes(name)).sort();
  return [...templateNames, ...extra].map((name) => {
    const template = WEB_APP_STACK_TEMPLATE.tiers.find((t) => t.name === name);
    const attr = (field: string) => `tier.${name}.${field}`;
    const need = (field: string, fallback: string | undefined): string => {
      const value = p.string(attr(field)) ?? fallback;
      if (value === undefined) {
        throw new GeneratorError(
          "E_GEN_MISSING_PARAM",
          p.where(attr(field)),
          `tier ${name} is not in the template`,
        );
      }
      return value;
    };
    const cidrText = need("subnetCidr", template?.subnetCidr);
    const subnet = parseCidr4(cidrText);
    if (subnet === undefined) {
      throw new GeneratorError(
        "E_GEN_INVALID_PARAM",
        p.where(attr("subnetCidr")),
        `${cidrText} is not an IPv4 network`,
      );
    }
    return {
      name,
      count: p.integer(attr("count"), 0, 1000) ?? template?.count ?? 1,
      flavor: need("flavor", template?.flavor),
      image: p.string(attr("image")) ?? defaultImage,
      subnet,
      volumeGiB: p.integer(attr("volumeGiB"), 1, 65536),
    };
  });
}

/** Objects of one `webAppStack` workload. */
export function generateWebAppStack(input: WorkloadInput): GeneratedObject[] {
  const p = input.params;
  const stack = dnsLabel([
    p.string("applicationName") ??
      input.deliver.expectationObject.objectInstance ??
      input.deliver.expectationId,
  ]);
  const networkCidrText = p.string("networkCidr") ?? WEB_APP_STACK_TEMPLATE.networkCidr;
  const networkCidr = parseCidr4(networkCidrText);
  if (networkCidr === undefined) {
    throw new GeneratorError(
      "E_GEN_INVALID_PARAM",
      p.where("networkCidr"),
      `${networkCidrText} is not an IPv4 network`,
    );
  }
  const tiers = resolveTiers(input);
  checkAddressPlan(input, networkCidr, tiers);
  const externalNetwork = p.string("externalNetwork") ?? WEB_APP_STACK_TEMPLATE.externalNetwork;
  const appPort = p.integer("servicePort", 1, 65535) ?? WEB_APP_STACK_TEMPLATE.appPort;

  const stackLabels = { [STACK_LABEL]: stack };
  const meta = (name: string, extra: Record<string, string> = {}, annotations: Record<string, string> = {}) =>
    buildMetadata(input, name, undefined, { labels: { ...stackLabels, ...extra }, annotations });
  const networkName = dnsLabel([stack, "net"]);
  const subnetName = (tier: string) => dnsLabel([stack, tier]);
  const objects: GeneratedObject[] = [
    {
      apiVersion: OPENSTACK_API_VERSION,
      kind: "Network",
      metadata: meta(networkName, {}, { "intentops.io/address-range": networkCidr.text }),
      spec: { admin_state_up: true, description: `intentops ${input.intentId} stack ${stack}` },
    },
    {
      apiVersion: OPENSTACK_API_VERSION,
      kind: "Router",
      metadata: meta(dnsLabel([stack, "router"])),
      spec: {
        admin_state_up: true,
        external_gateway_info: { networkRef: { name: externalNetwork } },
        interfaces: tiers.map((t) => ({ subnetRef: { name: subnetName(t.name) } })),
      },
    },
  ];
  for (const tier of tiers) {
    const tierLabels = { [TIER_LABEL]: tier.name };
    const subnet: JsonObject = {
      networkRef: { name: networkName },
      cidr: tier.subnet.text,
      ip_version: 4,
      enable_dhcp: true,
    };
    const gateway = firstHost(tier.subnet);
    if (gateway !== undefined) subnet["gateway_ip"] = gateway;
    objects.push(
      {
        apiVersion: OPENSTACK_API_VERSION,
        kind: "Subnet",
        metadata: meta(subnetName(tier.name), tierLabels),
        spec: subnet,
      },
      {
        apiVersion: OPENSTACK_API_VERSION,
        kind: "SecurityGroup",
        metadata: meta(subnetName(tier.name), tierLabels),
        spec: {
          description: `intentops ${stack} ${tier.name} tier`,
          rules: ingressRules(tier.name, tiers, appPort),
        },
      },
    );
    for (let ordinal = 0; ordinal < tier.count; ordinal++) {
      const serverName = dnsLabelWithSuffix([stack, tier.name], String(ordinal));
      objects.push({
        apiVersion: OPENSTACK_API_VERSION,
        kind: "Server",
        metadata: meta(serverName, tierLabels, { [ORDINAL_ANNOTATION]: String(ordinal) }),
        spec: {
          ordinal,
          flavorRef: tier.flavor,
          imageRef: tier.image,
          networks: [
            {
              networkRef: { name: networkName },
              fixed_ips: [{ subnetRef: { name: subnetName(tier.name) } }],
            },
          ],
          security_groups: [{ name: subnetName(tier.name) }],
          // Nova metadata lets the driver find its servers again after a crash and clean up orphans.
          metadata: {
            "intentops.io/intent-id": input.intentId,
            "intentops.io/site": input.site.id,
            "intentops.io/stack": stack,
            "intentops.io/tier": tier.name,
            "intentops.io/ordinal": String(ordinal),
          },
        },
      });
      if (tier.volumeGiB !== undefined) {
        objects.push({
          apiVersion: OPENSTACK_API_VERSION,
          kind: "Volume",
          metadata: meta(dnsLabelWithSuffix([stack, tier.name], `${ordinal}-data`), tierLabels, {
            [ORDINAL_ANNOTATION]: String(ordinal),
          }),
          spec: { size: tier.volumeGiB, attachment: { serverRef: { name: serverName } } },
        });
      }
    }
  }
  return objects;
}

function ingressRules(tier: string, tiers: readonly ResolvedTier[], appPort: number): JsonObject[] {
  const templates = WEB_APP_STACK_TEMPLATE.ingress[tier] ?? [];
  const rules: JsonObject[] = [];
  for (const rule of templates) {
    const port = rule.port === "appPort" ? appPort : rule.port;
    let prefix = "0.0.0.0/0";
    if ("tier" in rule.from) {
      const fromTier = rule.from.tier;
      const source = tiers.find((t) => t.name === fromTier);
      if (source === undefined) continue;
      prefix = source.subnet.text;
    }
    rules.push({
      direction: "ingress",
      ethertype: "IPv4",
      protocol: "tcp",
      port_range_min: port,
      port_range_max: port,
      remote_ip_prefix: prefix,
    });
  }
  return rules;
}

function checkAddressPlan(input: WorkloadInput, network: Cidr4, tiers: readonly ResolvedTier[]): void {
  for (const [i, tier] of tiers.entries()) {
    const where = input.params.where(`tier.${tier.name}.subnetCidr`);
    if (!cidrContains(network, tier.subnet)) {
      throw new GeneratorError(
        "E_GEN_INVALID_PARAM",
        where,
        `${tier.subnet.text} is outside the network ${network.text}`,
      );
    }
    for (const other of tiers.slice(0, i)) {
      if (cidrOverlaps(tier.subnet, other.subnet)) {
        throw new GeneratorError(
          "E_GEN_INVALID_PARAM",
          where,
          `${tier.subnet.text} overlaps the ${other.name} subnet ${other.subnet.text}`,
        );
      }
    }
  }
}
