/** Cinder volumes (v3): create with metadata, list by metadata, read, delete. */
import type { OpenStackClient } from "../../client/createOpenStackClient.js";
import { OpenStackApiError } from "../../client/openStackErrors.js";
import type { Volume } from "./results.js";
import { volumesDetailURL, volumesURL, volumeURL } from "./urls.js";

export async function createVolume(
  client: OpenStackClient,
  opts: { name: string; size: number; metadata: Record<string, string> },
): Promise<Volume> {
  const { body } = await client.request<{ volume: Volume }>("volumev3", "POST", volumesURL, {
    body: { volume: { name: opts.name, size: opts.size, metadata: opts.metadata } },
  });
  return body.volume;
}

/** Volumes whose metadata holds every given key/value. */
export async function listVolumes(
  client: OpenStackClient,
  filters: { metadata?: Record<string, string>; name?: string } = {},
): Promise<Volume[]> {
  const { body } = await client.request<{ volumes: Volume[] }>("volumev3", "GET", volumesDetailURL, {
    query: {
      ...(filters.metadata ? { metadata: JSON.stringify(filters.metadata) } : {}),
      ...(filters.name ? { name: filters.name } : {}),
    },
  });
  // Filter again here: a Cinder configured without metadata filtering ignores the parameter.
  return body.volumes.filter(
    (v) =>
      (!filters.name || v.name === filters.name) &&
      Object.entries(filters.metadata ?? {}).every(([k, val]) => v.metadata?.[k] === val),
  );
}

export async function getVolume(client: OpenStackClient, id: string): Promise<Volume | undefined> {
  try {
    const { body } = await client.request<{ volume: Volume }>("volumev3", "GET", volumeURL(id));
    return body.volume;
  } catch (error) {
    if (error instanceof OpenStackApiError && error.status === 404) return undefined;
    throw error;
  }
}

export async function deleteVolume(client: OpenStackClient, id: string): Promise<void> {
  await client.request("volumev3", "DELETE", volumeURL(id), { ok: [202, 204, 404] });
}
