/** Nova volume attachments: attach a Cinder volume to a server, detach it. */
import type { OpenStackClient } from "../../client/createOpenStackClient.js";
import { OpenStackApiError } from "../../client/openStackErrors.js";
import type { VolumeAttachment } from "./results.js";
import { attachmentsURL, attachmentURL } from "./urls.js";

export async function attachVolume(
  client: OpenStackClient,
  serverId: string,
  volumeId: string,
): Promise<VolumeAttachment> {
  const { body } = await client.request<{ volumeAttachment: VolumeAttachment }>(
    "compute",
    "POST",
    attachmentsURL(serverId),
    { body: { volumeAttachment: { volumeId } } },
  );
  return body.volumeAttachment;
}

/** Detaches; a volume no longer attached (or a server gone) counts as detached. */
export async function detachVolume(
  client: OpenStackClient,
  serverId: string,
  volumeId: string,
): Promise<void> {
  try {
    await client.request("compute", "DELETE", attachmentURL(serverId, volumeId), { ok: [202, 204, 404] });
  } catch (error) {
    if (error instanceof OpenStackApiError && error.status === 404) return;
    throw error;
  }
}
