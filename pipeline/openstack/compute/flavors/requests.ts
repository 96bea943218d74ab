/** Nova flavors: resolve a manifest's flavor name to its id; create (admin, for the sandbox). */
import type { OpenStackClient } from "../../client/createOpenStackClient.js";
import { FlavorNotFoundError } from "./errors.js";
import type { Flavor } from "./results.js";
import { flavorsDetailURL, flavorsURL } from "./urls.js";

export async function listFlavors(client: OpenStackClient): Promise<Flavor[]> {
  const { body } = await client.request<{ flavors: Flavor[] }>("compute", "GET", flavorsDetailURL, {
    query: { is_public: "None" },
  });
  return body.flavors;
}

export async function findFlavor(client: OpenStackClient, nameOrId: string): Promise<Flavor> {
  const all = await listFlavors(client);
  const found = all.find((f) => f.name === nameOrId) ?? all.find((f) => f.id === nameOrId);
  if (!found) throw new FlavorNotFoundError(nameOrId);
  return found;
}

export async function createFlavor(
  client: OpenStackClient,
  flavor: { name: string; vcpus: number; ram: number; disk: number },
): Promise<Flavor> {
  const { body } = await client.request<{ flavor: Flavor }>("compute", "POST", flavorsURL, {
    body: { flavor },
  });
  return body.flavor;
}
