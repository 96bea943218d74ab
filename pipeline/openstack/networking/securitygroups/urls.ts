import type { NeutronCollection } from "../collection.js";

export const SECURITY_GROUPS: NeutronCollection = {
  path: "security-groups",
  singular: "security_group",
  plural: "security_groups",
};

export const SECURITY_GROUP_RULES: NeutronCollection = {
  path: "security-group-rules",
  singular: "security_group_rule",
  plural: "security_group_rules",
};
