/** Neutron networks: create with name, description and tags; find by name or tags. */
import type { OpenStackClient } from "../../client/createOpenStackClient.js";
import { createNeutron, deleteNeutron, getNeutron, listNeutron } from "../collection.js";
import { NetworkNotFoundError } from "./errors.js";
import type { Network } from "./results.js";
import { NETWORKS } from "./urls.js";

export interface CreateNetworkOpts {
  name: string;
  description?: string;
  adminStateUp?: boolean;
}

export function createNetwork(client: OpenStackClient, opts: CreateNetworkOpts): Promise<Network> {
  return createNeutron<Network>(client, NETWORKS, {
    name: opts.name,
    admin_state_up: opts.adminStateUp ?? true,
    ...(opts.description !== undefined ? { description: opts.description } : {}),
  });
}

export function listNetworks(client: OpenStackClient, filters: Record<string, string | undefined> = {}) {
  return listNeutron<Network>(client, NETWORKS, filters);
}

export function getNetwork(client: OpenStackClient, id: string) {
  return getNeutron<Network>(client, NETWORKS, id);
}

export function deleteNetwork(client: OpenStackClient, id: string) {
  return deleteNeutron(client, NETWORKS, id);
}

/** The one network of that name visible to the project (e.g. the external network `public`). */
export async function findNetworkByName(client: OpenStackClient, name: string): Promise<Network> {
  const found = await listNetworks(client, { name });
  if (found.length !== 1) throw new NetworkNotFoundError(name, found.length);
  return found[0]!;
}
