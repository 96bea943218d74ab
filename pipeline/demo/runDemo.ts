/**
 * The demo: the whole closed loop on this machine, on real components.
 *
 *   two Kubernetes control planes (edge1, edge2; Go-built, kwok nodes) + a real Prometheus
 *   + the workload simulator (its shape read from the clusters, its behaviour per version)
 *   → run edge-analytics revision 1 (good)       → Succeeded
 *   → run revision 3 (version 1.5.0, regressed)  → SLO breach → git revert → RolledBack, sites back on 1.4.0
 *
 * Everything lands in a work directory: the delivery repository (with its evidence branch), the run
 * journal, the kubeconfig. Progress goes to `log`; the summary is returned as data.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import * as k8s from "@kubernetes/client-node";
import { stringify } from "yaml";
import { digestBytes } from "../../compiler/digest.js";
import { IntentopsError } from "../../compiler/errors.js";
import type { SiteRegistry } from "../../compiler/types.js";
import { listEvidence } from "../evidence/listEvidence.js";
import { verifyEvidence } from "../evidence/verifyEvidence.js";
import type { GitDeps } from "../git/gitDeps.js";
import { reconcileSite } from "../reconcile/reconcileSite.js";
import { openPipeline } from "../run/openPipeline.js";
import { ensureControlPlaneBinary, startClusters } from "../sandbox/controlPlane.js";
import { startPrometheus } from "../sandbox/startPrometheus.js";
import { MONITORING_CRDS } from "./monitoringCrds.js";
import type { VersionProfile } from "./workloadSimulator.js";

const here = dirname(fileURLToPath(import.meta.url));

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
  log: (line: string) => void;
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
  }>;
  sites: Record<string, { version: string | undefined }>;
  evidence: { records: number; chainOk: boolean };
  ok: boolean;
}

/** Finds the repository root (where `intents/` and `package.json` are), from source or from `dist/`. */
function projectRoot(): string {
  let dir = here;
  while (!fs.existsSync(join(dir, "package.json")) || !fs.existsSync(join(dir, "intents"))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new IntentopsError("E_DEMO", "cannot find the project root (intents/ and package.json)");
    dir = parent;
  }
  return dir;
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
    log("control plane: building or reusing the Go-built binaries (the first build takes many minutes)");
    const binaries = await ensureControlPlaneBinary({
      onProgress: (line: string) => log(`  build: ${line}`),
    });
    log(`control plane: starting edge1 and edge2 (${elapsed()})`);
    const clusters = await startClusters(2, { names: ["edge1", "edge2"], binaries });
    stops.push(() => clusters.stop());
    log(`control plane: both sites ready (${elapsed()})`);
    for (const cluster of clusters.clusters) {
      const bootstrap = await reconcileSite(
        {
          site: {
            id: cluster.name,
            kind: "kubernetes",
            kubernetes: { context: cluster.context, kubeconfig: cluster.kubeconfigPath },
          },
          packages: [{ intentId: "site-monitoring-crds", objects: structuredClone([...MONITORING_CRDS]) }],
          healthTimeoutMs: 60_000,
        },
        {},
      );
      if (!bootstrap.ok)
        throw new IntentopsError("E_DEMO", `${cluster.name}: the monitoring CRDs could not be installed`);
    }
    log(`sites: Prometheus Operator CRDs (ServiceMonitor, PrometheusRule) installed (${elapsed()})`);

    await writeFile(join(work, "profiles.json"), `${JSON.stringify(DEMO_PROFILES, null, 2)}\n`);
    const simulator = await startSimulatorProcess(root, clusters.kubeconfigPath, join(work, "profiles.json"));
    stops.push(simulator.stop);
    log(`workload simulator: ${simulator.url}`);
    const prometheus = await startPrometheus({
      targets: [new URL(simulator.url).host],
      scrapeInterval: "1s",
    });
    stops.push(() => prometheus.stop());
    log(`prometheus: ${prometheus.url} (${elapsed()})`);

    const registry: SiteRegistry = {
      apiVersion: "intentops.io/v1alpha1",
      kind: "SiteRegistry",
      sites: ["edge1", "edge2"].map((id) => ({
        id,
        kind: "kubernetes" as const,
        kubernetes: { context: id, kubeconfig: clusters.kubeconfigPath },
        prometheus: { url: prometheus.url },
      })),
    };
    await writeFile(join(work, "intents", "sites.yaml"), stringify(registry));
    const repository = join(work, "delivery.git");
    const git: GitDeps = {
      fs,
      clock: () => new Date(),
      author: { name: "intentops demo", email: "demo@intentops.io" },
    };
    const window = options.windowSeconds ?? 24;
    const pipeline = await openPipeline({
      cwd: work,
      repo: { dir: repository },
      git,
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
        // The work directory holds one file per intent, as a repository's intents/ does: a new revision replaces it.
        const file = join("intents", "edge-analytics.json");
        await copyFile(source, join(work, file));
        const text = await readFile(join(work, file), "utf8");
        log(`run: edge-analytics revision ${revision} (${elapsed()})`);
        const t0 = Date.now();
        const run = await pipeline.runner.submit({
          intentId: "edge-analytics",
          source: { file, digest: digestBytes(text) },
        });
        const final = await pipeline.runner.wait(run.runId);
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
        if (final.error) log(`  ${final.phase}: [${final.error.code}] ${final.error.message}`);
      }
    } finally {
      await pipeline.runner.close();
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
      chain.ok;
    if (options.keep) {
      log("--keep: clusters, Prometheus and the simulator keep running; press Ctrl-C to stop them");
      await new Promise<void>((r) => process.once("SIGINT", () => r()));
    }
    return summary;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
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

/** Starts `intentops simulate` as its own process and waits for the URL it prints. */
async function startSimulatorProcess(
  root: string,
  kubeconfig: string,
  profiles: string,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const main = join(root, "dist", "pipeline", "cli", "main.js");
  const child: ChildProcess = spawn(
    process.execPath,
    [main, "simulate", "--kubeconfig", kubeconfig, "--sites", "edge1,edge2", "--profiles", profiles],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => resolveUrl(line.trim()));
    child.once("exit", (code) =>
      reject(new IntentopsError("E_DEMO", `the workload simulator exited with ${code}`)),
    );
  });
  return {
    url,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}
