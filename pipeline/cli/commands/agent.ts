/**
 * `intentops agent --site <site> --repo <url|dir>`: pull mode. Fetches the delivery branch, applies the
 * newest non-quarantined commit's `rendered/<site>/*` packages (see syncFromGit for the rule), prunes,
 * records evidence, prints `synced <site> <sha>`, and repeats every `--interval` or on `POST /sync` to
 * `--listen 127.0.0.1:PORT`. With `--once`: one sync, exit 0 if it succeeded, 1 if not.
 */
import { join } from "node:path";
import type { Command } from "commander";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { recordEvidence } from "../../evidence/recordEvidence.js";
import { secretsFromEnv } from "../../evidence/redactSecrets.js";
import { absolute, cliDeps } from "../../git/cliSupport.js";
import {
  formatIntentOutcome,
  parseDuration,
  resolveSite,
  type SiteFlags,
  withSiteOptions,
} from "../../reconcile/cliSupport.js";
import { runAgent } from "../../reconcile/runAgent.js";
import type { SyncOutcome } from "../../reconcile/syncFromGit.js";
import type { CliIo } from "../io.js";

interface AgentFlags extends SiteFlags {
  repo: string;
  branch: string;
  cacheDir?: string;
  interval: string;
  once?: boolean;
  listen?: string;
  forcePrune?: boolean;
  maxPruneShare: string;
  healthTimeout: string;
  tokenEnv?: string;
  credentialsFile?: string;
  author: string;
  json?: boolean;
}

export function register(program: Command, io: CliIo): void {
  withSiteOptions(
    program
      .command("agent")
      .description("pull mode: keep a kubernetes site in sync with the delivery branch"),
  )
    .requiredOption("--repo <url|dir>", "delivery repository: smart-HTTP URL or local directory")
    .option("--branch <name>", "delivery branch", "main")
    .option("--cache-dir <dir>", "local mirror of a remote --repo (default ~/.cache/intentops/agent/<site>)")
    .option("--interval <duration>", "time between syncs", "10s")
    .option("--once", "sync once and exit")
    .option("--listen <host:port>", "loopback endpoint; POST /sync triggers a sync")
    .option("--force-prune", "prune even past the safety limits")
    .option("--max-prune-share <fraction>", "largest share of an inventory one sync may delete", "0.5")
    .option("--health-timeout <duration>", "health wait per sync", "5m")
    .option("--token-env <name>", "environment variable holding the remote token")
    .option("--credentials-file <path>", "file holding the remote token")
    .option("--author <name <email>>", "evidence commit author", "intentops-agent <intentops@localhost>")
    .option("--json", "print each sync as one JSON line")
    .action(async (flags: AgentFlags) => {
      const site = await resolveSite(
        { ...flags, ...(flags.sites ? { sites: absolute(io.cwd, flags.sites) } : {}) },
        `${io.cwd}/intents/sites.yaml`,
      );
      const remote = /^https?:\/\//.test(flags.repo) ? flags.repo : undefined;
      const dir = remote
        ? absolute(
            io.cwd,
            flags.cacheDir ?? join(io.env["HOME"] ?? io.cwd, ".cache", "intentops", "agent", site.id),
          )
        : absolute(io.cwd, flags.repo);
      const git = await cliDeps({ ...flags, repo: dir, branch: flags.branch }, io.env, io.cwd);
      const report = (sync: SyncOutcome) => {
        if (flags.json) {
          io.stdout(stringifyCanonical(sync, 0) + "\n");
          return;
        }
        for (const q of sync.skippedQuarantined) io.stdout(`skipped quarantined ${site.id} ${q}\n`);
        if (!sync.commit) io.stdout(`no commit to sync for ${site.id}\n`);
        else if (!sync.reconcile) io.stdout(`in sync ${site.id} ${sync.commit}\n`);
        else {
          for (const i of sync.reconcile.intents) io.stdout(formatIntentOutcome(i));
          io.stdout(`synced ${site.id} ${sync.commit}${sync.reconcile.ok ? "" : " (with failures)"}\n`);
        }
      };
      const last = await runAgent(
        {
          site,
          dir,
          ...(remote ? { remote } : {}),
          branch: flags.branch,
          intervalMs: parseDuration(flags.interval),
          once: flags.once ?? false,
          ...(flags.listen ? { listen: flags.listen } : {}),
          forcePrune: flags.forcePrune ?? false,
          maxPruneShare: Number(flags.maxPruneShare),
          healthTimeoutMs: parseDuration(flags.healthTimeout),
        },
        {
          git,
          ...(io.env["KUBECONFIG"] ? { kubeconfig: io.env["KUBECONFIG"] } : {}),
          recordEvidence: async (input) => {
            await recordEvidence(
              { dir, ...(remote ? { remote } : {}), secrets: secretsFromEnv(io.env), input },
              git,
            );
          },
          onSync: report,
          onError: (e) => io.stderr(`agent: sync failed: ${(e as Error).message}\n`),
          onListening: (a) => io.stderr(`agent: listening on ${a.host}:${a.port} (POST /sync)\n`),
        },
      );
      if (flags.once && last?.reconcile && !last.reconcile.ok) io.exitCode = 1;
    });
}
