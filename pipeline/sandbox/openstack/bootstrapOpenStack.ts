/**
 * `bootstrapOpenStack`: what a cloud operator sets up once, done through the same REST client the site driver
 * uses, each step only when missing (so a second start changes nothing): the service catalog, the `service`
 * role for the admin (Nova and Cinder send service tokens), the `intentops` project and user (role
 * `member`), an application credential of that user, the flavors and images the web-app-stack template names,
 * and the external network `public`.
 */
import type { OpenStackClient } from "../../openstack/client/createOpenStackClient.js";
import { createFlavor, listFlavors } from "../../openstack/compute/flavors/requests.js";
import { createImage, listImages } from "../../openstack/image/images/requests.js";
import { createNeutron } from "../../openstack/networking/collection.js";
import { listNetworks } from "../../openstack/networking/networks/requests.js";
import { NETWORKS } from "../../openstack/networking/networks/urls.js";
import { listSubnets } from "../../openstack/networking/subnets/requests.js";
import { SUBNETS } from "../../openstack/networking/subnets/urls.js";
import { OPENSTACK_PORTS } from "./sandboxLayout.js";

const p = OPENSTACK_PORTS;
export const SANDBOX_ENDPOINTS: ReadonlyArray<{ type: string; name: string; url: string }> = [
  { type: "compute", name: "nova", url: `http://127.0.0.1:${p.nova}/v2.1` },
  { type: "network", name: "neutron", url: `http://127.0.0.1:${p.neutron}` },
  { type: "volumev3", name: "cinderv3", url: `http://127.0.0.1:${p.cinder}/v3/%(project_id)s` },
  { type: "image", name: "glance", url: `http://127.0.0.1:${p.glance}` },
  { type: "placement", name: "placement", url: `http://127.0.0.1:${p.placement}` },
];

export const SANDBOX_FLAVORS = [
  { name: "m1.tiny", vcpus: 1, ram: 512, disk: 1 },
  { name: "m1.small", vcpus: 1, ram: 2048, disk: 20 },
  { name: "m1.medium", vcpus: 2, ram: 4096, disk: 40 },
  { name: "m1.large", vcpus: 4, ram: 8192, disk: 80 },
] as const;

export const SANDBOX_IMAGES = ["ubuntu-22.04", "postgres-16"] as const;

interface Named {
  id: string;
  name: string;
}

async function ensureNamed(
  admin: OpenStackClient,
  collection: string,
  singular: string,
  name: string,
  create: Record<string, unknown>,
): Promise<Named> {
  const { body } = await admin.request<Record<string, Named[]>>("identity", "GET", `/${collection}`, {
    query: { name },
  });
  const found = body[collection]?.[0];
  if (found) return found;
  const made = await admin.request<Record<string, Named>>("identity", "POST", `/${collection}`, {
    body: { [singular]: { name, ...create } },
  });
  return made.body[singular]!;
}

/** The catalog, roles, project and user. Needs only Keystone. */
export async function bootstrapIdentity(
  admin: OpenStackClient,
  options: { userPassword: string },
): Promise<{ projectId: string; userId: string }> {
  const { body } = await admin.request<{ services: Array<{ id: string; type: string }> }>(
    "identity",
    "GET",
    "/services",
  );
  const { body: eps } = await admin.request<{ endpoints: Array<{ service_id: string; interface: string }> }>(
    "identity",
    "GET",
    "/endpoints",
  );
  for (const e of SANDBOX_ENDPOINTS) {
    let service = body.services.find((s) => s.type === e.type);
    if (!service) {
      const made = await admin.request<{ service: { id: string; type: string } }>(
        "identity",
        "POST",
        "/services",
        {
          body: { service: { type: e.type, name: e.name, enabled: true } },
        },
      );
      service = made.body.service;
    }
    for (const iface of ["public", "internal", "admin"]) {
      if (eps.endpoints.some((x) => x.service_id === service.id && x.interface === iface)) continue;
      await admin.request("identity", "POST", "/endpoints", {
        body: { endpoint: { service_id: service.id, interface: iface, region_id: "RegionOne", url: e.url } },
      });
    }
  }
  const adminToken = await admin.token();
  const serviceRole = await ensureNamed(admin, "roles", "role", "service", {});
  await admin.request(
    "identity",
    "PUT",
    `/projects/${adminToken.projectId}/users/${adminToken.userId}/roles/${serviceRole.id}`,
  );
  const project = await ensureNamed(admin, "projects", "project", "intentops", {
    domain_id: "default",
    description: "intentops sandbox project",
  });
  const user = await ensureNamed(admin, "users", "user", "intentops", {
    domain_id: "default",
    password: options.userPassword,
    default_project_id: project.id,
  });
  // The password file may be newer than the user (a reset state directory): make them agree.
  await admin.request("identity", "PATCH", `/users/${user.id}`, {
    body: { user: { password: options.userPassword } },
  });
  const member = await ensureNamed(admin, "roles", "role", "member", {});
  await admin.request("identity", "PUT", `/projects/${project.id}/users/${user.id}/roles/${member.id}`);
  // The catalog just grew: the next request authenticates again to see it.
  admin.invalidate();
  return { projectId: project.id, userId: user.id };
}

