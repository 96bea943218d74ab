/**
 * `startOpenStack`: one call brings the OpenStack sandbox up on loopback and returns how to reach it; a second
 * call (from any process) finds it running, restarts only what died, and changes nothing else. Steps:
 * install check → config → databases (once per state directory) → RabbitMQ → Keystone → catalog, project and
 * user → the other services → flavors, images, external network → a hypervisor and the volume service up.
 * `stopOpenStack` stops it. Everything lives in the state directory (default `$TMPDIR/intentops-openstack`).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { stringify } from "yaml";
import { IntentopsError } from "../../../compiler/errors.js";
import type { SiteRegistry } from "../../../compiler/types.js";
import { createOpenStackClient, type OpenStackClient } from "../../openstack/client/createOpenStackClient.js";
import {
  bootstrapCloud,
  bootstrapIdentity,
  cloudReady,
  ensureApplicationCredential,
} from "./bootstrapOpenStack.js";
import { checkOpenStackInstalled } from "./checkOpenStackInstalled.js";
import { ensureMariadb } from "./ensureMariadb.js";
import {
  epmdService,
  keystoneService,
  otherServices,
  rabbitService,
  type ServiceSpec,
} from "./openStackServices.js";
import { KEYSTONE_URL, type SandboxLayout, sandboxLayout } from "./sandboxLayout.js";
import { serviceRunning, spawnService } from "./serviceProcesses.js";
import { setupOpenStackDatabases } from "./setupOpenStackDatabases.js";
import { writeOpenStackConfig } from "./writeOpenStackConfig.js";

export interface OpenStackSandbox {
  layout: SandboxLayout;
  authUrl: string;
  region: string;
  /** Admin credentials (the sandbox's own; tests use them to reset states and set quotas). */
  admin: { userName: string; password: string; projectName: string };
  /** The tenant the site driver works in. */
  user: { userName: string; password: string; projectName: string; projectId: string; userId: string };
  applicationCredential: { id: string; secret: string };
  externalNetworkId: string;
  /** `sites.yaml` with site `openstack1` pointing here (password by file reference). */
  registry: SiteRegistry;
  /** What this call did, with its timings. */
  started: { services: string[]; reused: string[]; setupMs: number; startMs: number; readyMs: number };
}

