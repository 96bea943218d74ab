/** Neutron security groups and their rules. Neutron's own default egress rules are left alone. */
import type { OpenStackClient } from "../../client/createOpenStackClient.js";
import { createNeutron, deleteNeutron, getNeutron, listNeutron } from "../collection.js";
import type { RuleSpec, SecurityGroup, SecurityGroupRule } from "./results.js";
import { SECURITY_GROUP_RULES, SECURITY_GROUPS } from "./urls.js";

export function createSecurityGroup(
  client: OpenStackClient,
  opts: { name: string; description?: string },
): Promise<SecurityGroup> {
  return createNeutron<SecurityGroup>(client, SECURITY_GROUPS, {
    name: opts.name,
    ...(opts.description !== undefined ? { description: opts.description } : {}),
  });
}

export function listSecurityGroups(
  client: OpenStackClient,
  filters: Record<string, string | undefined> = {},
) {
  return listNeutron<SecurityGroup>(client, SECURITY_GROUPS, filters);
}

export function getSecurityGroup(client: OpenStackClient, id: string) {
  return getNeutron<SecurityGroup>(client, SECURITY_GROUPS, id);
}

export function deleteSecurityGroup(client: OpenStackClient, id: string) {
  return deleteNeutron(client, SECURITY_GROUPS, id);
}

export function createSecurityGroupRule(
  client: OpenStackClient,
  groupId: string,
  rule: RuleSpec,
): Promise<SecurityGroupRule> {
  return createNeutron<SecurityGroupRule>(client, SECURITY_GROUP_RULES, {
    security_group_id: groupId,
    direction: rule.direction,
    ethertype: rule.ethertype,
    protocol: rule.protocol,
    port_range_min: rule.port_range_min,
    port_range_max: rule.port_range_max,
    remote_ip_prefix: rule.remote_ip_prefix,
  });
}

export function deleteSecurityGroupRule(client: OpenStackClient, id: string) {
  return deleteNeutron(client, SECURITY_GROUP_RULES, id);
}
