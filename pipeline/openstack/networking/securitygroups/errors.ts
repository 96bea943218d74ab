import { IntentopsError } from "../../../../compiler/errors.js";

/** A rule in a manifest that Neutron could not take (bad protocol or port range). */
export class SecurityGroupRuleInvalidError extends IntentopsError {
  constructor(group: string, detail: string) {
    super("E_OPENSTACK_SG_RULE", `security group ${group}: ${detail}`, { subject: `SecurityGroup/${group}` });
    this.name = "SecurityGroupRuleInvalidError";
  }
}
