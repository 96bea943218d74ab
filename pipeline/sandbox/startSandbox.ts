/**
 * startSandbox: the closed loop's real components on this machine, started together and stopped together —
 * what the demo, the end-to-end tests, the crash tests and the closed-loop benchmark all run on.
 *
 *   Kubernetes control planes (Go-built, kwok nodes; one per site; a pod CIDR /16 of its own per site,
 *     claimed for as long as the sandbox runs: `claimPodRanges.ts`) with the
 *     Prometheus Operator CRDs, and kwok's emulation of the kubelet's resource metrics
 *   + per site, the kube-state-metrics stand-in watching the site's API server
 *   + the workload simulator (`intentops simulate`, its own process): per-pod `/metrics` of the
 *     application, on the pods' addresses mapped into loopback (`podAddress.ts`)
 *   + a real Prometheus discovering all of it from the sites' API servers (Kubernetes SD's meta labels over
 *     HTTP SD, `kubernetesDiscovery.ts`; `buildScrapeConfigs.ts`), its config following the sites'
 *     ServiceMonitors (`syncServiceMonitors.ts`), scraping every 2 s
 *
 * The simulator runs from `dist/` (the CLI as shipped), so `tsc -p tsconfig.json` must have run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { IntentopsError } from "../../compiler/errors.js";
import type { SiteRegistry } from "../../compiler/types.js";
import { MONITORING_CRDS } from "../demo/monitoringCrds.js";
import type { VersionProfile } from "../demo/workloadSimulator.js";
import { reconcileSite } from "../reconcile/reconcileSite.js";
import { claimPodRanges } from "./claimPodRanges.js";
import { type Clusters, ensureControlPlaneBinary, startClusters } from "./controlPlane.js";
import { startKubernetesDiscovery } from "./kubernetesDiscovery.js";
import {
  type RunningKubeStateMetrics,
  startKubeStateMetrics,
} from "./kubeStateMetrics/startKubeStateMetrics.js";
import { kwokMetricsConfig } from "./kwokMetricsConfig.js";
import { type PrometheusServer, startPrometheus } from "./startPrometheus.js";
import {
  currentScrapeConfigs,
  type ServiceMonitorSync,
  startServiceMonitorSync,
} from "./syncServiceMonitors.js";

export interface SandboxOptions {
  /** Directory for the sandbox's own files (`profiles.json`, `sites.yaml`); must exist. */
  work: string;
  /** Site ids, one cluster each. Default `["edge1", "edge2"]`. */
  sites?: string[];
  /** `app.kubernetes.io/version` → simulated behaviour. */
  profiles: Record<string, VersionProfile>;
  /** Where the site registry is written. Default `<work>/sites.yaml`. */
  sitesFile?: string;
  /** Progress lines (control plane build, starts). Default: none. */
  log?: (line: string) => void;
}

