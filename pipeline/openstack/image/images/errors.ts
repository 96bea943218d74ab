import { IntentopsError } from "../../../../compiler/errors.js";

export class ImageNotFoundError extends IntentopsError {
  constructor(name: string) {
    super("E_OPENSTACK_IMAGE_NOT_FOUND", `no active image named ${name}`, { subject: `Image/${name}` });
    this.name = "ImageNotFoundError";
  }
}
