/**
 * The demo: the whole closed loop on this machine, on real components.
 *
 *   two Kubernetes control planes (edge1, edge2; Go-built, kwok nodes, kwok's kubelet metrics)
 *   + a kube-state-metrics stand-in per site + a real Prometheus discovering targets from the sites
 *   + the workload simulator (per-pod application metrics, behaviour per version)
 *   → run edge-analytics revision 1 (good)       → Succeeded
 *   → run revision 3 (version 1.5.0, regressed)  → SLO breach → git revert → RolledBack, sites back on 1.4.0
 *   the revisions go through `intentops serve` (a real Git smart-HTTP remote under the work directory),
 *   whose web console shows them live (its URL and the file holding its keys are printed at the start; `keep` leaves it up)
 *   (--openstack) + the OpenStack sandbox as site openstack1 → run web-app-stack → Succeeded (availability
 *   from the resources' live status) → delete it → Deleted, nothing of ours left
 *
 * Everything lands in a work directory: the delivery repository (with its evidence branch), the run
 * journal, the kubeconfig. Progress goes to `log`; the summary is returned as data.
 */
import * as fs from "node:fs";
import { mkdir, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as k8s from "@kubernetes/client-node";
import http from "isomorphic-git/http/node";
import { listEvidence } from "../evidence/listEvidence.js";
import { verifyEvidence } from "../evidence/verifyEvidence.js";
import { crashSafeFs } from "../git/crashSafeFs.js";
import type { GitDeps } from "../git/gitDeps.js";
import { stopOpenStack } from "../sandbox/openstack/stopOpenStack.js";
import { projectRoot, startSandbox } from "../sandbox/startSandbox.js";
import type { SloEvidence } from "../verify/verifySlo.js";
import { type OpenStackDemoRun, runOnOpenStack, startDemoOpenStack } from "./demoOpenStack.js";
import { startDemoConsole } from "./startDemoConsole.js";
import type { VersionProfile } from "./workloadSimulator.js";

/** Behaviour of the two versions the demo applies: 1.5.0 has a latency regression (and more errors). */
export const DEMO_PROFILES: Record<string, VersionProfile> = {
  "1.4.0": { p50Ms: 18, p95Ms: 42, errorRatio: 0.002, cpuPerRequest: 0.002, memoryBytes: 160 * 2 ** 20 },
  "1.5.0": { p50Ms: 120, p95Ms: 260, errorRatio: 0.03, cpuPerRequest: 0.004, memoryBytes: 210 * 2 ** 20 },
};

export interface DemoOptions {
  /** Work directory; default a new temporary directory (kept, so the evidence can be read afterwards). */
  work?: string;
  /** Leave clusters, Prometheus and the simulator running after the demo (stop with Ctrl-C). */
  keep?: boolean;
  /** SLO window for each verification, seconds. Default 24. */
  windowSeconds?: number;
  /** Port of the API and web console on 127.0.0.1; default any free port. */
  port?: number;
  /** Also start the OpenStack sandbox and run the web-app-stack intent on its site `openstack1`. */
  openstack?: boolean;
  log: (line: string) => void;
}

/** One SLO target as the demo's verification saw it. */
export interface SloSeen {
  targetId: string;
  promql: string;
  /** Each evaluation's value as Prometheus wrote it, or why there was none. */
  values: string[];
  status?: string;
}

export interface DemoSummary {
  work: string;
  repository: string;
  runs: Array<{
    revision: string;
    runId: string;
    phase: string;
    seconds: number;
    verdict?: string;
    deliveryCommit?: string | null;
    revertCommit?: string;
    /** Per site, what the first verification measured: each target's PromQL and the values it returned. */
    slo?: Record<string, SloSeen[]>;
  }>;
  sites: Record<string, { version: string | undefined }>;
  evidence: { records: number; chainOk: boolean };
  /** With `openstack`: the web-app-stack run and the servers the OpenStack site then holds. */
  openstack?: OpenStackDemoRun;
  ok: boolean;
}

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const { log } = options;
  const root = projectRoot();
  const work = resolve(options.work ?? (await mkdtemp(join(tmpdir(), "intentops-demo-"))));
  await mkdir(join(work, "intents"), { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  try {
    const sandbox = await startSandbox({
      work,
      profiles: DEMO_PROFILES,
      sitesFile: join(work, "intents", "sites.yaml"),
      log: (line) => log(/^(control plane|sites|prometheus):/.test(line) ? `${line} (${elapsed()})` : line),
    });
    stops.push(() => sandbox.stop());
    const openstack = options.openstack
      ? await startDemoOpenStack(join(work, "intents", "sites.yaml"), (line) => log(`${line} (${elapsed()})`))
      : undefined;
    if (openstack?.startedHere) stops.push(() => stopOpenStack().then(() => undefined));
    const clusters = sandbox.clusters;
    const repository = join(work, "delivery.git");
    const git: GitDeps = {
      fs: crashSafeFs(fs),
      http,
      clock: () => new Date(),
      author: { name: "intentops demo", email: "demo@intentops.io" },
    };
    const window = options.windowSeconds ?? 24;
    // The revisions go through `intentops serve` (intake → Git remote → pipeline), so the console shows them.
    const demoConsole = await startDemoConsole({
      work,
      sites: join(work, "intents", "sites.yaml"),
      repository,
      git,
      ...(options.port !== undefined ? { port: options.port } : {}),
      kubeconfig: clusters.kubeconfigPath,
      healthTimeoutMs: 60_000,
      slo: { windowSeconds: window, intervalSeconds: 2, rateWindowSeconds: 10, forSeconds: 6, minSamples: 4 },
      onTransition: (run, from, to) => log(`  ${run.intentId}: ${from} → ${to} (${elapsed()})`),
      onEvaluation: (d) => {
        const worst = d.targets
          .map((t) => `${t.name}=${t.value === null ? "n/a" : t.value.toFixed(1)}`)
          .join(" ");
        log(`    verify ${d.site}: ${d.overall.decision} ${worst}`);
      },
    });
    stops.push(() => demoConsole.stop());
    const serving = demoConsole.serving;
    log(`console: ${demoConsole.url} (sign in with a key from ${demoConsole.keysFile})`);
    const summary: DemoSummary = {
      work,
      repository,
      runs: [],
      sites: {},
      evidence: { records: 0, chainOk: false },
      ok: false,
    };
    const revisions: Array<[string, string, string]> = [
      ["1", join(root, "intents", "edge-analytics.json"), "Succeeded"],
      ["3", join(root, "intents", "revisions", "edge-analytics.v3-regression.json"), "RolledBack"],
    ];
    try {
      for (const [revision, source] of revisions) {
        const body = JSON.parse(await readFile(source, "utf8")) as Record<string, unknown>;
        log(`run: edge-analytics revision ${revision} (${elapsed()})`);
        const t0 = Date.now();
        const accepted = await serving.intake.accept({
          kind: revision === "1" ? "create" : "revise",
          intentId: "edge-analytics",
          body,
          author: { name: "intentops demo", email: "demo@intentops.io", keyId: "demo" },
          requestId: `demo-revision-${revision}`,
        });
        const final = await serving.intake.wait((await accepted.run).runId);
        summary.runs.push({
          revision,
          runId: final.runId,
          phase: final.phase,
          seconds: (Date.now() - t0) / 1000,
          ...(final.data.verdict
            ? {
                verdict: `${final.data.verdict.decision}${final.data.verdict.action !== "none" ? ` → ${final.data.verdict.action}` : ""}`,
              }
            : {}),
          deliveryCommit: final.data.deliveryCommit ?? null,
          ...(final.data.revertCommit ? { revertCommit: final.data.revertCommit } : {}),
        });
        const seen = await sloSeen(repository, git, final.runId);
        if (seen) summary.runs.at(-1)!.slo = seen;
        if (final.error) log(`  ${final.phase}: [${final.error.code}] ${final.error.message}`);
      }
      if (openstack)
        summary.openstack = await runOnOpenStack(serving.runner, root, work, openstack.site, log, elapsed);
    } finally {
      await serving.idle();
    }
    for (const cluster of clusters.clusters) {
      summary.sites[cluster.name] = {
        version: await deployedVersion(cluster.kubeconfigPath, cluster.context),
      };
    }
    const records = await listEvidence({ dir: repository, intentId: "edge-analytics" }, git);
    const chain = await verifyEvidence({ dir: repository, intentId: "edge-analytics" }, git);
    summary.evidence = { records: records.length, chainOk: chain.ok };
    summary.ok =
      summary.runs.map((r) => r.phase).join(",") === revisions.map(([, , expected]) => expected).join(",") &&
      Object.values(summary.sites).every((s) => s.version === "1.4.0") &&
      chain.ok &&
      (!options.openstack ||
        (summary.openstack?.phase === "Succeeded" &&
          summary.openstack.servers.length === 5 &&
          summary.openstack.servers.every((s) => s.status === "ACTIVE") &&
          summary.openstack.deleted.phase === "Deleted" &&
          summary.openstack.deleted.left === 0));
    if (options.keep) {
      log(
        `--keep: the console stays up at ${demoConsole.url} (keys in ${demoConsole.keysFile}), with the ` +
          "clusters, Prometheus and the simulator; Ctrl-C (or SIGTERM) stops them all",
      );
      await new Promise<void>((r) => {
        process.once("SIGINT", () => r());
        process.once("SIGTERM", () => r());
      });
    }
    return summary;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

/** The run's (first) verify record: per site, each target's PromQL, values and outcome. */
async function sloSeen(
  repository: string,
  git: GitDeps,
  runId: string,
): Promise<Record<string, SloSeen[]> | undefined> {
  const records = await listEvidence({ dir: repository, intentId: "edge-analytics" }, git);
  const verify = records.find((r) => r.action === "verify" && r.trigger.detail === `run ${runId}`);
  const slo = verify?.details?.["slo"] as Record<string, SloEvidence> | undefined;
  if (!slo) return undefined;
  return Object.fromEntries(
    Object.entries(slo).map(([site, evidence]) => [
      site,
      evidence.targets.map((t) => {
        const status = evidence.decision.reasons
          .find((r) => r.startsWith(`${t.targetId}:`))
          ?.split(":")[1]
          ?.trim();
        return {
          targetId: t.targetId,
          promql: t.promql,
          values: t.samples.map((x) => x.raw ?? `(${x.note ?? "no value"})`),
          ...(status ? { status } : {}),
        };
      }),
    ]),
  );
}

/** `app.kubernetes.io/version` of the analytics Deployment on a site, as the API server has it. */
async function deployedVersion(kubeconfig: string, context: string): Promise<string | undefined> {
  const config = new k8s.KubeConfig();
  config.loadFromFile(kubeconfig);
  config.setCurrentContext(context);
  const apps = config.makeApiClient(k8s.AppsV1Api);
  const deployment = await apps
    .readNamespacedDeployment({ name: "analytics", namespace: "edge-analytics" })
    .catch(() => undefined);
  return deployment?.metadata?.labels?.["app.kubernetes.io/version"];
}
