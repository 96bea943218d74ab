/** Glance v2 images: resolve a manifest's image name; create and upload (admin, for the sandbox). */
import type { OpenStackClient } from "../../client/createOpenStackClient.js";
import { ImageNotFoundError } from "./errors.js";
import type { Image } from "./results.js";
import { imageFileURL, imagesURL } from "./urls.js";

export async function listImages(client: OpenStackClient, name?: string): Promise<Image[]> {
  const { body } = await client.request<{ images: Image[] }>("image", "GET", imagesURL, {
    query: name ? { name } : {},
  });
  return body.images;
}

export async function findImage(client: OpenStackClient, nameOrId: string): Promise<Image> {
  const byName = (await listImages(client, nameOrId)).filter((i) => i.status === "active");
  if (byName.length >= 1) return byName.sort((a, b) => (a.id < b.id ? -1 : 1))[0]!;
  const all = await listImages(client);
  const byId = all.find((i) => i.id === nameOrId);
  if (!byId) throw new ImageNotFoundError(nameOrId);
  return byId;
}

export async function createImage(
  client: OpenStackClient,
  opts: { name: string; visibility?: "public" | "private"; bytes: Uint8Array },
): Promise<Image> {
  const { body } = await client.request<Image>("image", "POST", imagesURL, {
    body: {
      name: opts.name,
      disk_format: "raw",
      container_format: "bare",
      visibility: opts.visibility ?? "public",
    },
  });
  await client.request("image", "PUT", imageFileURL(body.id), { bytes: opts.bytes, ok: [204] });
  return body;
}