export interface Sandbox {
  clusters: Clusters;
  prometheus: PrometheusServer;
  /** The simulator's control endpoint (`GET <url>pods`: the pods it serves and where). */
  simulator: { url: string; pid: number };
  /** The kube-state-metrics stand-in of each site. */
  kubeStateMetrics: Record<string, RunningKubeStateMetrics>;
  /** Re-reads the sites' ServiceMonitors and reloads Prometheus now (otherwise every second). */
  syncServiceMonitors(): Promise<void>;
  /** One `kubernetes` site per cluster, each with the sandbox's Prometheus; also written to `sitesFile`. */
  registry: SiteRegistry;
  /** Where the registry was written (`options.sitesFile`). */
  sitesFile: string;
  /** Merged kubeconfig, one context per site. */
  kubeconfigPath: string;
  /** Stops Prometheus, the simulator and the clusters (idempotent). */
  stop(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Finds the repository root (where `intents/` and `package.json` are), from source or from `dist/`. */
export function projectRoot(): string {
  let dir = here;
  while (!fs.existsSync(join(dir, "package.json")) || !fs.existsSync(join(dir, "intents"))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new IntentopsError("E_DEMO", "cannot find the project root (intents/ and package.json)");
    dir = parent;
  }
  return dir;
}

/**
 * Starts every component; on any failure stops what already started and rejects.
 * @example const sandbox = await startSandbox({ work, profiles: DEMO_PROFILES }); … await sandbox.stop();
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const log = options.log ?? (() => undefined);
  const siteIds = options.sites ?? ["edge1", "edge2"];
  const root = projectRoot();
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };
  try {
    log("control plane: building or reusing the Go-built binaries (the first build takes many minutes)");
    const binaries = await ensureControlPlaneBinary({ onProgress: (line) => log(`  build: ${line}`) });
    const ranges = await claimPodRanges(siteIds.length);
    stops.push(ranges.release);
    log(`control plane: starting ${siteIds.join(" and ")} (pod CIDRs ${ranges.cidrs.join(", ")})`);
    const clusters = await startClusters(siteIds.length, {
      names: siteIds,
      binaries,
      onProgress: log,
      podCidrs: ranges.cidrs,
      kwokConfig: kwokMetricsConfig(),
    });
    stops.push(() => clusters.stop());
    log("control plane: every site ready");
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
    log("sites: Prometheus Operator CRDs (ServiceMonitor, PrometheusRule) installed");

    const profiles = join(options.work, "profiles.json");
    await writeFile(profiles, `${JSON.stringify(options.profiles, null, 2)}\n`);
    const kubeStateMetrics: Record<string, RunningKubeStateMetrics> = {};
    for (const cluster of clusters.clusters) {
      const ksm = await startKubeStateMetrics({
        kubeconfig: cluster.kubeconfigPath,
        context: cluster.context,
      });
      stops.push(() => ksm.stop());
      kubeStateMetrics[cluster.name] = ksm;
    }
    log(
      `kube-state-metrics (stand-in): ${Object.entries(kubeStateMetrics)
        .map(([s, k]) => `${s} ${k.url}`)
        .join(", ")}`,
    );
    const simulator = await startSimulatorProcess(root, clusters.kubeconfigPath, siteIds, profiles);
    stops.push(simulator.stop);
    log(`workload simulator: ${simulator.url}pods`);
    const discovery = await startKubernetesDiscovery(
      Object.fromEntries(
        clusters.clusters.map((c) => [c.name, { kubeconfig: c.kubeconfigPath, context: c.context }]),
      ),
    );
    stops.push(() => discovery.stop());
    const scrapeSites = clusters.clusters.map((c) => ({
      site: c.name,
      kubeconfig: c.kubeconfigPath,
      context: c.context,
      discoveryUrl: `${discovery.url}${c.name}/`,
      kubeStateMetrics: kubeStateMetrics[c.name]!.address,
    }));
    const prometheus = await startPrometheus({
      scrapeConfigs: await currentScrapeConfigs(scrapeSites),
      // Every 2 s with a 2 s timeout: at 1 s a scrape of the in-process kube-state-metrics stand-in missed its
      // 1 s timeout on a loaded machine, and a failed scrape marks all its series stale — a gap in the pod set.
      scrapeInterval: "2s",
    });
    stops.push(() => prometheus.stop());
    log(`prometheus: ${prometheus.url}`);
    const sync: ServiceMonitorSync = await startServiceMonitorSync({ sites: scrapeSites, prometheus, log });
    stops.push(() => sync.stop());

    const registry: SiteRegistry = {
      apiVersion: "intentops.io/v1alpha1",
      kind: "SiteRegistry",
      sites: siteIds.map((id) => ({
        id,
        kind: "kubernetes" as const,
        kubernetes: { context: id, kubeconfig: clusters.kubeconfigPath },
        prometheus: { url: prometheus.url },
      })),
    };
    const sitesFile = options.sitesFile ?? join(options.work, "sites.yaml");
    await writeFile(sitesFile, stringify(registry));
    let stopping: Promise<void> | undefined;
    return {
      clusters,
      prometheus,
      simulator: { url: simulator.url, pid: simulator.pid },
      kubeStateMetrics,
      syncServiceMonitors: () => sync.syncNow(),
      registry,
      sitesFile,
      kubeconfigPath: clusters.kubeconfigPath,
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Starts `intentops simulate` as its own process and waits for the URL it prints. */
async function startSimulatorProcess(
  root: string,
  kubeconfig: string,
  sites: readonly string[],
  profiles: string,
): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const main = join(root, "dist", "pipeline", "cli", "main.js");
  if (!fs.existsSync(main)) {
    throw new IntentopsError("E_DEMO", `${main} is missing: build first (npx tsc -p tsconfig.json)`);
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [main, "simulate", "--kubeconfig", kubeconfig, "--sites", sites.join(","), "--profiles", profiles],
    { stdio: ["ignore", "pipe", "inherit"] },
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
    pid: child.pid!,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}
