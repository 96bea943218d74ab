/** A Neutron security group and its rules as the driver reads them. */
export interface SecurityGroupRule {
  id: string;
  direction: "ingress" | "egress";
  ethertype: string;
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
}

export interface SecurityGroup {
  id: string;
  name: string;
  description: string;
  tags: string[];
  security_group_rules: SecurityGroupRule[];
}

/** The desired form of a rule (what a manifest says), also used to compare with live rules. */
export interface RuleSpec {
  direction: "ingress" | "egress";
  ethertype: string;
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
}

/** A stable key of a rule: two rules with the same key are the same rule. */
export function ruleKey(rule: RuleSpec): string {
  return [
    rule.direction,
    rule.ethertype,
    rule.protocol ?? "any",
    rule.port_range_min ?? "",
    rule.port_range_max ?? "",
    rule.remote_ip_prefix ?? "",
  ].join("|");
}
