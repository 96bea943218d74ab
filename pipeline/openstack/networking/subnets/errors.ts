import { IntentopsError } from "../../../../compiler/errors.js";

/** A live subnet differs in a field Neutron cannot change (cidr, ip_version, network). */
export class SubnetImmutableError extends IntentopsError {
  constructor(name: string, field: string, live: string, desired: string) {
    super(
      "E_OPENSTACK_SUBNET_IMMUTABLE",
      `subnet ${name}: ${field} is ${live} and cannot become ${desired} in place (delete the subnet's servers first)`,
      { subject: `Subnet/${name}` },
    );
    this.name = "SubnetImmutableError";
  }
}
