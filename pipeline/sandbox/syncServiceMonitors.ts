/**
 * The sandbox's stand-in for the Prometheus Operator's reconcile loop: it lists the ServiceMonitors of
 * every site, and when they change, rewrites Prometheus' scrape configuration (`buildScrapeConfigs`) and
 * reloads it. A ServiceMonitor that intentops renders, or one a user applies by hand, is scraped the same
 * way, a few seconds after it is applied.
 */
import * as k8s from "@kubernetes/client-node";
import { buildScrapeConfigs, type ServiceMonitorLike, type SiteScrapeTargets } from "./buildScrapeConfigs.js";
import type { PrometheusServer } from "./startPrometheus.js";

export interface ServiceMonitorSyncOptions {
  sites: ReadonlyArray<Omit<SiteScrapeTargets, "serviceMonitors"> & { kubeconfig: string; context: string }>;
  prometheus: PrometheusServer;
  /** Between two looks, ms. Default 1000. */
  intervalMs?: number;
  log?: (line: string) => void;
}

export interface ServiceMonitorSync {
  /** Lists and reloads now; resolves when Prometheus serves the result. */
  syncNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Lists the ServiceMonitors of a site. Right after their CRD is created the API server answers 429
 * "storage is (re)initializing" with a Retry-After until the custom resource's storage is ready: that answer
 * is waited out (as Retry-After asks) for up to `retryForMs`; any other error is thrown at once.
 */
export async function listServiceMonitors(
  kubeconfig: string,
  context: string,
  retryForMs = 60_000,
): Promise<ServiceMonitorLike[]> {
  const config = new k8s.KubeConfig();
  config.loadFromFile(kubeconfig);
  config.setCurrentContext(context);
  const api = config.makeApiClient(k8s.CustomObjectsApi);
  const deadline = Date.now() + retryForMs;
  for (;;) {
    try {
      const list = (await api.listClusterCustomObject({
        group: "monitoring.coreos.com",
        version: "v1",
        plural: "servicemonitors",
      })) as { items?: ServiceMonitorLike[] };
      return list.items ?? [];
    } catch (error) {
      if (!(error instanceof k8s.ApiException) || error.code !== 429 || Date.now() >= deadline) throw error;
      const after = Number((error.headers as Record<string, string> | undefined)?.["retry-after"]);
      const waitMs = Number.isFinite(after) && after > 0 ? after * 1000 : 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, deadline - Date.now())));
    }
  }
}

/** The scrape configs for the sites as they are now. */
export async function currentScrapeConfigs(
  sites: ServiceMonitorSyncOptions["sites"],
): Promise<Record<string, unknown>[]> {
  const withMonitors = await Promise.all(
    sites.map(async ({ kubeconfig, context, ...site }) => ({
      ...site,
      serviceMonitors: await listServiceMonitors(kubeconfig, context),
    })),
  );
  return buildScrapeConfigs(withMonitors);
}

/** Starts the loop; the first sync has already happened when this resolves. */
export async function startServiceMonitorSync(
  options: ServiceMonitorSyncOptions,
): Promise<ServiceMonitorSync> {
  const log = options.log ?? (() => undefined);
  let loaded = "";
  let chain: Promise<void> = Promise.resolve();
  const sync = () => {
    chain = chain.then(async () => {
      const configs = await currentScrapeConfigs(options.sites);
      const text = JSON.stringify(configs);
      if (text === loaded) return;
      await options.prometheus.reload(configs);
      loaded = text;
    });
    return chain;
  };
  await sync();
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || !options.prometheus.running()) return;
    sync().catch((error: Error) => {
      chain = Promise.resolve();
      log(`ServiceMonitor sync: ${error.message}`);
    });
  }, options.intervalMs ?? 1000);
  return {
    syncNow: sync,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await chain.catch(() => undefined);
    },
  };
}
