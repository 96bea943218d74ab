/**
 * `readLiveStack`: what the site holds that carries our marks — for one intent, or (no intent) for every
 * intent of the site, as orphan cleanup needs. Each resource is keyed by the manifest object it came from
 * (`Kind/name`, from its `intentops-ref` tag or `intentops.io/ref` metadata) with its intent id.
 */

import { listVolumes } from "../blockstorage/volumes/requests.js";
import type { Volume } from "../blockstorage/volumes/results.js";
import type { OpenStackClient } from "../client/createOpenStackClient.js";
import { listServers } from "../compute/servers/requests.js";
import type { Server } from "../compute/servers/results.js";
import { listNetworks } from "../networking/networks/requests.js";
import type { Network } from "../networking/networks/results.js";
import { listPorts } from "../networking/ports/requests.js";
import type { Port } from "../networking/ports/results.js";
import { listRouterInterfaces, listRouters } from "../networking/routers/requests.js";
import type { Router, RouterInterface } from "../networking/routers/results.js";
import { listSecurityGroups } from "../networking/securitygroups/requests.js";
import type { SecurityGroup } from "../networking/securitygroups/results.js";
import { listSubnets } from "../networking/subnets/requests.js";
import type { Subnet } from "../networking/subnets/results.js";
import { intentTag, META, OWNER_TAG, siteTag, tagValue } from "./resourceTags.js";

export interface Owned<T> {
  /** `Kind/name` of the manifest object. */
  ref: string;
  name: string;
  intentId: string;
  resource: T;
}

export interface LiveStack {
  networks: Owned<Network>[];
  subnets: Owned<Subnet>[];
  routers: Array<Owned<Router> & { interfaces: RouterInterface[] }>;
  securityGroups: Owned<SecurityGroup>[];
  ports: Owned<Port>[];
  servers: Owned<Server>[];
  volumes: Owned<Volume>[];
}

function owned<T extends { tags: string[]; name: string }>(kind: string, items: T[]): Owned<T>[] {
  return items
    .map((resource) => {
      const ref = tagValue(resource.tags, "intentops-ref");
      const intentId = tagValue(resource.tags, "intentops-intent");
      const name = ref?.startsWith(`${kind}.`) ? ref.slice(kind.length + 1) : resource.name;
      return { ref: `${kind}/${name}`, name, intentId: intentId ?? "", resource };
    })
    .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : a.resource.name < b.resource.name ? -1 : 1));
}

/** @example const live = await readLiveStack(client, { site: "openstack1", intentId: "web-app-stack" }); */
export async function readLiveStack(
  client: OpenStackClient,
  scope: { site: string; intentId?: string },
): Promise<LiveStack> {
  const tags = [OWNER_TAG, siteTag(scope.site), ...(scope.intentId ? [intentTag(scope.intentId)] : [])];
  const filter = { tags: tags.join(",") };
  const [networks, subnets, routers, groups, ports, servers, volumes] = await Promise.all([
    listNetworks(client, filter),
    listSubnets(client, filter),
    listRouters(client, filter),
    listSecurityGroups(client, filter),
    listPorts(client, filter),
    listServers(client, { tags }),
    listVolumes(client, {
      metadata: { [META.site]: scope.site, ...(scope.intentId ? { [META.intent]: scope.intentId } : {}) },
    }),
  ]);
  const liveRouters = await Promise.all(
    owned("Router", routers).map(async (r) => ({
      ...r,
      interfaces: await listRouterInterfaces(client, r.resource.id),
    })),
  );
  return {
    networks: owned("Network", networks),
    subnets: owned("Subnet", subnets),
    routers: liveRouters,
    securityGroups: owned("SecurityGroup", groups),
    ports: owned("Port", ports),
    // Servers in DELETED or SOFT_DELETED state are on their way out: not ours to count.
    servers: owned(
      "Server",
      servers.filter((s) => s.status !== "DELETED" && s.status !== "SOFT_DELETED"),
    ),
    volumes: volumes
      .filter((v) => v.status !== "deleting")
      .map((v) => {
        const ref = v.metadata[META.ref] ?? `Volume/${v.name}`;
        return {
          ref,
          name: ref.slice(ref.indexOf("/") + 1),
          intentId: v.metadata[META.intent] ?? "",
          resource: v,
        };
      })
      .sort((a, b) => (a.ref < b.ref ? -1 : 1)),
  };
}

/** Every owned resource of a live stack, flat, with its kind. */
export function liveResources(live: LiveStack): Array<{ kind: string } & Owned<{ id: string }>> {
  return [
    ...live.networks.map((x) => ({ kind: "Network", ...x })),
    ...live.subnets.map((x) => ({ kind: "Subnet", ...x })),
    ...live.routers.map((x) => ({ kind: "Router", ...x })),
    ...live.securityGroups.map((x) => ({ kind: "SecurityGroup", ...x })),
    ...live.ports.map((x) => ({ kind: "Port", ...x })),
    ...live.servers.map((x) => ({ kind: "Server", ...x })),
    ...live.volumes.map((x) => ({ kind: "Volume", ...x })),
  ];
}
