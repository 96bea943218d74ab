/**
 * `intentops openstack …`: OpenStack sites and the local OpenStack sandbox.
 *
 *   sandbox start|stop|status          the Debian OpenStack (Zed) control plane on loopback
 *   apply [intent-id] --site S         reconcile rendered/<S>/ packages (saga: retries, compensation, resume)
 *   delete <intent-id> --site S        remove everything the intent made at the site (nothing else)
 *   status <intent-id> --site S        each resource's status, read from the live APIs
 *   list --site S                      intents with resources at the site; orphans marked
 *   orphans --site S [--prune-orphans] resources with our tags that no package owns
 *   diff [intent-id] --site S          what apply would change (drift), nothing written
 *   configure <intent-id> --site S --playbook FILE   Ansible against the intent's servers
 */

import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { IntentopsError } from "../../../compiler/errors.js";
import { parseSiteRegistry } from "../../../compiler/parseSiteRegistry.js";
import type { Site } from "../../../compiler/types.js";
import { absolute } from "../../git/cliSupport.js";
import { createOpenStackClient } from "../../openstack/client/createOpenStackClient.js";
import { siteClientOptions } from "../../openstack/client/siteClientOptions.js";
import { configureServers } from "../../openstack/configureServers.js";
import { reconcileOpenStackSite } from "../../openstack/reconcileOpenStackSite.js";
import { recordConfigureResult } from "../../openstack/recordConfigureResult.js";
import { diffOpenStackPackage } from "../../openstack/stack/diffOpenStackPackage.js";
import { listSiteIntents } from "../../openstack/stack/listSiteIntents.js";
import { readDesiredStack } from "../../openstack/stack/readDesiredStack.js";
import { readLiveStack } from "../../openstack/stack/readLiveStack.js";
import { readStackStatus } from "../../openstack/stack/readStackStatus.js";
import { packagesInWork } from "../../reconcile/cliSupport.js";
import { SERVICE_NAMES } from "../../sandbox/openstack/openStackServices.js";
import { sandboxLayout } from "../../sandbox/openstack/sandboxLayout.js";
import { serviceRunning } from "../../sandbox/openstack/serviceProcesses.js";
import { startOpenStack } from "../../sandbox/openstack/startOpenStack.js";
import { stopOpenStack } from "../../sandbox/openstack/stopOpenStack.js";
import type { CliIo } from "../io.js";
import { withJsonErrors } from "../jsonErrors.js";

interface SiteFlags {
  site: string;
  sites?: string;
  work: string;
  stateDir?: string;
  json?: boolean;
}

async function openStackSite(io: CliIo, flags: SiteFlags): Promise<Site> {
  const work = absolute(io.cwd, flags.work);
  const file = flags.sites ? absolute(io.cwd, flags.sites) : `${work}/intents/sites.yaml`;
  const site = parseSiteRegistry(await readFile(file, "utf8"), file).sites.find((s) => s.id === flags.site);
  if (!site) throw new IntentopsError("E_USAGE_SITE", `site ${flags.site} is not in ${file}`);
  if (site.kind !== "openstack")
    throw new IntentopsError("E_USAGE_SITE", `site ${flags.site} is a ${site.kind} site, not openstack`);
  return site;
}

function siteOptions(command: Command): Command {
  return command
    .requiredOption("--site <id>", "the openstack site")
    .option("--sites <file>", "site registry (default: intents/sites.yaml under the work directory)")
    .option("--work <dir>", "work directory holding rendered/ and intents/", ".")
    .option("--state-dir <dir>", "where saga journals are kept (default <work>/.intentops/openstack)")
    .option("--json", "print the outcome as JSON");
}

