/**
 * createRunner: many intents at once, one intent's revisions one at a time, a newer revision superseding an
 * older run that is still verifying, and every unfinished run resumed from the journal on start.
 */
import { randomUUID } from "node:crypto";
import { IntentopsError } from "../../compiler/errors.js";
import { writeFilesAtomically } from "../fs/writeFilesAtomically.js";
import { createGate } from "../support/createGate.js";
import { type AdvanceDeps, advanceRun } from "./advanceRun.js";
import { fileRunStore, type RunStore } from "./runStore.js";
import { type RunState, TERMINAL } from "./runTypes.js";

export interface RunnerOptions extends Omit<AdvanceDeps, "journal" | "signal"> {
  /** Path of the journal file (JSON lines, fsync'd): the default run store. */
  journalPath?: string;
  /** Another run store (operator mode: IntentDeployment status); takes the place of `journalPath`. */
  store?: RunStore;
  /** Run ids; injectable for reproducible tests. */
  newId?: () => string;
  /** Directory a submitted source `text` is written under (its `source.file` is relative to it). */
  cwd?: string;
  /** Runs in their Delivering attempt at once; the others wait their turn outside its limit. Default 2. */
  maxDelivering?: number;
}

export interface Runner {
  /** Resumes every run the journal shows unfinished; resolves when they are all enqueued. */
  resume(): Promise<RunState[]>;
  /**
   * Starts a run for a new revision of an intent, or (`operation: "delete"`) for its removal. With `text`,
   * the source's content is first written (atomically) to `source.file` under the runner's `cwd` — done
   * where the runner lives, so a runner in a worker thread keeps that file work off the caller's thread.
   */
  submit(input: SubmitInput): Promise<RunState>;
  /** Re-enters a Failed, RollbackFailed or CompensationFailed run at the phase it failed in. */
  retry(runId: string): Promise<RunState>;
  /**
   * Aborts a run in flight (it ends Failed with E_ABORTED and `reason`); false when none is. Optional: the
   * worker-thread proxy of openPipelineThread.ts does not offer it.
   */
  abort?(runId: string, reason: string): boolean;
  /** Resolves with the run once it is terminal. */
  wait(runId: string): Promise<RunState>;
  /** Resolves when no run is in flight. */
  idle(): Promise<void>;
  runs(): RunState[];
  /** The runs of one intent, oldest first (an index: no scan of every run). */
  runsOf(intentId: string): RunState[];
  close(): Promise<void>;
}

/** The runner itself (not a proxy of it): it can abort a run in flight. */
export type LocalRunner = Runner & Required<Pick<Runner, "abort">>;

export interface SubmitInput {
  intentId: string;
  source: { file: string; digest: string };
  operation?: "apply" | "delete";
  /** The source's content, written (atomically) to `source.file` under the runner's `cwd` first. */
  text?: string;
  /** The revision of the intent's resource the run is for (operator mode: its generation). */
  revision?: number;
  /** SLO policy overrides of this run (operator mode: the resource's `spec.policy`). */
  slo?: RunState["slo"];
  /** The run's id (operator mode: derived from the resource, see runIdOf); default a new one. */
  runId?: string;
}

