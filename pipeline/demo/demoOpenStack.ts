/**
 * The demo's OpenStack site: the OpenStack sandbox (started, or found running) joins the demo's site
 * registry as `openstack1` — with the demo's Prometheus, which has no series for it — and the web-app-stack
 * intent runs through the same pipeline as the Kubernetes intents. Its run ends `Held`: the stack is applied
 * and ACTIVE, and its availability target cannot be decided without a dataplane (never reported as a pass).
 */
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { digestBytes } from "../../compiler/digest.js";
import type { Site, SiteRegistry } from "../../compiler/types.js";
import { createOpenStackClient } from "../openstack/client/createOpenStackClient.js";
import { siteClientOptions } from "../openstack/client/siteClientOptions.js";
import { readLiveStack } from "../openstack/stack/readLiveStack.js";
import type { Runner } from "../run/createRunner.js";
import { startOpenStack } from "../sandbox/openstack/startOpenStack.js";

/** Starts the sandbox and adds its site to the registry file (before the pipeline reads it). */
export async function startDemoOpenStack(
  sitesFile: string,
  prometheusUrl: string,
  log: (line: string) => void,
): Promise<{ site: Site; startedHere: boolean }> {
  log(
    "openstack: starting the OpenStack sandbox (Keystone, Nova, Neutron, Glance, Cinder; minutes on first start)",
  );
  const sandbox = await startOpenStack({ log });
  const site: Site = { ...sandbox.registry.sites[0]!, prometheus: { url: prometheusUrl } };
  const registry = parse(await readFile(sitesFile, "utf8")) as SiteRegistry;
  registry.sites = [...registry.sites.filter((s) => s.id !== site.id), site];
  await writeFile(sitesFile, stringify(registry));
  log(`openstack: site ${site.id} at ${sandbox.authUrl}`);
  return { site, startedHere: sandbox.started.services.length > 0 };
}

/** Runs intents/web-app-stack.json and reads back the servers of the site. */
export async function runOnOpenStack(
  runner: Runner,
  root: string,
  work: string,
  site: Site,
  log: (line: string) => void,
  elapsed: () => string,
): Promise<{ phase: string; seconds: number; servers: Array<{ name: string; status: string }> }> {
  const file = join("intents", "web-app-stack.json");
  await copyFile(join(root, file), join(work, file));
  const text = await readFile(join(work, file), "utf8");
  log(`run: web-app-stack on ${site.id} (${elapsed()})`);
  const t0 = Date.now();
  const run = await runner.submit({ intentId: "web-app-stack", source: { file, digest: digestBytes(text) } });
  const final = await runner.wait(run.runId);
  if (final.error) log(`  ${final.phase}: [${final.error.code}] ${final.error.message}`);
  const live = await readLiveStack(createOpenStackClient(siteClientOptions(site)), {
    site: site.id,
    intentId: "web-app-stack",
  });
  return {
    phase: final.phase,
    seconds: (Date.now() - t0) / 1000,
    servers: live.servers.map((s) => ({ name: s.name, status: s.resource.status })),
  };
}