export interface StartOpenStackOptions {
  /** State directory. Default `$TMPDIR/intentops-openstack`. */
  state?: string;
  /** Site id in the written registry. Default `openstack1`. */
  siteId?: string;
  /** How long to wait for the services (a cold start on a loaded 2-core machine takes up to ~3 min). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

async function secretFile(path: string): Promise<string> {
  if (existsSync(path)) return (await readFile(path, "utf8")).trim();
  const secret = randomBytes(18).toString("base64url");
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}

async function waitFor<T>(
  what: string,
  deadline: number,
  probe: () => Promise<T | undefined>,
  intervalMs = 1000,
): Promise<T> {
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new IntentopsError(
        "E_SANDBOX_TIMEOUT",
        `openstack sandbox: ${what} not ready in time${last ? ` (last error: ${(last as Error).message})` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.status < 500;
  } catch {
    return false;
  }
}

/** @example const os = await startOpenStack({ log: console.log }); … await stopOpenStack(); */
export async function startOpenStack(options: StartOpenStackOptions = {}): Promise<OpenStackSandbox> {
  const log = options.log ?? (() => undefined);
  const layout = sandboxLayout(options.state);
  const missing = checkOpenStackInstalled();
  if (missing.length > 0) {
    throw new IntentopsError(
      "E_SANDBOX_MISSING",
      `openstack sandbox: missing ${missing.join(", ")} (bash .ci/install installs the Debian packages)`,
    );
  }
  await mkdir(layout.state, { recursive: true, mode: 0o700 });
  const adminPassword = await secretFile(layout.adminPasswordFile);
  const userPassword = await secretFile(layout.passwordFile);
  const dbPassword = await secretFile(layout.dbPasswordFile);
  const files = await writeOpenStackConfig(layout, { adminPassword, dbPassword });
  const started: string[] = [];
  const reused: string[] = [];
  const t0 = performance.now();
  // MariaDB first: Nova's database setup needs it.
  if (await ensureMariadb(layout)) started.push("mariadb");
  else reused.push("mariadb");
  const setup = await setupOpenStackDatabases(layout, files, { adminPassword, dbPassword, log });
  const setupMs = setup.skipped ? 0 : Math.round(performance.now() - t0);
  // The wait starts after the database setup: that one runs to completion however long it takes.
  const deadline = Date.now() + (options.timeoutMs ?? 420_000);

  const ensure = async (spec: ServiceSpec) => {
    if (await serviceRunning(layout, spec.name)) return void reused.push(spec.name);
    await spawnService(layout, spec);
    started.push(spec.name);
  };
  const t1 = performance.now();
  await ensure(epmdService());
  await ensure(rabbitService(layout, files));
  await ensure(keystoneService(layout, files));
  await waitFor("keystone", deadline, async () => ((await answers(KEYSTONE_URL)) ? true : undefined));
  const admin = createOpenStackClient({
    authUrl: KEYSTONE_URL,
    region: "RegionOne",
    auth: {
      method: "password",
      userName: "admin",
      password: adminPassword,
      projectName: "admin",
    },
  });
  const ids = await bootstrapIdentity(admin, { userPassword });
  const services = otherServices(layout, files);
  for (const spec of services) await ensure(spec);
  if (started.length > 0) log(`openstack: started ${started.join(", ")}`);
  for (const spec of services) {
    if (!spec.readyUrl) continue;
    const url = spec.readyUrl;
    await waitFor(spec.name, deadline, async () => ((await answers(url)) ? true : undefined));
  }
  const startMs = Math.round(performance.now() - t1);
  const { externalNetworkId } = await waitFor("flavors, images, external network", deadline, () =>
    bootstrapCloud(admin),
  );
  await waitFor(
    "hypervisor and volume service",
    deadline,
    async () => ((await cloudReady(admin)).ready ? true : undefined),
    2000,
  );
  const readyMs = Math.round(performance.now() - t1);
  const user: OpenStackClient = createOpenStackClient({
    authUrl: KEYSTONE_URL,
    region: "RegionOne",
    auth: { method: "password", userName: "intentops", password: userPassword, projectName: "intentops" },
  });
  const appCredFile = `${layout.state}/application-credential.json`;
  let applicationCredential: { id: string; secret: string };
  if (existsSync(appCredFile)) {
    applicationCredential = JSON.parse(await readFile(appCredFile, "utf8"));
  } else {
    const made = await ensureApplicationCredential(user);
    if (made.secret === undefined) {
      throw new IntentopsError(
        "E_SANDBOX_STATE",
        `openstack sandbox: an application credential exists but its secret file ${appCredFile} is gone; reset the state directory`,
      );
    }
    applicationCredential = { id: made.id, secret: made.secret };
    await writeFile(appCredFile, `${JSON.stringify(applicationCredential)}\n`, { mode: 0o600 });
  }

  const registry: SiteRegistry = {
    apiVersion: "intentops.io/v1alpha1",
    kind: "SiteRegistry",
    sites: [
      {
        id: options.siteId ?? "openstack1",
        kind: "openstack",
        openstack: {
          authUrl: KEYSTONE_URL,
          region: "RegionOne",
          projectName: "intentops",
          projectDomain: "Default",
          userName: "intentops",
          userDomain: "Default",
          password: { file: layout.passwordFile },
        },
      },
    ],
  };
  await writeFile(layout.sitesFile, stringify(registry));
  const sandbox: OpenStackSandbox = {
    layout,
    authUrl: KEYSTONE_URL,
    region: "RegionOne",
    admin: { userName: "admin", password: adminPassword, projectName: "admin" },
    user: { userName: "intentops", password: userPassword, projectName: "intentops", ...ids },
    applicationCredential,
    externalNetworkId,
    registry,
    started: { services: started, reused, setupMs, startMs, readyMs },
  };
  await writeFile(
    layout.infoFile,
    `${JSON.stringify({ authUrl: KEYSTONE_URL, projectId: ids.projectId, externalNetworkId, started: sandbox.started }, null, 2)}\n`,
  );
  return sandbox;
}
