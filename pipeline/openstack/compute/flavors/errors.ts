import { IntentopsError } from "../../../../compiler/errors.js";

export class FlavorNotFoundError extends IntentopsError {
  constructor(name: string) {
    super("E_OPENSTACK_FLAVOR_NOT_FOUND", `no flavor named ${name}`, { subject: `Flavor/${name}` });
    this.name = "FlavorNotFoundError";
  }
}
