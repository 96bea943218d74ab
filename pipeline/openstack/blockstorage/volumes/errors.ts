import { IntentopsError } from "../../../../compiler/errors.js";

/** A volume's size cannot shrink in place. */
export class VolumeShrinkError extends IntentopsError {
  constructor(name: string, live: number, desired: number) {
    super("E_OPENSTACK_VOLUME_SHRINK", `volume ${name} is ${live} GiB and cannot shrink to ${desired} GiB`, {
      subject: `Volume/${name}`,
    });
    this.name = "VolumeShrinkError";
  }
}
