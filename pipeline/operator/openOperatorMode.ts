/**
 * openOperatorMode: what `intentops serve --operator` has instead of a pipeline — the intake committer
 * (on this thread: no runs compete with it here), the resource runner over the management cluster's
 * `IntentDeployment`s, the operator intake, and recovery of Git against the resources on start and every
 * `recoverEveryMs` after (so a change whose replica died is finished by any replica, restarted or not).
 */
import type { GitDeps, RepoOptions } from "../git/gitDeps.js";
import { createIntakeCommitter, type IntakeCommitter } from "../intake/commitIntake.js";
import type { Intake } from "../intake/createIntake.js";
import { createKubeClient } from "../reconcile/kubeClient.js";
import type { Phase, RunEvent, RunState } from "../run/runTypes.js";
import { applyCrd } from "./applyCrd.js";
import { createOperatorIntake } from "./createOperatorIntake.js";
import { intentDeploymentPath } from "./intentDeployment.js";
import { openResourceRunner, type ResourceRunner } from "./openResourceRunner.js";
import { recoverDeployments } from "./recoverDeployments.js";

export interface OperatorModeOptions {
  kubeconfig: string;
  context: string;
  namespace: string;
  /** Recovery's period after the first pass at start. Default 60 s; 0: only at start. */
  recoverEveryMs?: number;
}

export interface OperatorMode {
  runner: ResourceRunner;
  committer: IntakeCommitter;
  intake: Intake;
  /** The runs as journal events (one `created` per run, as it stands): what /api/statistics counts. */
  events(): Promise<RunEvent[]>;
  /** Throws unless the management cluster answers a list of the resources. */
  reachable(): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function openOperatorMode(
  options: OperatorModeOptions & {
    repo: RepoOptions & { remote: string };
    git: GitDeps;
    clock: () => Date;
    waitMs: number;
    onTransition?: (run: RunState, from: Phase, to: Phase) => void;
    log: (event: Record<string, unknown>) => void;
    crashAt?: string;
  },
): Promise<OperatorMode> {
  const kube = await createKubeClient({ kubeconfig: options.kubeconfig, context: options.context });
  await applyCrd(kube, { sleep });
  const runner = openResourceRunner({
    kube,
    kubeconfig: options.kubeconfig,
    context: options.context,
    namespace: options.namespace,
    clock: options.clock,
    ...(options.onTransition ? { onTransition: options.onTransition } : {}),
    log: (line) => options.log({ msg: line }),
  });
  await runner.synced;
  const committer = createIntakeCommitter({ repo: options.repo, git: options.git, log: options.log });
  let recovering: Promise<number> | undefined;
  const recover = () => {
    recovering ??= recoverDeployments({
      runner,
      repo: options.repo,
      git: options.git,
      log: options.log,
    }).finally(() => {
      recovering = undefined;
    });
    return recovering;
  };
  const intake = createOperatorIntake({
    runner,
    committer,
    clock: options.clock,
    waitMs: options.waitMs,
    recover,
    report: options.log,
    ...(options.crashAt ? { crashAt: options.crashAt } : {}),
  });
  const every = options.recoverEveryMs ?? 60_000;
  const timer = every
    ? setInterval(() => {
        recover().catch((error: unknown) => options.log({ msg: "recovery pass failed", err: String(error) }));
      }, every)
    : undefined;
  timer?.unref();
  return {
    runner,
    committer,
    intake,
    events: async () =>
      runner.runs().map((run) => ({ type: "created", at: run.createdAt, run }) satisfies RunEvent),
    async reachable() {
      const res = await kube.request({
        method: "GET",
        path: `${intentDeploymentPath(options.namespace)}?limit=1`,
      });
      if (res.status !== 200) throw new Error(`the management cluster answered ${res.status}`);
    },
    async close() {
      clearInterval(timer);
      await recovering?.catch(() => undefined);
      await committer.drain();
      await runner.close();
      kube.close();
    },
  };
}
