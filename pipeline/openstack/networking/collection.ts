/**
 * The shape every Neutron collection shares (networks, subnets, routers, security groups, ports): list with
 * filters, get, create, update, delete, and tags set in one `PUT …/tags`. The resource folders build their
 * bodies and read their results; this file holds the URLs and the calls once.
 */
import type { OpenStackClient } from "../client/createOpenStackClient.js";
import { OpenStackApiError } from "../client/openStackErrors.js";

export interface NeutronCollection {
  /** URL segment, e.g. `networks`, `security-groups`. */
  path: string;
  /** Key of one item in bodies, e.g. `network`, `security_group`. */
  singular: string;
  /** Key of the list in bodies, e.g. `networks`, `security_groups`. */
  plural: string;
}

export function collectionURL(c: NeutronCollection): string {
  return `/v2.0/${c.path}`;
}

export function resourceURL(c: NeutronCollection, id: string): string {
  return `/v2.0/${c.path}/${encodeURIComponent(id)}`;
}

export async function listNeutron<T>(
  client: OpenStackClient,
  c: NeutronCollection,
  filters: Record<string, string | undefined> = {},
): Promise<T[]> {
  const { body } = await client.request<Record<string, T[]>>("network", "GET", collectionURL(c), {
    query: filters,
  });
  return body[c.plural] ?? [];
}

/** The resource, or `undefined` when it is gone (404). */
export async function getNeutron<T>(
  client: OpenStackClient,
  c: NeutronCollection,
  id: string,
): Promise<T | undefined> {
  try {
    const { body } = await client.request<Record<string, T>>("network", "GET", resourceURL(c, id));
    return body[c.singular];
  } catch (error) {
    if (error instanceof OpenStackApiError && error.status === 404) return undefined;
    throw error;
  }
}

export async function createNeutron<T>(
  client: OpenStackClient,
  c: NeutronCollection,
  attributes: Record<string, unknown>,
): Promise<T> {
  const { body } = await client.request<Record<string, T>>("network", "POST", collectionURL(c), {
    body: { [c.singular]: attributes },
  });
  return body[c.singular]!;
}

export async function updateNeutron<T>(
  client: OpenStackClient,
  c: NeutronCollection,
  id: string,
  attributes: Record<string, unknown>,
): Promise<T> {
  const { body } = await client.request<Record<string, T>>("network", "PUT", resourceURL(c, id), {
    body: { [c.singular]: attributes },
  });
  return body[c.singular]!;
}

/** Deletes; a resource already gone counts as deleted. */
export async function deleteNeutron(
  client: OpenStackClient,
  c: NeutronCollection,
  id: string,
): Promise<void> {
  await client.request("network", "DELETE", resourceURL(c, id), { ok: [204, 404] });
}

/** Replaces the resource's tags. */
export async function setNeutronTags(
  client: OpenStackClient,
  c: NeutronCollection,
  id: string,
  tags: readonly string[],
): Promise<void> {
  await client.request("network", "PUT", `${resourceURL(c, id)}/tags`, { body: { tags: [...tags] } });
}
