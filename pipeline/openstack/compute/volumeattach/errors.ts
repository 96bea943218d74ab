import { IntentopsError } from "../../../../compiler/errors.js";

/** A volume's attachment names a server the package does not have. */
export class AttachmentServerUnknownError extends IntentopsError {
  constructor(volume: string, server: string) {
    super("E_OPENSTACK_ATTACH_SERVER", `volume ${volume}: attachment to unknown server ${server}`, {
      subject: `Volume/${volume}`,
    });
    this.name = "AttachmentServerUnknownError";
  }
}
