import { IntentopsError } from "../../../../compiler/errors.js";

/** Nova put the server in ERROR (its fault message says why). */
export class ServerErrorStateError extends IntentopsError {
  constructor(name: string, fault: string) {
    super("E_OPENSTACK_SERVER_ERROR", `server ${name} is in ERROR: ${fault}`, { subject: `Server/${name}` });
    this.name = "ServerErrorStateError";
  }
}
