/**
 * `intentops run <intent-file...>`: each intent revision through the whole phase machine — compile,
 * render, deliver, reconcile, verify, and roll back on an SLO breach. `intentops status` lists the runs;
 * `intentops retry <run-id>` re-enters a failed run at the phase it failed in. Unfinished runs of an
 * earlier process (a crash, a `kill -9`) are resumed first.
 *
 * Exit codes: 0 every run Succeeded; 1 a run RolledBack or Failed; 2 usage.
 */
import { readFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import type { Command } from "commander";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { compileIntent } from "../../../compiler/compileIntent.js";
import { digestBytes } from "../../../compiler/digest.js";
import { IntentopsError } from "../../../compiler/errors.js";
import { parseSiteRegistry } from "../../../compiler/parseSiteRegistry.js";
import type { SloPolicyOverrides } from "../../../functions/slo/deriveSloPolicy.js";
import { secretsFromEnv } from "../../evidence/redactSecrets.js";
import { absolute, cliDeps, type GitCliOptions, withGitOptions } from "../../git/cliSupport.js";
import { readJournal, replayJournal } from "../../run/journal.js";
import { openPipeline } from "../../run/openPipeline.js";
import type { RunState } from "../../run/runTypes.js";
import type { CliIo } from "../io.js";

interface RunFlags extends GitCliOptions {
  sites: string;
  state: string;
  kubeconfig?: string;
  window?: string;
  alertWebhookEnv?: string;
}

function describe(run: RunState): string {
  const verdict = run.data.verdict
    ? ` (${run.data.verdict.decision}${run.data.verdict.action !== "none" ? ` → ${run.data.verdict.action}` : ""})`
    : "";
  const error = run.error ? ` [${run.error.code}] ${run.error.message}` : "";
  return `${run.runId.slice(0, 8)}  ${run.intentId.padEnd(24)} ${run.phase}${verdict}${error}`;
}

/** A short window needs a short interval and `for` too (as `intentops verify --window`), or the policy is invalid. */
function windowOverrides(window: number): SloPolicyOverrides {
  return {
    windowSeconds: window,
    intervalSeconds: Math.min(10, Math.max(1, window / 6)),
    ...(window < 120 ? { forSeconds: window / 4, rateWindowSeconds: Math.min(60, Math.max(5, window)) } : {}),
  };
}

export function register(program: Command, io: CliIo): void {
  const withRunOptions = (command: Command) =>
    withGitOptions(command)
      .option("--sites <file>", "site registry", "intents/sites.yaml")
      .option("--state <dir>", "state directory holding the run journal", ".intentops")
      .option("--kubeconfig <file>", "kubeconfig for sites that name none (default $KUBECONFIG)")
      .option("--window <seconds>", "SLO verification window in seconds (default: the policy's)")
      .option(
        "--alert-webhook-env <name>",
        "environment variable holding the URL alert events are POSTed to",
      );

  const open = async (flags: RunFlags) =>
    openPipeline({
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
      ...(flags.window ? { slo: windowOverrides(Number(flags.window)) } : {}),
      onTransition: (run, from, to) => {
        if (!flags.json) io.stderr(`${run.intentId}: ${from} → ${to}\n`);
      },
    });

  withRunOptions(
    program
      .command("run")
      .description(
        "run intent revisions through compile → render → deliver → reconcile → verify (→ rollback)",
      )
      .argument("[intent-files...]", "intent files to run (unfinished runs are resumed either way)"),
  ).action(async (files: string[], flags: RunFlags) => {
    // Refuse bad input before anything is journalled or delivered.
    const registry = parseSiteRegistry(await readFile(resolve(io.cwd, flags.sites), "utf8"), flags.sites);
    const sources: { intentId: string; file: string; digest: string }[] = [];
    for (const file of files) {
      const text = await readFile(resolve(io.cwd, file), "utf8");
      const compiled = compileIntent(text, registry, { file });
      sources.push({
        intentId: compiled.spec.intentId,
        file: relative(io.cwd, resolve(io.cwd, file)),
        digest: digestBytes(text),
      });
    }
    const pipeline = await open(flags);
    try {
      const resumed = await pipeline.runner.resume();
      for (const run of resumed)
        if (!flags.json)
          io.stderr(`resuming ${run.intentId} (run ${run.runId.slice(0, 8)}) in ${run.phase}\n`);
      const submitted = [];
      for (const source of sources) {
        submitted.push(
          await pipeline.runner.submit({
            intentId: source.intentId,
            source: { file: source.file, digest: source.digest },
          }),
        );
      }
      await pipeline.runner.idle();
      const finals = [...resumed, ...submitted].map(
        (r) => pipeline.runner.runs().find((x) => x.runId === r.runId)!,
      );
      if (flags.json) io.stdout(stringifyCanonical({ runs: finals }));
      else for (const run of finals) io.stdout(`${describe(run)}\n`);
      if (finals.some((r) => r.phase !== "Succeeded")) io.exitCode = 1;
    } finally {
      await pipeline.runner.close();
    }
  });

  withRunOptions(
    program
      .command("retry")
      .description("re-enter a failed run at the phase it failed in")
      .argument("<run-id>", "run id (or its first characters)"),
  ).action(async (prefix: string, flags: RunFlags) => {
    const pipeline = await open(flags);
    try {
      const matches = pipeline.runner.runs().filter((r) => r.runId.startsWith(prefix));
      if (matches.length !== 1) {
        throw new IntentopsError(
          "E_USAGE_RUN",
          matches.length ? `run id ${prefix} is ambiguous` : `no run ${prefix}`,
          { subject: prefix },
        );
      }
      const run = await pipeline.runner.retry(matches[0]!.runId);
      if (flags.json) io.stdout(stringifyCanonical({ run }));
      else io.stdout(`${describe(run)}\n`);
      if (run.phase !== "Succeeded") io.exitCode = 1;
    } finally {
      await pipeline.runner.close();
    }
  });

  program
    .command("status")
    .description("list the runs in the journal")
    .option("--state <dir>", "state directory holding the run journal", ".intentops")
    .option("--json", "print the runs as JSON")
    .action(async (flags: { state: string; json?: boolean }) => {
      const runs = replayJournal(await readJournal(resolve(io.cwd, flags.state, "journal.jsonl")));
      if (flags.json) io.stdout(stringifyCanonical({ runs }));
      else if (runs.length === 0) io.stdout("no runs\n");
      else for (const run of runs) io.stdout(`${describe(run)}\n`);
    });
}
