/** Neutron subnets: one per tier, in the stack's network. */
import type { OpenStackClient } from "../../client/createOpenStackClient.js";
import { createNeutron, deleteNeutron, listNeutron, updateNeutron } from "../collection.js";
import type { Subnet } from "./results.js";
import { SUBNETS } from "./urls.js";

export interface CreateSubnetOpts {
  name: string;
  networkId: string;
  cidr: string;
  ipVersion?: number;
  gatewayIp?: string;
  enableDhcp?: boolean;
}

export function createSubnet(client: OpenStackClient, opts: CreateSubnetOpts): Promise<Subnet> {
  return createNeutron<Subnet>(client, SUBNETS, {
    name: opts.name,
    network_id: opts.networkId,
    cidr: opts.cidr,
    ip_version: opts.ipVersion ?? 4,
    enable_dhcp: opts.enableDhcp ?? true,
    ...(opts.gatewayIp ? { gateway_ip: opts.gatewayIp } : {}),
  });
}

export function listSubnets(client: OpenStackClient, filters: Record<string, string | undefined> = {}) {
  return listNeutron<Subnet>(client, SUBNETS, filters);
}

export function updateSubnet(client: OpenStackClient, id: string, attributes: { enable_dhcp?: boolean }) {
  return updateNeutron<Subnet>(client, SUBNETS, id, attributes);
}

export function deleteSubnet(client: OpenStackClient, id: string) {
  return deleteNeutron(client, SUBNETS, id);
}
