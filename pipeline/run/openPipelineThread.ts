/**
 * openPipelineThread: the pipeline of openPipeline (runner, steps, journal) in a worker thread, behind the
 * same `Runner` interface. `intentops serve` uses it so that compiling, rendering, committing and
 * reconciling a backlog of runs never holds the event loop that answers API requests: the intake (validate,
 * append to the fsync'd intake log, answer) keeps one core while the pipeline works on the other.
 *
 * With `intakeCommits`, the intake's group committer runs there too (its commits write hundreds of blobs
 * at a time); the main thread records each batch in the intake log before it answers the batch's commits.
 *
 * The main thread keeps a mirror of every run, updated from the worker's transitions and answers, so
 * `runs()` stays synchronous; a run's data as the mirror shows it is as of its last phase change. If the
 * worker dies, the process exits (code 3): a restart resumes every run from the journal, which is what the
 * journal is for.
 */
import { resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { IntentopsError } from "../../compiler/errors.js";
import type { SiteRegistry } from "../../compiler/types.js";
import type { GitDeps } from "../git/gitDeps.js";
import type { CommitIntakeOptions, IntakeCommitter } from "../intake/commitIntake.js";
import type { Runner } from "./createRunner.js";
import type { Pipeline, PipelineOptions } from "./openPipeline.js";
import type { Phase, RunState } from "./runTypes.js";

/** What crosses into the worker: the options without functions; Git's effects are rebuilt there. */
export interface PipelineThreadConfig
  extends Omit<PipelineOptions, "git" | "onTransition" | "onEvaluation" | "log"> {
  git: Pick<GitDeps, "author" | "committer" | "credentials">;
  /** Also run the intake's group committer (commitIntake.ts) in the thread, for this remote. */
  intakeCommits?: { repo: CommitIntakeOptions["repo"] };
}

export type ToWorker = {
  id: number;
  method: "resume" | "submit" | "retry" | "wait" | "idle" | "close" | "commit" | "drain";
  args: unknown[];
};

export type FromWorker =
  | { type: "ready"; registry: SiteRegistry; journalPath: string; runs: RunState[] }
  | { type: "transition"; run: RunState; from: Phase; to: Phase }
  | { type: "log"; line: string }
  | { type: "committed"; requestIds: string[]; commit: string | null }
  | { type: "commitLog"; event: Record<string, unknown> }
  | { type: "reply"; id: number; value: unknown }
  | { type: "reply"; id: number; error: { message: string; code?: string; subject?: string } };

/** @example const { runner } = await openPipelineThread({ cwd, repo, git: { author } }, { onTransition }); */
export async function openPipelineThread(
  config: PipelineThreadConfig,
  hooks: Pick<PipelineOptions, "onTransition" | "log"> &
    Pick<CommitIntakeOptions, "onCommitted"> & {
      commitLog?: CommitIntakeOptions["log"];
      onExit?: (reason: string) => void;
    } = {},
): Promise<Pipeline & { committer?: IntakeCommitter }> {
  const worker = new Worker(new URL("./pipelineWorker.js", import.meta.url), {
    workerData: { ...config, cwd: resolve(config.cwd) },
  });
  const mirror = new Map<string, RunState>();
  /** intentId → its run ids, oldest first: `runsOf` answers from here instead of scanning every run. */
  const byIntent = new Map<string, string[]>();
  const remember = (run: RunState) => {
    if (!mirror.has(run.runId)) {
      const ids = byIntent.get(run.intentId);
      if (ids) ids.push(run.runId);
      else byIntent.set(run.intentId, [run.runId]);
    }
    mirror.set(run.runId, run);
    return run;
  };
  const calls = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  let nextId = 0;
  let recorded: Promise<void> = Promise.resolve();
  let closing = false;
  let isReady = false;
  let ready: (message: Extract<FromWorker, { type: "ready" }>) => void;
  let failed: (error: Error) => void;
  const started = new Promise<Extract<FromWorker, { type: "ready" }>>((res, rej) => {
    ready = res;
    failed = rej;
  });

  // The worker sends its messages in batches (one per turn of its event loop), in order.
  worker.on("message", (batch: FromWorker[]) => {
    for (const message of batch) receive(message);
  });
  function receive(message: FromWorker) {
    if (message.type === "ready") {
      for (const run of message.runs) remember(run);
      isReady = true;
      ready(message);
    } else if (message.type === "transition") {
      remember(message.run);
      hooks.onTransition?.(message.run, message.from, message.to);
    } else if (message.type === "log") {
      hooks.log?.(message.line);
    } else if (message.type === "committed") {
      // A batch's commits are answered after this message; their answers wait for it to be recorded.
      const { requestIds, commit } = message;
      recorded = recorded.then(() => hooks.onCommitted?.(requestIds, commit));
    } else if (message.type === "commitLog") {
      hooks.commitLog?.(message.event);
    } else {
      const call = calls.get(message.id);
      calls.delete(message.id);
      if (!call) return;
      if ("error" in message) {
        const { code, message: text, subject } = message.error;
        call.reject(code ? new IntentopsError(code, text, subject ? { subject } : {}) : new Error(text));
      } else call.resolve(message.value);
    }
  }
  const died = (reason: string) => {
    const error = new IntentopsError("E_PIPELINE_THREAD", `the pipeline thread stopped: ${reason}`);
    failed(error);
    for (const call of calls.values()) call.reject(error);
    calls.clear();
    // Before it was ready the error is openPipelineThread's to throw; after, the runs it held need a restart.
    if (isReady && !closing) (hooks.onExit ?? exitProcess)(reason);
  };
  worker.on("error", (error) => died(error.message));
  worker.on("exit", (code) => died(`exit code ${code}`));

  const call = <T>(method: ToWorker["method"], ...args: unknown[]): Promise<T> =>
    new Promise<T>((res, rej) => {
      const id = nextId++;
      calls.set(id, { resolve: res as (value: unknown) => void, reject: rej });
      worker.postMessage({ id, method, args } satisfies ToWorker);
    });
  const { registry, journalPath } = await started;
  const runner: Runner = {
    resume: async () => (await call<RunState[]>("resume")).map(remember),
    submit: async (input) => remember(await call<RunState>("submit", input)),
    retry: async (runId) => remember(await call<RunState>("retry", runId)),
    wait: async (runId) => remember(await call<RunState>("wait", runId)),
    idle: () => call<void>("idle"),
    runs: () => [...mirror.values()],
    runsOf: (intentId) => (byIntent.get(intentId) ?? []).map((id) => mirror.get(id)!),
    async close() {
      closing = true;
      await call<void>("close");
      await worker.terminate();
    },
  };
  const committer: IntakeCommitter | undefined = config.intakeCommits
    ? {
        async commit(change) {
          const commit = await call<string | null>("commit", change);
          await recorded;
          return commit;
        },
        async drain() {
          await call<void>("drain");
          await recorded;
        },
      }
    : undefined;
  return { runner, registry, journalPath, ...(committer ? { committer } : {}) };
}

function exitProcess(reason: string): never {
  process.stderr.write(
    `${JSON.stringify({ level: "fatal", msg: `the pipeline thread stopped (${reason}); exiting so a restart resumes every run from the journal` })}\n`,
  );
  process.exit(3);
}