export async function createRunner(options: RunnerOptions): Promise<LocalRunner> {
  const { newId = randomUUID } = options;
  if (!options.store && !options.journalPath)
    throw new Error("createRunner: a journalPath or a store is needed");
  const journal: RunStore = options.store ?? (await fileRunStore(options.journalPath!));
  const deliveries = options.deliveries ?? createGate(options.maxDelivering ?? 2);
  const previous = await journal.load();
  const runs = new Map(previous.map((run) => [run.runId, run]));
  /** intentId → its runs, oldest first: a submit looks at one intent's runs, not at every run ever made. */
  const byIntent = new Map<string, RunState[]>();
  const index = (run: RunState) => {
    const list = byIntent.get(run.intentId);
    if (list) list.push(run);
    else byIntent.set(run.intentId, [run]);
  };
  for (const run of runs.values()) index(run);
  const chains = new Map<string, Promise<unknown>>();
  const done = new Map<string, Promise<RunState>>();
  const controllers = new Map<string, AbortController>();

  const enqueue = (run: RunState): Promise<RunState> => {
    const before = chains.get(run.intentId) ?? Promise.resolve();
    const controller = new AbortController();
    controllers.set(run.runId, controller);
    const finished = before
      .catch(() => undefined)
      .then(async () => {
        if (TERMINAL.has(run.phase)) return run;
        const final = await advanceRun(run, { ...options, journal, signal: controller.signal, deliveries });
        await followScale(final);
        return final;
      })
      // Only this attempt's controller: a retry made while this attempt was finishing (its `failed` event is
      // journalled before the evidence push of `finish`) holds its own under the same run id.
      .finally(() => {
        if (controllers.get(run.runId) === controller) controllers.delete(run.runId);
      });
    chains.set(run.intentId, finished);
    done.set(run.runId, finished);
    return finished;
  };

  /** A scale action's revision becomes the intent's next run (once: a run of that source means done). */
  const followScale = async (run: RunState) => {
    const scaled = run.data.scaledSource;
    if (run.phase !== "Scaled" || !scaled) return;
    if ((byIntent.get(run.intentId) ?? []).some((r) => r.source.digest === scaled.digest)) return;
    await submit({ intentId: run.intentId, source: { file: scaled.file, digest: scaled.digest } });
  };

  const submit = async ({ intentId, source, operation, text, revision, slo, runId }: SubmitInput) => {
    if (text !== undefined) {
      if (options.cwd === undefined) throw new Error("the runner was given a source text but no cwd");
      await writeFilesAtomically(options.cwd, new Map([[source.file, text]]));
    }
    const at = options.clock().toISOString();
    const run: RunState = {
      runId: runId ?? newId(),
      intentId,
      ...(operation === "delete" ? { operation } : {}),
      source,
      ...(revision !== undefined ? { revision } : {}),
      ...(slo ? { slo } : {}),
      phase: "Pending",
      attempt: 0,
      createdAt: at,
      updatedAt: at,
      data: {},
    };
    await journal.append({ type: "created", at, run: { ...run } });
    // A newer revision supersedes an older run that is still verifying: its result no longer matters.
    for (const older of byIntent.get(intentId) ?? []) {
      if (older.phase === "Verifying") {
        await journal.append({ type: "superseded", at, runId: older.runId, by: run.runId });
        controllers.get(older.runId)?.abort(`superseded by run ${run.runId}`);
      }
    }
    runs.set(run.runId, run);
    index(run);
    void enqueue(run);
    return run;
  };

  return {
    async resume() {
      const unfinished = [...runs.values()].filter((run) => !TERMINAL.has(run.phase));
      for (const run of unfinished) void enqueue(run);
      // A crash between a scale decision and its follow-up run: submit it now.
      for (const run of [...runs.values()]) await followScale(run);
      return unfinished;
    },
    submit,
    async retry(runId) {
      const run = runs.get(runId);
      if (!run) throw new IntentopsError("E_NOT_FOUND", `no run ${runId}`, { subject: runId });
      const phase = run.error?.failedIn;
      const retriable =
        run.phase === "Failed" || run.phase === "RollbackFailed" || run.phase === "CompensationFailed";
      if (!retriable || !phase || TERMINAL.has(phase) || run.supersededBy) {
        throw new IntentopsError(
          "E_USAGE_RETRY",
          `run ${runId} is ${run.phase}${run.supersededBy ? " (superseded)" : ""}: only a failed run can be retried`,
          { subject: runId },
        );
      }
      const at = options.clock().toISOString();
      await journal.append({ type: "phase", at, runId, phase, attempt: 0 });
      run.phase = phase;
      run.attempt = 0;
      delete run.error;
      return enqueue(run);
    },
    abort(runId, reason) {
      const controller = controllers.get(runId);
      controller?.abort(reason);
      return controller !== undefined;
    },
    wait(runId) {
      const pending = done.get(runId);
      if (pending) return pending;
      const run = runs.get(runId);
      return run ? Promise.resolve(run) : Promise.reject(new Error(`no run ${runId}`));
    },
    async idle() {
      for (;;) {
        const inFlight = [...done.values()];
        await Promise.allSettled(inFlight);
        if (inFlight.length === done.size) return;
      }
    },
    runs: () => [...runs.values()],
    runsOf: (intentId) => [...(byIntent.get(intentId) ?? [])],
    async close() {
      await journal.close();
    },
  };
}
