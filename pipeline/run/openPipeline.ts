/**
 * openPipeline: the runner wired to real components — compile/render in process, Git delivery and revert,
 * server-side apply to Kubernetes sites, SLO verification in Prometheus — for the `run`, `retry` and
 * `status` verbs and the demo.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseSiteRegistry } from "../../compiler/parseSiteRegistry.js";
import type { SiteRegistry } from "../../compiler/types.js";
import type { SloPolicyOverrides } from "../../functions/slo/deriveSloPolicy.js";
import type { SloDecision } from "../../functions/slo/types.js";
import { stdlibRegistry } from "../../functions/stdlib/stdlibRegistry.js";
import type { GitDeps, RepoOptions } from "../git/gitDeps.js";
import { readVocabularyMappings } from "../intents/readVocabularyMappings.js";
import { createRunner, type LocalRunner, type Runner } from "./createRunner.js";
import { createSteps } from "./createSteps.js";
import { reconcileFromCommit } from "./reconcileFromCommit.js";
import type { RunStore } from "./runStore.js";
import type { Phase, PhaseTimeouts, RunState } from "./runTypes.js";
import { crashPoint, withCrashHook } from "./testCrashHook.js";
import { verifyWithPrometheus } from "./verifyWithPrometheus.js";

export interface PipelineOptions {
  /** Work directory: intents are read relative to it. */
  cwd: string;
  /** Site registry file. Default `intents/sites.yaml`. */
  sites?: string;
  /** State directory (journal). Default `.intentops`. */
  stateDir?: string;
  /** A run store other than the journal (operator mode: IntentDeployment status). */
  store?: RunStore;
  repo: RepoOptions;
  git: GitDeps;
  kubeconfig?: string;
  slo?: SloPolicyOverrides;
  timeouts?: Partial<PhaseTimeouts>;
  healthTimeoutMs?: number;
  secrets?: readonly string[];
  /** Webhook for alert events (breaches whose action is alert); from configuration, never from an intent. */
  alertWebhookUrl?: string;
  onTransition?: (run: RunState, from: Phase, to: Phase) => void;
  onEvaluation?: (decision: SloDecision) => void;
  log?: (line: string) => void;
}

export interface Pipeline {
  runner: Runner;
  registry: SiteRegistry;
  journalPath: string;
}

/** @example const { runner } = await openPipeline({ cwd, repo: { dir: "delivery.git" }, git }); */
export async function openPipeline(options: PipelineOptions): Promise<Pipeline & { runner: LocalRunner }> {
  const sitesFile = resolve(options.cwd, options.sites ?? join("intents", "sites.yaml"));
  const registry = parseSiteRegistry(await readFile(sitesFile, "utf8"), sitesFile);
  const { mappings } = readVocabularyMappings(sitesFile, options.cwd);
  const journalPath = resolve(options.cwd, options.stateDir ?? ".intentops", "journal.jsonl");
  const steps = createSteps({
    cwd: options.cwd,
    registry,
    mapper: mappings.mapper,
    functions: stdlibRegistry,
    repo: options.repo,
    git: options.git,
    ...(options.secrets ? { secrets: options.secrets } : {}),
    alerts: {
      log: options.log ?? ((line: string) => process.stderr.write(`${line}\n`)),
      ...(options.alertWebhookUrl ? { webhookUrl: options.alertWebhookUrl } : {}),
      metricsFile: resolve(options.cwd, options.stateDir ?? ".intentops", "metrics", "intentops.prom"),
    },
    reconcile: reconcileFromCommit({
      registry,
      repo: options.repo,
      git: options.git,
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.healthTimeoutMs !== undefined ? { healthTimeoutMs: options.healthTimeoutMs } : {}),
      ...(options.log ? { log: options.log } : {}),
      openstackStateDir: resolve(options.cwd, options.stateDir ?? ".intentops", "openstack"),
    }),
    verify: verifyWithPrometheus({
      registry,
      reportsDir: resolve(options.cwd, options.stateDir ?? ".intentops", "reports"),
      functions: stdlibRegistry,
      ...(options.slo ? { overrides: options.slo } : {}),
      ...(options.onEvaluation ? { onEvaluation: options.onEvaluation } : {}),
    }),
  });
  // Off unless INTENTOPS_TEST_CRASH_AT is set (crash tests only): see testCrashHook.ts.
  const point = crashPoint();
  const hooked = point ? withCrashHook(point, steps, options.onTransition) : undefined;
  const runner = await createRunner({
    ...(options.store ? { store: options.store } : { journalPath }),
    cwd: options.cwd,
    steps: hooked?.steps ?? steps,
    clock: () => new Date(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    ...(hooked
      ? { onTransition: hooked.onTransition }
      : options.onTransition
        ? { onTransition: options.onTransition }
        : {}),
  });
  return { runner, registry, journalPath };
}