/** An application credential of the `intentops` user (made by the user itself, as Keystone requires). */
export async function ensureApplicationCredential(
  user: OpenStackClient,
  name = "intentops-sandbox",
): Promise<{ id: string; secret: string } | { id: string; secret: undefined }> {
  const token = await user.token();
  const base = `/users/${token.userId}/application_credentials`;
  const { body } = await user.request<{ application_credentials: Array<{ id: string; name: string }> }>(
    "identity",
    "GET",
    base,
    { query: { name } },
  );
  const existing = body.application_credentials[0];
  if (existing) return { id: existing.id, secret: undefined };
  const made = await user.request<{ application_credential: { id: string; secret: string } }>(
    "identity",
    "POST",
    base,
    { body: { application_credential: { name, description: "intentops sandbox" } } },
  );
  return { id: made.body.application_credential.id, secret: made.body.application_credential.secret };
}

/** Flavors, images and the external network. Needs Nova, Glance and Neutron. */
export async function bootstrapCloud(admin: OpenStackClient): Promise<{ externalNetworkId: string }> {
  const flavors = await listFlavors(admin);
  for (const f of SANDBOX_FLAVORS) {
    if (!flavors.some((x) => x.name === f.name)) await createFlavor(admin, { ...f });
  }
  const images = await listImages(admin);
  for (const name of SANDBOX_IMAGES) {
    if (images.some((i) => i.name === name && i.status === "active")) continue;
    // FakeDriver never reads the image: a KiB of zeros is a valid raw image for it.
    await createImage(admin, { name, bytes: new Uint8Array(1024) });
  }
  const external =
    (await listNetworks(admin, { name: "public" }))[0] ??
    (await createNeutron<{ id: string; name: string }>(admin, NETWORKS, {
      name: "public",
      "router:external": true,
      "provider:network_type": "flat",
      "provider:physical_network": "public",
    }));
  if ((await listSubnets(admin, { network_id: external.id })).length === 0) {
    await createNeutron(admin, SUBNETS, {
      name: "public-subnet",
      network_id: external.id,
      cidr: "172.24.4.0/24",
      ip_version: 4,
      enable_dhcp: false,
      gateway_ip: "172.24.4.1",
    });
  }
  return { externalNetworkId: external.id };
}

/** True once a hypervisor is registered and the compute and volume services report up. */
export async function cloudReady(admin: OpenStackClient): Promise<{ ready: boolean; missing: string[] }> {
  const missing: string[] = [];
  const { body: hv } = await admin.request<{ hypervisors: unknown[] }>("compute", "GET", "/os-hypervisors");
  if (hv.hypervisors.length === 0) missing.push("hypervisor");
  const { body: cs } = await admin.request<{ services: Array<{ binary: string; state: string }> }>(
    "compute",
    "GET",
    "/os-services",
  );
  for (const b of ["nova-compute", "nova-conductor", "nova-scheduler"]) {
    if (!cs.services.some((s) => s.binary === b && s.state === "up")) missing.push(b);
  }
  const { body: vs } = await admin.request<{ services: Array<{ binary: string; state: string }> }>(
    "volumev3",
    "GET",
    "/os-services",
  );
  for (const b of ["cinder-scheduler", "cinder-volume"]) {
    if (!vs.services.some((s) => s.binary === b && s.state === "up")) missing.push(b);
  }
  return { ready: missing.length === 0, missing };
}
