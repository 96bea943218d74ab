/**
 * `intentops apply <intent-id> --site <site>`: server-side apply of `rendered/<site>/<intent-id>/` from a
 * work directory to the site's cluster, prune per inventory, wait for health, record evidence (when
 * `--repo` names the evidence repository). Exit 0 success or nothing to do, 1 refused (prune safety,
 * conflicts, invalid objects, unhealthy), 3 the cluster could not be reached.
 */
import type { Command } from "commander";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { recordEvidence } from "../../evidence/recordEvidence.js";
import { secretsFromEnv } from "../../evidence/redactSecrets.js";
import { absolute, cliDeps } from "../../git/cliSupport.js";
import {
  formatIntentOutcome,
  packagesInWork,
  parseDuration,
  resolveSite,
  type SiteFlags,
  withSiteOptions,
} from "../../reconcile/cliSupport.js";
import { reconcileSite } from "../../reconcile/reconcileSite.js";
import type { CliIo } from "../io.js";
import { withJsonErrors } from "../jsonErrors.js";

interface ApplyFlags extends SiteFlags {
  work: string;
  commit?: string;
  forcePrune?: boolean;
  maxPruneShare: string;
  healthTimeout: string;
  concurrency: string;
  repo?: string;
  remote?: string;
  tokenEnv?: string;
  credentialsFile?: string;
  author: string;
  json?: boolean;
}

export function register(program: Command, io: CliIo): void {
  withSiteOptions(
    program
      .command("apply")
      .description("server-side apply a rendered package to a kubernetes site, prune, and wait for health")
      .argument("<intent-id>", "intent whose rendered/<site>/<intent-id>/ package to apply"),
  )
    .option("--work <dir>", "work directory holding rendered/ (and intents/sites.yaml)", ".")
    .option(
      "--commit <sha>",
      "delivery commit the package comes from (recorded in the inventory and evidence)",
    )
    .option("--force-prune", "prune even past the safety limits (all objects, or more than the share)")
    .option("--max-prune-share <fraction>", "largest share of the inventory one apply may delete", "0.5")
    .option(
      "--health-timeout <duration>",
      "how long to wait for the objects to become Current (0: no wait)",
      "5m",
    )
    .option("--concurrency <n>", "requests in flight", "24")
    .option("--repo <dir>", "evidence repository (evidence is recorded only with it)")
    .option("--remote <url>", "smart-HTTP remote of the evidence repository")
    .option("--token-env <name>", "environment variable holding the remote token")
    .option("--credentials-file <path>", "file holding the remote token")
    .option("--author <name <email>>", "evidence commit author", "intentops <intentops@localhost>")
    .option("--json", "print the outcome as JSON")
    .action(
      withJsonErrors(io, async (intentId: string, flags: ApplyFlags) => {
        const work = absolute(io.cwd, flags.work);
        const site = await resolveSite(
          { ...flags, ...(flags.sites ? { sites: absolute(io.cwd, flags.sites) } : {}) },
          `${work}/intents/sites.yaml`,
        );
        const packages = await packagesInWork(work, site.id, intentId);
        const gitDeps = flags.repo
          ? await cliDeps({ ...flags, repo: flags.repo, branch: "main" }, io.env, io.cwd)
          : null;
        const outcome = await reconcileSite(
          {
            site,
            packages,
            commit: flags.commit ?? null,
            forcePrune: flags.forcePrune ?? false,
            maxPruneShare: Number(flags.maxPruneShare),
            healthTimeoutMs: parseDuration(flags.healthTimeout),
            concurrency: Number(flags.concurrency),
            trigger: { kind: "cli" },
          },
          {
            ...(io.env["KUBECONFIG"] ? { kubeconfig: io.env["KUBECONFIG"] } : {}),
            ...(gitDeps && flags.repo
              ? {
                  recordEvidence: async (input) => {
                    await recordEvidence(
                      {
                        dir: absolute(io.cwd, flags.repo!),
                        ...(flags.remote ? { remote: flags.remote } : {}),
                        secrets: secretsFromEnv(io.env),
                        input,
                      },
                      gitDeps,
                    );
                  },
                }
              : {}),
          },
        );
        if (flags.json) io.stdout(stringifyCanonical(outcome));
        else for (const i of outcome.intents) io.stdout(formatIntentOutcome(i));
        if (!flags.repo && !flags.json) io.stderr("note: no --repo, so no evidence was recorded\n");
        if (!outcome.ok) io.exitCode = 1;
      }),
    );
}
