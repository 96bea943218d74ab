import { IntentopsError } from "../../../../compiler/errors.js";

/** No network, or more than one, has the name a manifest refers to. */
export class NetworkNotFoundError extends IntentopsError {
  constructor(name: string, count: number) {
    super(
      "E_OPENSTACK_NETWORK_NOT_FOUND",
      count === 0 ? `no network named ${name}` : `${count} networks are named ${name}`,
      { subject: `Network/${name}` },
    );
    this.name = "NetworkNotFoundError";
  }
}
