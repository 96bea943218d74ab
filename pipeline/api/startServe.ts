/**
 * startServe: `intentops serve` as a function — the runner (journal and resume as `intentops run`), the
 * intake (intake log → run → Git), the hub, metrics and the HTTP API in one process. On start every
 * unfinished run is resumed and every accepted change the log shows uncommitted or without a run is
 * committed or submitted, so a `kill -9` loses nothing that was answered. With `operator`, no pipeline runs
 * here: the intake commits to Git and writes IntentDeployments, and runs are read from their status.
 */
import { access, constants, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { type Logger, pino } from "pino";
import { parseSiteRegistry } from "../../compiler/parseSiteRegistry.js";
import type { SloPolicyOverrides } from "../../functions/slo/deriveSloPolicy.js";
import { type BusIntake, startBusIntake } from "../bus/startBusIntake.js";
import { authHeaders, type GitDeps, type RepoOptions } from "../git/gitDeps.js";
import { createIntakeCommitter, type IntakeCommitter } from "../intake/commitIntake.js";
import { createIntake, type Intake } from "../intake/createIntake.js";
import { openIntakeLog } from "../intake/intakeLog.js";
import type { LlmConfig } from "../nl/draftWithLlm.js";
import { type OperatorModeOptions, openOperatorMode } from "../operator/openOperatorMode.js";
import { openRequestLog } from "../requests/openRequestLog.js";
import { recordBusOutcome } from "../requests/recordBusOutcome.js";
import { recordRequests, recordRunPhase } from "../requests/recordRequests.js";
import type { Runner } from "../run/createRunner.js";
import { readJournal } from "../run/journal.js";
import { openPipeline, type Pipeline, type PipelineOptions } from "../run/openPipeline.js";
import { openPipelineThread } from "../run/openPipelineThread.js";
import { type PhaseTimeouts, type RunEvent, TERMINAL } from "../run/runTypes.js";
import { crashPoint } from "../run/testCrashHook.js";
import { type ApiKeyRing, loadApiKeys } from "./apiKeys.js";
import { type ApiLimits, buildApp, DEFAULT_LIMITS } from "./buildApp.js";
import { createHubNotifier } from "./hubNotifier.js";
import { toTmfIntent } from "./intentResource.js";
import { LIFECYCLE_STATUS, lifecycleStatusOf } from "./lifecycleStatus.js";
import { openReviewMode, type ReviewModeOptions } from "./openReviewMode.js";
import { openReportTombstones } from "./reportTombstones.js";
import type { ReviewMode } from "./routes/reviewRoutes.js";
import { consoleDepsOf } from "./serveConsole.js";
import { createServiceMetrics } from "./serviceMetrics.js";

export interface ServeOptions {
  cwd: string;
  /** Site registry, relative to `cwd`. Default `intents/sites.yaml`. */
  sites?: string;
  /** State directory, relative to `cwd`. Default `.intentops`. */
  stateDir?: string;
  /** The delivery repository; serve needs a remote (its compare-and-swap push is what serialises writers). */
  repo: RepoOptions & { remote: string };
  git: GitDeps;
  /** API keys file (hashes) — or a ring built by the caller. */
  keys: string | ApiKeyRing;
  env: Readonly<Record<string, string | undefined>>;
  host?: string;
  port?: number;
  limits?: Partial<ApiLimits>;
  logger?: Logger;
  kubeconfig?: string;
  slo?: SloPolicyOverrides;
  timeouts?: Partial<PhaseTimeouts>;
  healthTimeoutMs?: number;
  secrets?: readonly string[];
  alertWebhookUrl?: string;
  newIntentId?: (name: string) => string;
  /** Review mode: creates proposed as GitHub pull requests, delivered when merged (openReviewMode.ts). */
  review?: ReviewModeOptions;
  /** Intents from a NATS JetStream topic beside HTTP (pipeline/bus/startBusIntake.ts). */
  bus?: { url: string; user?: string; password?: string; prefix?: string; ackWaitMs?: number };
  /** Runs compiling, rendering, delivering or reconciling at once, at most (the rest wait). Default 4. */
  maxActiveRuns?: number;
  /**
   * Run the pipeline in a worker thread (openPipelineThread.ts) so a backlog of runs never delays the API's
   * answers. The CLI sets it; in-process callers (tests run from the TypeScript sources, which a worker
   * thread cannot load) keep the pipeline on the main thread. Git's effects in the thread are `node:fs`,
   * isomorphic-git's node HTTP client and the wall clock, with `git`'s author and credentials.
   */
  pipelineThread?: boolean;
  /** The OpenAI-compatible backend of `POST /api/intent/draft` (the embedded parser is always there). */
  llm?: LlmConfig;
  /** Told of every run transition and SLO evaluation too (the demo prints them; evaluations only without pipelineThread). */
  onTransition?: PipelineOptions["onTransition"];
  onEvaluation?: PipelineOptions["onEvaluation"];
  /**
   * Operator mode: no pipeline here. Accepted changes are committed to Git and made `IntentDeployment`s of
   * the management cluster, which `intentops controller` runs; runs are read from their status
   * (pipeline/operator/openOperatorMode.ts). Nothing is kept in the state directory but the hub's
   * listeners, the request records and the report tombstones.
   */
  operator?: OperatorModeOptions;
}

export interface Serving {
  url: string;
  app: Awaited<ReturnType<typeof buildApp>>;
  intake: Intake;
  /** The pipeline's runner (a run submitted here, not through the intake, is not listed as an intent). */
  runner: Runner;
  /** What the start recovered: runs resumed, changes committed again and runs submitted. */
  recovered: { resumed: number; committed: number; submitted: number };
  /** The review gate, in review mode. */
  review?: ReviewMode["gate"];
  /** Resolves when no run is in flight and every commit and hub delivery is done. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startServe(options: ServeOptions): Promise<Serving> {
  const stateDir = options.stateDir ?? ".intentops";
  const state = resolve(options.cwd, stateDir);
  const sitesFile = resolve(options.cwd, options.sites ?? join("intents", "sites.yaml"));
  // Log lines go to stdout in the background (pino's asynchronous destination), gathered up to 4 KiB and
  // flushed at least every 500 ms, instead of one write(2) on the event loop per line — four lines per
  // intent, at 100 intents/s 400 writes a second on the thread that answers requests (the largest item of
  // its profile under load). Flushed on exit; a kill -9 can lose the last lines, never an accepted intent
  // (the intake log is what makes those durable).
  const logger =
    options.logger ??
    pino(
      {
        base: { service: "intentops" },
        redact: ["req.headers.authorization", 'req.headers["x-api-key"]'],
      },
      pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 500 }),
    );
  const keys = typeof options.keys === "string" ? await loadApiKeys(options.keys, options.env) : options.keys;
  const metrics = createServiceMetrics({ terminal: (phase) => TERMINAL.has(phase) });
  const hub = await createHubNotifier({
    file: join(state, "hub.json"),
    clock: () => new Date(),
    log: (event) => logger.warn(event),
  });
  const reports = await openReportTombstones(join(state, "deleted-reports.json"));
  let intake: Intake | undefined;
  const requests = await openRequestLog(join(state, "requests.jsonl"));

  const pipelineOptions = {
    cwd: options.cwd,
    sites: sitesFile,
    stateDir,
    repo: options.repo,
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.slo ? { slo: options.slo } : {}),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    ...(options.healthTimeoutMs !== undefined ? { healthTimeoutMs: options.healthTimeoutMs } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.alertWebhookUrl ? { alertWebhookUrl: options.alertWebhookUrl } : {}),
  };
  const hooks: Pick<PipelineOptions, "log" | "onTransition"> = {
    log: (line) => logger.info({ msg: line }),
    onTransition: (run, from, to) => {
      options.onTransition?.(run, from, to);
      intake?.runPhase(run);
      metrics.transition(run, from, to, Date.now());
      recordRunPhase(requests, run, to, () => new Date());
      const subjects = (run.data.sites ?? []).map((site) => `${site}/${run.intentId}`);
      logger.info(
        {
          intentId: run.intentId,
          runId: run.runId,
          from,
          to,
          subject: subjects.length ? subjects : run.intentId,
        },
        "run transition",
      );
      const record = intake?.get(run.intentId);
      const latest = intake?.runsOf(run.intentId).at(-1);
      if (record && latest?.runId === run.runId && LIFECYCLE_STATUS[from] !== lifecycleStatusOf(run)) {
        hub.publish("IntentStatusChangeEvent", () => ({
          intent: toTmfIntent(record, intake!.runsOf(run.intentId)),
        }));
      }
    },
  };
  const logPath = join(state, "intake.jsonl");
  const log = await openIntakeLog(logPath, {
    onWrite: (seconds, entries) => metrics.intakeWrite(seconds, entries),
  });
  const onCommitted = (requestIds: string[], commit: string | null) =>
    log.append({ type: "committed", at: new Date().toISOString(), requestIds, commit });
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const operator = options.operator
    ? await openOperatorMode({
        ...options.operator,
        repo: options.repo,
        git: options.git,
        clock: () => new Date(),
        waitMs: limits.commitWaitMs,
        ...(hooks.onTransition ? { onTransition: hooks.onTransition } : {}),
        log: (event) => logger.warn(event),
        ...(crashPoint() ? { crashAt: crashPoint()! } : {}),
      })
    : undefined;
  const pipeline: (Pipeline & { committer?: IntakeCommitter }) | undefined = operator
    ? undefined
    : options.pipelineThread
      ? await openPipelineThread(
          {
            ...pipelineOptions,
            git: {
              author: options.git.author,
              ...(options.git.committer ? { committer: options.git.committer } : {}),
              ...(options.git.credentials ? { credentials: options.git.credentials } : {}),
            },
            intakeCommits: { repo: options.repo },
          },
          { ...hooks, onCommitted, commitLog: (event) => logger.warn(event) },
        )
      : await openPipeline({
          ...pipelineOptions,
          git: options.git,
          ...hooks,
          ...(options.onEvaluation ? { onEvaluation: options.onEvaluation } : {}),
        });
  const runner: Runner = operator?.runner ?? pipeline!.runner;
  const journalPath = pipeline?.journalPath ?? join(state, "journal.jsonl");
  const committer =
    operator?.committer ??
    pipeline?.committer ??
    createIntakeCommitter({
      repo: options.repo,
      git: options.git,
      onCommitted,
      log: (event) => logger.warn(event),
    });
  const bare =
    operator?.intake ??
    (await createIntake({
      cwd: options.cwd,
      stateDir,
      logPath,
      log,
      runner,
      committer,
      clock: () => new Date(),
      report: (event) => logger.error(event),
      ...(options.maxActiveRuns ? { maxActiveRuns: options.maxActiveRuns } : {}),
    }));
  intake = recordRequests(bare, requests, () => new Date());
  const resumed = await runner.resume();
  const recovered = await intake.recover();
  logger.info({ resumed: resumed.length, ...recovered }, "intake recovered");
  const review = options.review
    ? await openReviewMode({
        ...options.review,
        env: options.env,
        delivery: options.repo,
        git: options.git,
        intake,
        hub,
        stateFile: join(state, "reviews.json"),
        clock: () => new Date(),
        log: (event) => logger.warn(event),
      })
    : undefined;

  const app = await buildApp({
    intake,
    hub,
    metrics,
    keys,
    reports,
    logger,
    journalEvents: operator ? () => operator.events() : (): Promise<RunEvent[]> => readJournal(journalPath),
    requests,
    ready: () => readiness(options, journalPath, sitesFile, operator),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.newIntentId ? { newIntentId: options.newIntentId } : {}),
    ...(review ? { review } : {}),
    console: consoleDepsOf(options, sitesFile),
  });
  const url = await app.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 8080 });
  const bus: BusIntake | undefined = options.bus
    ? await startBusIntake({
        ...options.bus,
        intake,
        keys,
        limits: { bodyBytes: limits.bodyBytes, depth: limits.depth },
        logger,
        // Plain-shape messages are converted against the registry, as POST /api/intent converts them.
        registry: consoleDepsOf(options, sitesFile).registry,
        onOutcome: (outcome) => recordBusOutcome(requests, outcome),
      })
    : undefined;
  return {
    url,
    app,
    intake,
    runner,
    recovered: { resumed: resumed.length, ...recovered },
    ...(review ? { review: review.gate } : {}),
    async idle() {
      await intake!.submitted();
      await runner.idle();
      await committer.drain();
      await hub.drain();
    },
    async close() {
      await bus?.close();
      await app.close();
      await review?.gate.close();
      await committer.drain();
      await intake!.submitted();
      await runner.idle();
      await hub.drain();
      await log.close();
      // Operator mode: the informer, the committer's queue and the cluster connection.
      await (operator ? operator.close() : runner.close());
      await requests.close();
    },
  };
}

/** Ready = the Git remote answers, the journal's directory is writable, the site registry parses. */
async function readiness(
  options: ServeOptions,
  journalPath: string,
  sitesFile: string,
  operator?: { reachable(): Promise<void> },
): Promise<Record<string, { ok: boolean; detail?: string }>> {
  const check = async (work: () => Promise<void>) => {
    try {
      await work();
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  };
  return {
    git: await check(async () => {
      const res = await fetch(`${options.repo.remote.replace(/\/$/, "")}/info/refs?service=git-upload-pack`, {
        headers: authHeaders(options.git.credentials),
        signal: AbortSignal.timeout(5000),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`the Git remote answered ${res.status}`);
    }),
    // Operator mode keeps no journal: the management cluster holds the runs.
    ...(operator
      ? { management: await check(() => operator.reachable()) }
      : { journal: await check(() => access(dirname(journalPath), constants.W_OK)) }),
    sites: await check(async () => {
      parseSiteRegistry(await readFile(sitesFile, "utf8"), sitesFile);
    }),
  };
}
