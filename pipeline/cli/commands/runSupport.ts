/**
 * What the run verbs (`run`, `retry`, `status`, `delete`) share: their flags, the pipeline they open, how a
 * run is printed, and the exit code of finished runs.
 */
import type { Command } from "commander";
import { shortWindowOverrides } from "../../../functions/slo/shortWindowOverrides.js";
import { secretsFromEnv } from "../../evidence/redactSecrets.js";
import { absolute, cliDeps, type GitCliOptions, withGitOptions } from "../../git/cliSupport.js";
import { openPipeline, type PipelineOptions } from "../../run/openPipeline.js";
import type { RunState } from "../../run/runTypes.js";
import type { CliIo } from "../io.js";

export interface RunFlags extends GitCliOptions {
  sites: string;
  state: string;
  kubeconfig?: string;
  window?: string;
  alertWebhookEnv?: string;
}

/** One line per run: id, intent, phase, verdict, error. */
export function describeRun(run: RunState): string {
  const verdict = run.data.verdict
    ? ` (${run.data.verdict.decision}${run.data.verdict.action !== "none" ? ` → ${run.data.verdict.action}` : ""})`
    : "";
  const error = run.error ? ` [${run.error.code}] ${run.error.message}` : "";
  return `${run.runId.slice(0, 8)}  ${run.intentId.padEnd(24)} ${run.phase}${verdict}${error}`;
}

export function withRunOptions(command: Command): Command {
  return withGitOptions(command)
    .option("--sites <file>", "site registry", "intents/sites.yaml")
    .option("--state <dir>", "state directory holding the run journal", ".intentops")
    .option("--kubeconfig <file>", "kubeconfig for sites that name none (default $KUBECONFIG)")
    .option("--window <seconds>", "SLO verification window in seconds (default: the policy's)")
    .option("--alert-webhook-env <name>", "environment variable holding the URL alert events are POSTed to");
}

/** The options `openRunPipeline` opens the pipeline with (the controller adds its run store to them). */
export async function runPipelineOptions(flags: RunFlags, io: CliIo): Promise<PipelineOptions> {
  return {
    cwd: io.cwd,
    sites: flags.sites,
    stateDir: flags.state,
    repo: {
      dir: absolute(io.cwd, flags.repo),
      branch: flags.branch,
      ...(flags.remote ? { remote: flags.remote } : {}),
    },
    git: await cliDeps(flags, io.env, io.cwd),
    secrets: secretsFromEnv(io.env),
    log: (line) => io.stderr(`${line}\n`),
    ...(flags.alertWebhookEnv && io.env[flags.alertWebhookEnv]
      ? { alertWebhookUrl: io.env[flags.alertWebhookEnv]! }
      : {}),
    ...((flags.kubeconfig ?? io.env.KUBECONFIG)
      ? { kubeconfig: absolute(io.cwd, (flags.kubeconfig ?? io.env.KUBECONFIG)!) }
      : {}),
    ...(flags.window ? { slo: shortWindowOverrides(Number(flags.window)) } : {}),
    onTransition: (run, from, to) => {
      if (!flags.json) io.stderr(`${run.intentId}: ${from} → ${to}\n`);
    },
  };
}

export async function openRunPipeline(flags: RunFlags, io: CliIo) {
  return openPipeline(await runPipelineOptions(flags, io));
}
