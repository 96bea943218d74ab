/**
 * The demo's OpenStack site: the OpenStack sandbox (started, or found running) joins the demo's site
 * registry as `openstack1`, and the web-app-stack intent runs through the same pipeline as the Kubernetes
 * intents. Its SLO (availability) is verified from the stack's resources' live status — an OpenStack site's
 * health is its resources' status — so a healthy stack ends `Succeeded`. The demo then removes the stack
 * (a delete run), so the sandbox's project is left as it was found.
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
  log: (line: string) => void,
): Promise<{ site: Site; startedHere: boolean }> {
  log(
    "openstack: starting the OpenStack sandbox (Keystone, Nova, Neutron, Glance, Cinder; minutes on first start)",
  );
  const sandbox = await startOpenStack({ log });
  const site: Site = sandbox.registry.sites[0]!;
  const registry = parse(await readFile(sitesFile, "utf8")) as SiteRegistry;
  registry.sites = [...registry.sites.filter((s) => s.id !== site.id), site];
  await writeFile(sitesFile, stringify(registry));
  log(`openstack: site ${site.id} at ${sandbox.authUrl}`);
  return { site, startedHere: sandbox.started.services.length > 0 };
}

export interface OpenStackDemoRun {
  phase: string;
  seconds: number;
  verdict?: string;
  /** The servers of the stack when the run ended, as the live API reports them. */
  servers: Array<{ name: string; status: string }>;
  /** The delete run that removes the stack afterwards, and what of ours the site then still holds. */
  deleted: { phase: string; seconds: number; left: number };
}

/** Runs intents/web-app-stack.json, reads back the servers of the site, then removes the stack. */
export async function runOnOpenStack(
  runner: Runner,
  root: string,
  work: string,
  site: Site,
  log: (line: string) => void,
  elapsed: () => string,
): Promise<OpenStackDemoRun> {
  const file = join("intents", "web-app-stack.json");
  await copyFile(join(root, file), join(work, file));
  const text = await readFile(join(work, file), "utf8");
  log(`run: web-app-stack on ${site.id} (${elapsed()})`);
  const t0 = Date.now();
  const run = await runner.submit({ intentId: "web-app-stack", source: { file, digest: digestBytes(text) } });
  const final = await runner.wait(run.runId);
  if (final.error) log(`  ${final.phase}: [${final.error.code}] ${final.error.message}`);
  const client = createOpenStackClient(siteClientOptions(site));
  const scope = { site: site.id, intentId: "web-app-stack" };
  const live = await readLiveStack(client, scope);
  const seconds = (Date.now() - t0) / 1000;
  log(`run: delete web-app-stack on ${site.id} (${elapsed()})`);
  const t1 = Date.now();
  const removal = await runner.submit({
    intentId: "web-app-stack",
    source: { file, digest: "delete" },
    operation: "delete",
  });
  const removed = await runner.wait(removal.runId);
  if (removed.error) log(`  ${removed.phase}: [${removed.error.code}] ${removed.error.message}`);
  const verdict = final.data.verdict;
  return {
    phase: final.phase,
    seconds,
    ...(verdict
      ? {
          verdict: `${verdict.decision}${verdict.action && verdict.action !== "none" ? ` → ${verdict.action}` : ""}`,
        }
      : {}),
    servers: live.servers.map((s) => ({ name: s.name, status: s.resource.status })),
    deleted: {
      phase: removed.phase,
      seconds: (Date.now() - t1) / 1000,
      left: Object.values(await readLiveStack(client, scope)).flat().length,
    },
  };
}
