/**
 * The OpenStack sandbox for the end-to-end tests: started once (or found running), with an admin client for
 * what an operator does behind the driver's back (quotas, state resets, token revocation) and counts of
 * what the project holds, by name, so duplicates show whatever their tags say.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Site } from "../../../compiler/types.js";
import type { KrmObject } from "../../../functions/runtime/types.js";
import { listVolumes } from "../../../pipeline/openstack/blockstorage/volumes/requests.js";
import {
  createOpenStackClient,
  createTokenCache,
  type OpenStackClient,
  type OpenStackClientDeps,
} from "../../../pipeline/openstack/client/createOpenStackClient.js";
import { listServers } from "../../../pipeline/openstack/compute/servers/requests.js";
import { listNetworks } from "../../../pipeline/openstack/networking/networks/requests.js";
import { listPorts } from "../../../pipeline/openstack/networking/ports/requests.js";
import {
  type ReconcileOpenStackSiteDeps,
  type ReconcileOpenStackSiteOutcome,
  reconcileOpenStackSite,
} from "../../../pipeline/openstack/reconcileOpenStackSite.js";
import { type OpenStackSandbox, startOpenStack } from "../../../pipeline/sandbox/openstack/startOpenStack.js";
import { INTENT_ID } from "./webAppStack.js";

export interface Fixture {
  sandbox: OpenStackSandbox;
  site: Site;
  admin: OpenStackClient;
  /** A client of the `intentops` user (as the driver has). */
  user: (deps?: OpenStackClientDeps) => OpenStackClient;
  stateDir: string;
  startMs: number;
  apply(
    objects: KrmObject[],
    deps?: Partial<ReconcileOpenStackSiteDeps>,
  ): Promise<ReconcileOpenStackSiteOutcome>;
}

export async function openFixture(): Promise<Fixture> {
  const started = performance.now();
  const sandbox = await startOpenStack({ log: (line) => console.log(line), timeoutMs: 600_000 });
  const startMs = Math.round(performance.now() - started);
  const site = sandbox.registry.sites[0]!;
  const admin = createOpenStackClient({
    authUrl: sandbox.authUrl,
    region: sandbox.region,
    auth: { method: "password", ...sandbox.admin },
  });
  const user = (deps: OpenStackClientDeps = {}) =>
    createOpenStackClient(
      {
        authUrl: sandbox.authUrl,
        region: sandbox.region,
        auth: {
          method: "password",
          userName: sandbox.user.userName,
          password: sandbox.user.password,
          projectName: sandbox.user.projectName,
        },
      },
      { tokenCache: createTokenCache(), ...deps },
    );
  const stateDir = await mkdtemp(join(tmpdir(), "intentops-os-saga-"));
  return {
    sandbox,
    site,
    admin,
    user,
    stateDir,
    startMs,
    apply: (objects, deps = {}) =>
      reconcileOpenStackSite(
        { site, packages: [{ intentId: INTENT_ID, objects }], backoffMs: 500, waits: { intervalMs: 500 } },
        { stateDir, ...deps },
      ),
  };
}

/** What the project holds whose name starts with `prefix` (duplicates included), per kind. */
export async function countByName(client: OpenStackClient, prefix = "shop-") {
  const [servers, ports, volumes, networks] = await Promise.all([
    listServers(client),
    listPorts(client),
    listVolumes(client),
    listNetworks(client),
  ]);
  const names = (list: Array<{ name: string }>) =>
    list
      .map((x) => x.name)
      .filter((n) => n.startsWith(prefix))
      .sort();
  return { servers: names(servers), ports: names(ports), volumes: names(volumes), networks: names(networks) };
}
