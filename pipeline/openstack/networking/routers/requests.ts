/** Neutron routers: create with the external gateway, add and remove interfaces on subnets. */
import type { OpenStackClient } from "../../client/createOpenStackClient.js";
import { OpenStackApiError } from "../../client/openStackErrors.js";
import { createNeutron, deleteNeutron, getNeutron, listNeutron, updateNeutron } from "../collection.js";
import { listPorts } from "../ports/requests.js";
import type { Router, RouterInterface } from "./results.js";
import { addInterfaceURL, ROUTERS, removeInterfaceURL } from "./urls.js";

export interface CreateRouterOpts {
  name: string;
  externalNetworkId?: string;
  adminStateUp?: boolean;
}

export function createRouter(client: OpenStackClient, opts: CreateRouterOpts): Promise<Router> {
  return createNeutron<Router>(client, ROUTERS, {
    name: opts.name,
    admin_state_up: opts.adminStateUp ?? true,
    ...(opts.externalNetworkId ? { external_gateway_info: { network_id: opts.externalNetworkId } } : {}),
  });
}

export function listRouters(client: OpenStackClient, filters: Record<string, string | undefined> = {}) {
  return listNeutron<Router>(client, ROUTERS, filters);
}

export function getRouter(client: OpenStackClient, id: string) {
  return getNeutron<Router>(client, ROUTERS, id);
}

/** Sets or clears (`null`) the external gateway. */
export function setRouterGateway(client: OpenStackClient, id: string, externalNetworkId: string | null) {
  return updateNeutron<Router>(client, ROUTERS, id, {
    external_gateway_info: externalNetworkId ? { network_id: externalNetworkId } : {},
  });
}

export function deleteRouter(client: OpenStackClient, id: string) {
  return deleteNeutron(client, ROUTERS, id);
}

/** The router's interfaces on subnets (its `network:router_interface` ports). */
export async function listRouterInterfaces(client: OpenStackClient, id: string): Promise<RouterInterface[]> {
  const ports = await listPorts(client, { device_id: id, device_owner: "network:router_interface" });
  return ports.flatMap((p) => p.fixed_ips.map((ip) => ({ portId: p.id, subnetId: ip.subnet_id })));
}

export async function addRouterInterface(client: OpenStackClient, id: string, subnetId: string) {
  await client.request("network", "PUT", addInterfaceURL(id), { body: { subnet_id: subnetId } });
}

/** Removes the interface; one already gone counts as removed. */
export async function removeRouterInterface(client: OpenStackClient, id: string, subnetId: string) {
  try {
    await client.request("network", "PUT", removeInterfaceURL(id), { body: { subnet_id: subnetId } });
  } catch (error) {
    if (error instanceof OpenStackApiError && error.status === 404) return;
    throw error;
  }
}
