/** Nova servers: create on a pre-made port, read, list by tags, resize (+ confirm), reset state, delete. */
import type { OpenStackClient } from "../../client/createOpenStackClient.js";
import { OpenStackApiError } from "../../client/openStackErrors.js";
import type { Server } from "./results.js";
import { serverActionURL, serversDetailURL, serversURL, serverURL } from "./urls.js";

export interface CreateServerOpts {
  name: string;
  flavorId: string;
  imageId: string;
  portIds: readonly string[];
  metadata: Record<string, string>;
  tags: readonly string[];
  keyName?: string;
  /** Cloud-init user data (plain text; encoded here). */
  userData?: string;
}

export async function createServer(client: OpenStackClient, opts: CreateServerOpts): Promise<{ id: string }> {
  const { body } = await client.request<{ server: { id: string } }>("compute", "POST", serversURL, {
    body: {
      server: {
        name: opts.name,
        flavorRef: opts.flavorId,
        imageRef: opts.imageId,
        networks: opts.portIds.map((port) => ({ port })),
        metadata: opts.metadata,
        tags: [...opts.tags],
        ...(opts.keyName ? { key_name: opts.keyName } : {}),
        ...(opts.userData ? { user_data: Buffer.from(opts.userData).toString("base64") } : {}),
      },
    },
  });
  return { id: body.server.id };
}

/** The server, or `undefined` when it is gone. */
export async function getServer(client: OpenStackClient, id: string): Promise<Server | undefined> {
  try {
    const { body } = await client.request<{ server: Server }>("compute", "GET", serverURL(id));
    return body.server;
  } catch (error) {
    if (error instanceof OpenStackApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** Servers carrying every tag in `tags` (Nova's `tags` filter is an AND). */
export async function listServers(
  client: OpenStackClient,
  filters: { tags?: readonly string[]; name?: string } = {},
): Promise<Server[]> {
  const { body } = await client.request<{ servers: Server[] }>("compute", "GET", serversDetailURL, {
    query: {
      ...(filters.tags?.length ? { tags: filters.tags.join(",") } : {}),
      // Nova's name filter is a regular expression: anchor it.
      ...(filters.name ? { name: `^${filters.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$` } : {}),
    },
  });
  return body.servers;
}

export async function resizeServer(client: OpenStackClient, id: string, flavorId: string): Promise<void> {
  await client.request("compute", "POST", serverActionURL(id), { body: { resize: { flavorRef: flavorId } } });
}

export async function confirmResize(client: OpenStackClient, id: string): Promise<void> {
  await client.request("compute", "POST", serverActionURL(id), { body: { confirmResize: null } });
}

/** Admin only: sets the server's state (`error` or `active`), as `nova reset-state` does. */
export async function resetServerState(
  client: OpenStackClient,
  id: string,
  state: "error" | "active",
): Promise<void> {
  await client.request("compute", "POST", serverActionURL(id), { body: { "os-resetState": { state } } });
}

/** Deletes; one already gone counts as deleted. */
export async function deleteServer(client: OpenStackClient, id: string): Promise<void> {
  await client.request("compute", "DELETE", serverURL(id), { ok: [204, 404] });
}
