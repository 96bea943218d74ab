import { IntentopsError } from "../../../../compiler/errors.js";

/** A router interface names a subnet the package does not have. */
export class RouterSubnetUnknownError extends IntentopsError {
  constructor(router: string, subnet: string) {
    super("E_OPENSTACK_ROUTER_SUBNET", `router ${router}: interface on unknown subnet ${subnet}`, {
      subject: `Router/${router}`,
    });
    this.name = "RouterSubnetUnknownError";
  }
}
