/**
 * Neutron ports. A server's port is made by the driver (not by Nova) so that it lands in the tier's subnet,
 * carries the tier's security group and our tags — and so that a re-run finds it instead of making another.
 */
import type { OpenStackClient } from "../../client/createOpenStackClient.js";
import { createNeutron, deleteNeutron, getNeutron, listNeutron, updateNeutron } from "../collection.js";
import type { Port } from "./results.js";
import { PORTS } from "./urls.js";

export interface CreatePortOpts {
  name: string;
  networkId: string;
  subnetId: string;
  securityGroupIds: readonly string[];
}

export function createPort(client: OpenStackClient, opts: CreatePortOpts): Promise<Port> {
  return createNeutron<Port>(client, PORTS, {
    name: opts.name,
    network_id: opts.networkId,
    fixed_ips: [{ subnet_id: opts.subnetId }],
    security_groups: [...opts.securityGroupIds],
  });
}

export function listPorts(client: OpenStackClient, filters: Record<string, string | undefined> = {}) {
  return listNeutron<Port>(client, PORTS, filters);
}

export function getPort(client: OpenStackClient, id: string) {
  return getNeutron<Port>(client, PORTS, id);
}

export function updatePortSecurityGroups(client: OpenStackClient, id: string, groupIds: readonly string[]) {
  return updateNeutron<Port>(client, PORTS, id, { security_groups: [...groupIds] });
}

export function deletePort(client: OpenStackClient, id: string) {
  return deleteNeutron(client, PORTS, id);
}
