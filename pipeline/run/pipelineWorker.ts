/**
 * The worker-thread side of openPipelineThread.ts: opens the pipeline with the effects rebuilt here (file
 * system, Git's HTTP client, the clock), posts every transition and log line to the main thread, and
 * answers the runner calls it is sent.
 */
import { parentPort, workerData } from "node:worker_threads";
import http from "isomorphic-git/http/node";
import { IntentopsError } from "../../compiler/errors.js";
import { syncBackedFs } from "../git/syncBackedFs.js";
import { createIntakeCommitter } from "../intake/commitIntake.js";
import type { IntakeChange } from "../intake/intakeLog.js";
import type { Runner } from "./createRunner.js";
import { openPipeline } from "./openPipeline.js";
import type { FromWorker, PipelineThreadConfig, ToWorker } from "./openPipelineThread.js";
import { yieldThreadPriority } from "./yieldThreadPriority.js";

/** How much lower than the answering thread's the pipeline thread's priority is (nice steps). */
const PIPELINE_THREAD_NICE = 10;
const port = parentPort!;
/**
 * Messages of one event-loop turn go to the main thread as one batch (in order): one postMessage, one
 * wake-up of the thread that answers requests, instead of one per transition, log line and reply — at 100
 * runs/s that was ~400 a second, each interrupting the API's event loop.
 */
let batch: FromWorker[] = [];
const flush = () => {
  const out = batch;
  batch = [];
  port.postMessage(out);
};
const post = (message: FromWorker) => {
  if (batch.push(message) === 1) setImmediate(flush);
};
const config = workerData as PipelineThreadConfig;
// The API's answers first: this thread's backlog runs at a lower priority than the thread that answers.
yieldThreadPriority(PIPELINE_THREAD_NICE);

// Repository I/O with synchronous calls on this thread (its event loop answers nobody): no trip through
// the thread pool the API thread's intake-log writes wait in.
const git = { fs: syncBackedFs(), http, clock: () => new Date(), ...config.git };
const { runner, registry, journalPath } = await openPipeline({
  ...config,
  git,
  log: (line) => post({ type: "log", line }),
  onTransition: (run, from, to) => post({ type: "transition", run, from, to }),
});

const committer = config.intakeCommits
  ? createIntakeCommitter({
      repo: config.intakeCommits.repo,
      git,
      onCommitted: async (requestIds, commit) => post({ type: "committed", requestIds, commit }),
      log: (event) => post({ type: "commitLog", event }),
    })
  : undefined;
const noCommitter = () => Promise.reject(new Error("the intake committer is not in this thread"));

const methods: Record<ToWorker["method"], (...args: never[]) => Promise<unknown>> = {
  resume: () => runner.resume(),
  submit: (input: Parameters<Runner["submit"]>[0]) => runner.submit(input),
  retry: (runId: string) => runner.retry(runId),
  wait: (runId: string) => runner.wait(runId),
  idle: () => runner.idle(),
  close: () => runner.close(),
  commit: (change: IntakeChange) => committer?.commit(change) ?? noCommitter(),
  drain: () => committer?.drain() ?? noCommitter(),
};

port.on("message", ({ id, method, args }: ToWorker) => {
  methods[method](...(args as never[])).then(
    (value) => post({ type: "reply", id, value }),
    (error: unknown) =>
      post({
        type: "reply",
        id,
        error:
          error instanceof IntentopsError
            ? {
                message: error.message,
                code: error.code,
                ...(error.subject ? { subject: error.subject } : {}),
              }
            : { message: error instanceof Error ? error.message : String(error) },
      }),
  );
});

post({ type: "ready", registry, journalPath, runs: runner.runs() });
