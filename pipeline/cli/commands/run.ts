/**
 * `intentops run <intent-file...>`: each intent revision through the whole phase machine — compile,
 * render, deliver, reconcile, verify, and roll back on an SLO breach. `intentops status` lists the runs;
 * `intentops retry <run-id>` re-enters a failed run at the phase it failed in. Unfinished runs of an
 * earlier process (a crash, a `kill -9`) are resumed first.
 *
 * Exit codes: the most severe final state's (runTypes.ts TERMINAL_STATES, the README's table): 0 Succeeded or
 * Deleted, 4 SucceededWithAlerts or Scaled, 5 Held, 1 RolledBack (or invalid input), 3 Failed,
 * RollbackFailed or CompensationFailed; 2 usage.
 */
import { readdir, readFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import type { Command } from "commander";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { compileIntent } from "../../../compiler/compileIntent.js";
import { digestBytes } from "../../../compiler/digest.js";
import { IntentopsError, InvalidInputError } from "../../../compiler/errors.js";
import { parseSiteRegistry } from "../../../compiler/parseSiteRegistry.js";
import { stdlibRegistry } from "../../../functions/stdlib/stdlibRegistry.js";
import { absolute, cliDeps } from "../../git/cliSupport.js";
import { branchHead, openRepo } from "../../git/openRepo.js";
import { createOwnershipIndex } from "../../git/ownershipIndex.js";
import { pullBranch } from "../../git/updateBranch.js";
import { readVocabularyMappings } from "../../intents/readVocabularyMappings.js";
import { probeIntentProblem } from "../../probe/probeIntentProblem.js";
import { intentsAt } from "../../reconcile/syncFromGit.js";
import {
  type Delivered,
  type RenderedIntent,
  refuseOwnershipConflicts,
} from "../../render/refuseOwnershipConflicts.js";
import { renderPackagesOf } from "../../render/renderPackagesOf.js";
import { readJournal, replayJournal } from "../../run/journal.js";
import { exitCodeOf } from "../../run/runTypes.js";
import type { CliIo } from "../io.js";
import { describeRun, openRunPipeline, type RunFlags, withRunOptions } from "./runSupport.js";

export function register(program: Command, io: CliIo): void {
  withRunOptions(
    program
      .command("run")
      .description(
        "run intent revisions through compile → render → deliver → reconcile → verify (→ rollback)",
      )
      .argument("[intent-files...]", "intent files to run (unfinished runs are resumed either way)")
      .option(
        "--prune <dir>",
        "also delete every intent delivered in Git whose file is no longer in <dir> (e.g. intents)",
      ),
  ).action(async (files: string[], flags: RunFlags & { prune?: string }) => {
    // Refuse bad input before anything is journalled, recorded or delivered: every pure check a later
    // phase makes — compile, render (generators, pipeline functions), ownership — is made here first.
    const registry = parseSiteRegistry(await readFile(resolve(io.cwd, flags.sites), "utf8"), flags.sites);
    const { mappings } = readVocabularyMappings(resolve(io.cwd, flags.sites), io.cwd);
    const sources: { intentId: string; file: string; digest: string }[] = [];
    const rendered: RenderedIntent[] = [];
    for (const file of files) {
      // The bytes are compiled (invalid UTF-8 is refused, not replaced); the text names the revision.
      const bytes = await readFile(resolve(io.cwd, file));
      const text = bytes.toString("utf8");
      const compiled = await compileIntent(new Uint8Array(bytes), registry, {
        file,
        mapper: mappings.mapper,
      });
      if (compiled.spec.probe) throw new InvalidInputError([probeIntentProblem(file)]);
      const packages = await renderPackagesOf(compiled, registry, stdlibRegistry, file, text);
      rendered.push({ file, text, compiled, packages });
      sources.push({
        intentId: compiled.spec.intentId,
        file: relative(io.cwd, resolve(io.cwd, file)),
        digest: digestBytes(text),
      });
    }
    if (rendered.length) await refuseOwnershipConflicts(rendered, await deliveredAt(flags, io));
    const pipeline = await openRunPipeline(flags, io);
    try {
      const resumed = await pipeline.runner.resume();
      for (const run of resumed)
        if (!flags.json)
          io.stderr(`resuming ${run.intentId} (run ${run.runId.slice(0, 8)}) in ${run.phase}\n`);
      const submitted = [];
      // A removed intent file is a deletion, done through Git like any other change.
      const removed = flags.prune ? await removedIntents(flags, resolve(io.cwd, flags.prune), io) : [];
      for (const intentId of removed) {
        submitted.push(
          await pipeline.runner.submit({
            intentId,
            source: { file: `intents/${intentId}.json`, digest: "delete" },
            operation: "delete",
          }),
        );
      }
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
      else for (const run of finals) io.stdout(`${describeRun(run)}\n`);
      io.exitCode = exitCodeOf(finals.map((r) => r.phase));
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
    const pipeline = await openRunPipeline(flags, io);
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
      else io.stdout(`${describeRun(run)}\n`);
      io.exitCode = exitCodeOf([run.phase]);
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
      else for (const run of runs) io.stdout(`${describeRun(run)}\n`);
    });
}

/** The delivery branch as it is here (not fetched: nothing is written before the checks pass). */
async function deliveredAt(flags: RunFlags, io: CliIo): Promise<Delivered> {
  const git = await cliDeps(flags, io.env, io.cwd);
  const repo = await openRepo({ fs: git.fs, dir: absolute(io.cwd, flags.repo), init: false }).catch(
    () => null,
  );
  const commit = repo ? await branchHead(repo, `refs/heads/${flags.branch}`) : null;
  return { index: createOwnershipIndex(), repo, commit };
}

/** Intents whose file is on the delivery branch (`intents/<id>.json`) but not in `dir`. */
async function removedIntents(flags: RunFlags, dir: string, io: CliIo): Promise<string[]> {
  const local = new Set(
    (await readdir(dir))
      .filter((name) => name.endsWith(".json"))
      .map((name) => name.slice(0, -".json".length)),
  );
  const git = await cliDeps(flags, io.env, io.cwd);
  const repo = await openRepo({ fs: git.fs, dir: absolute(io.cwd, flags.repo), init: false }).catch(
    () => null,
  );
  if (!repo) return [];
  const head = await pullBranch(repo, git, flags.branch, flags.remote);
  if (!head) return [];
  return [...(await intentsAt(repo, head))].filter((id) => !local.has(id)).sort();
}