export function register(program: Command, io: CliIo): void {
  const os = program.command("openstack").description("OpenStack sites and the local OpenStack sandbox");
  const sandbox = os.command("sandbox").description("the Debian OpenStack control plane on loopback");
  sandbox
    .command("start")
    .description("start it (idempotent; state in $TMPDIR/intentops-openstack unless --state)")
    .option("--state <dir>", "state directory")
    .option("--json", "print what was started as JSON")
    .action(
      withJsonErrors(io, async (flags: { state?: string; json?: boolean }) => {
        const started = performance.now();
        const result = await startOpenStack({
          ...(flags.state ? { state: absolute(io.cwd, flags.state) } : {}),
          log: (line) => io.stderr(`${line}\n`),
        });
        const summary = {
          authUrl: result.authUrl,
          sitesFile: result.layout.sitesFile,
          state: result.layout.state,
          started: result.started,
          totalMs: Math.round(performance.now() - started),
        };
        if (flags.json) io.stdout(stringifyCanonical(summary));
        else
          io.stdout(
            `openstack sandbox up at ${result.authUrl} (${summary.totalMs} ms; started ${result.started.services.length}, reused ${result.started.reused.length})\nsite registry: ${result.layout.sitesFile}\n`,
          );
      }),
    );
  sandbox
    .command("stop")
    .description("stop it (idempotent)")
    .option("--state <dir>", "state directory")
    .option("--remove-state", "also delete the state directory")
    .action(async (flags: { state?: string; removeState?: boolean }) => {
      const stopped = await stopOpenStack({
        ...(flags.state ? { state: absolute(io.cwd, flags.state) } : {}),
        ...(flags.removeState ? { removeState: true } : {}),
      });
      io.stdout(`stopped ${stopped.length} service(s)${stopped.length ? `: ${stopped.join(", ")}` : ""}\n`);
    });
  sandbox
    .command("status")
    .description("which sandbox services run")
    .option("--state <dir>", "state directory")
    .action(async (flags: { state?: string }) => {
      const layout = sandboxLayout(flags.state ? absolute(io.cwd, flags.state) : undefined);
      let down = 0;
      for (const name of SERVICE_NAMES) {
        const up = await serviceRunning(layout, name);
        if (!up) down++;
        io.stdout(`${name} ${up ? "running" : "stopped"}\n`);
      }
      if (down > 0) io.exitCode = 1;
    });

  const stateDir = (flags: SiteFlags) =>
    flags.stateDir
      ? absolute(io.cwd, flags.stateDir)
      : `${absolute(io.cwd, flags.work)}/.intentops/openstack`;

  const apply = async (flags: SiteFlags & { pruneOrphans?: boolean }, intentId?: string, empty = false) => {
    const site = await openStackSite(io, flags);
    const packages = empty
      ? [{ intentId: intentId!, objects: [] }]
      : await packagesInWork(absolute(io.cwd, flags.work), site.id, intentId);
    const outcome = await reconcileOpenStackSite(
      { site, packages, ...(flags.pruneOrphans ? { pruneMissing: true } : {}) },
      { stateDir: stateDir(flags), env: io.env, log: (line) => io.stderr(`${line}\n`) },
    );
    if (flags.json) io.stdout(stringifyCanonical(outcome));
    else {
      for (const i of outcome.intents) {
        io.stdout(`${i.subject}: ${i.result}${i.error ? ` — ${i.error.message} [${i.error.code}]` : ""}\n`);
        for (const c of i.changeSet.filter((e) => e.action !== "unchanged"))
          io.stdout(`  ${c.ref} ${c.action}\n`);
        for (const s of i.saga?.compensationFailed ?? [])
          io.stdout(`  compensation failed: ${s.step}: ${s.message}\n`);
      }
    }
    if (!outcome.ok) io.exitCode = outcome.intents.some((i) => i.result === "rejected") ? 1 : 3;
  };

  siteOptions(os.command("apply").description("reconcile rendered packages to an openstack site"))
    .argument("[intent-id]", "one intent (default: every package under rendered/<site>/)")
    .option("--prune-orphans", "also remove resources of intents that have no package here")
    .action(
      withJsonErrors(
        io,
        async (intentId: string | undefined, flags: SiteFlags & { pruneOrphans?: boolean }) =>
          apply(flags, intentId),
      ),
    );

  siteOptions(os.command("delete").description("remove every resource an intent made at the site"))
    .argument("<intent-id>")
    .action(withJsonErrors(io, async (intentId: string, flags: SiteFlags) => apply(flags, intentId, true)));

  siteOptions(os.command("status").description("each resource's status, from the live APIs"))
    .argument("<intent-id>")
    .action(
      withJsonErrors(io, async (intentId: string, flags: SiteFlags) => {
        const site = await openStackSite(io, flags);
        const [pkg] = await packagesInWork(absolute(io.cwd, flags.work), site.id, intentId);
        const client = createOpenStackClient(siteClientOptions(site, io.env));
        const statuses = readStackStatus(
          readDesiredStack(pkg?.objects ?? []),
          await readLiveStack(client, { site: site.id, intentId }),
        );
        if (flags.json) io.stdout(stringifyCanonical(statuses));
        else
          for (const s of statuses) io.stdout(`${site.id}/${intentId} ${s.ref} ${s.status} (${s.message})\n`);
        if (statuses.some((s) => s.status !== "Current")) io.exitCode = 1;
      }),
    );

  const listing = async (flags: SiteFlags) => {
    const site = await openStackSite(io, flags);
    const owned = (await packagesInWork(absolute(io.cwd, flags.work), site.id)).map((p) => p.intentId);
    return {
      site,
      list: await listSiteIntents(createOpenStackClient(siteClientOptions(site, io.env)), site.id, owned),
    };
  };
  siteOptions(os.command("list").description("intents with resources at the site")).action(
    withJsonErrors(io, async (flags: SiteFlags) => {
      const { site, list } = await listing(flags);
      if (flags.json) io.stdout(stringifyCanonical(list));
      else
        for (const i of list)
          io.stdout(
            `${site.id}/${i.intentId}${i.orphan ? " (orphan)" : ""} ${Object.entries(i.resources)
              .map(([k, n]) => `${k}=${n}`)
              .join(" ")}\n`,
          );
    }),
  );
  siteOptions(os.command("orphans").description("resources with our tags that no package owns"))
    .option("--prune-orphans", "remove them")
    .action(
      withJsonErrors(io, async (flags: SiteFlags & { pruneOrphans?: boolean }) => {
        const { site, list } = await listing(flags);
        const orphans = list.filter((i) => i.orphan);
        if (flags.pruneOrphans && orphans.length > 0) {
          const outcome = await reconcileOpenStackSite(
            { site, packages: orphans.map((o) => ({ intentId: o.intentId, objects: [] })) },
            { stateDir: stateDir(flags), env: io.env },
          );
          if (flags.json)
            io.stdout(
              stringifyCanonical({
                orphans,
                removed: outcome.intents.map((i) => ({ subject: i.subject, result: i.result })),
              }),
            );
          else for (const i of outcome.intents) io.stdout(`${i.subject}: removed (${i.result})\n`);
          if (!outcome.ok) io.exitCode = 3;
          return;
        }
        if (flags.json) io.stdout(stringifyCanonical({ orphans }));
        else
          for (const o of orphans)
            io.stdout(
              `${site.id}/${o.intentId} orphan ${Object.entries(o.resources)
                .map(([k, n]) => `${k}=${n}`)
                .join(" ")}\n`,
            );
        if (orphans.length > 0) io.exitCode = 1;
      }),
    );
  siteOptions(os.command("diff").description("what apply would change, nothing written"))
    .argument("[intent-id]")
    .action(
      withJsonErrors(io, async (intentId: string | undefined, flags: SiteFlags) =>
        openStackDiff(io, await openStackSite(io, flags), absolute(io.cwd, flags.work), intentId, flags.json),
      ),
    );
  siteOptions(os.command("configure").description("run an Ansible playbook against the intent's servers"))
    .argument("<intent-id>")
    .requiredOption("--playbook <file>", "the playbook")
    .option("--user <name>", "SSH user", "root")
    .option("--private-key <file>", "SSH private key")
    .action(
      withJsonErrors(
        io,
        async (
          intentId: string,
          flags: SiteFlags & { playbook: string; user: string; privateKey?: string },
        ) => {
          const site = await openStackSite(io, flags);
          const result = await configureServers(createOpenStackClient(siteClientOptions(site, io.env)), {
            site: site.id,
            intentId,
            playbook: absolute(io.cwd, flags.playbook),
            user: flags.user,
            ...(flags.privateKey ? { privateKeyFile: absolute(io.cwd, flags.privateKey) } : {}),
          });
          await recordConfigureResult(
            stateDir(flags),
            { site: site.id, intentId },
            result,
            new Date().toISOString(),
          );
          if (flags.json) io.stdout(stringifyCanonical(result));
          else
            for (const [host, s] of Object.entries(result.stats))
              io.stdout(
                `${result.subject} ${host} ok=${s.ok} changed=${s.changed} failed=${s.failures} unreachable=${s.unreachable}\n`,
              );
          if (!result.ok) io.exitCode = 3;
        },
      ),
    );
}

/**
 * `intentops openstack diff` and `intentops diff` for an openstack site: the plan per intent (the steps a
 * re-apply would take — drift shows as the steps that repair it). Exit 1 when anything would change.
 */
export async function openStackDiff(
  io: CliIo,
  site: Site,
  work: string,
  intentId: string | undefined,
  json: boolean | undefined,
): Promise<void> {
  const client = createOpenStackClient(siteClientOptions(site, io.env));
  const packages = await packagesInWork(work, site.id, intentId);
  const diffs = [];
  for (const pkg of packages) {
    diffs.push(
      await diffOpenStackPackage(client, { site: site.id, intentId: pkg.intentId, objects: pkg.objects }),
    );
  }
  if (json) io.stdout(stringifyCanonical(diffs));
  else for (const d of diffs) for (const step of d.steps) io.stdout(`${d.subject} ${step.id}\n`);
  if (diffs.some((d) => d.steps.length > 0)) io.exitCode = 1;
}
