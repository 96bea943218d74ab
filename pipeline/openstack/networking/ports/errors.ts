import { IntentopsError } from "../../../../compiler/errors.js";

/** A server's port is bound to another device than the server the driver made it for. */
export class PortInUseError extends IntentopsError {
  constructor(port: string, device: string) {
    super("E_OPENSTACK_PORT_IN_USE", `port ${port} is in use by ${device}`, { subject: `Port/${port}` });
    this.name = "PortInUseError";
  }
}
