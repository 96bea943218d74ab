/**
 * The demo's workload simulator: a metrics endpoint that Prometheus scrapes, standing in for the pods a
 * kubelet would run (kwok's nodes run no containers). Everything it reports about the workload's *shape*
 * comes from the API server — which version is applied, how many replicas are desired and ready, the
 * CPU and memory limits — and only the workload's *behaviour* (latency, errors, resource use) is simulated,
 * from a per-version profile. So when a bad revision is applied, the metrics turn bad; when it is reverted
 * and the old Deployment is back, they recover.
 *
 * Series carry the identity labels `site`, `namespace`, `service`, `revision` that the SLO queries select.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as k8s from "@kubernetes/client-node";

/** How one application version behaves. */
export interface VersionProfile {
  /** Median and 95th percentile latency, ms. */
  p50Ms: number;
  p95Ms: number;
  /** Share of requests answered 5xx, 0–1. */
  errorRatio: number;
  /** CPU seconds per request, and working-set bytes per pod. */
  cpuPerRequest: number;
  memoryBytes: number;
}

export const DEFAULT_PROFILE: VersionProfile = {
  p50Ms: 20,
  p95Ms: 45,
  errorRatio: 0.002,
  cpuPerRequest: 0.002,
  memoryBytes: 180 * 1024 * 1024,
};

export interface SimulatorOptions {
  /** Site id → kubeconfig file and context of that site's API server. */
  sites: Record<string, { kubeconfig: string; context: string }>;
  /** `app.kubernetes.io/version` → behaviour; versions not listed behave like `DEFAULT_PROFILE`. */
  profiles?: Record<string, VersionProfile>;
  /** Requests per second per ready pod. Default 20. */
  rps?: number;
  /** How often the cluster is read and traffic simulated, ms. Default 500. */
  tickMs?: number;
  port?: number;
  /** PRNG seed: same seed, same traffic. */
  seed?: number;
}

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5];

interface Workload {
  labels: Record<string, string>;
  version: string;
  desired: number;
  ready: number;
  cpuLimit: number;
  memoryLimit: number;
  buckets: number[];
  count: number;
  sum: number;
  ok: number;
  errors: number;
  cpuSeconds: number;
  /** Fraction of an error carried to the next tick. */
  errorDebt: number;
}

export interface RunningSimulator {
  url: string;
  stop(): Promise<void>;
}

/** Starts the simulator; resolves once it serves `/metrics`. */
export async function startWorkloadSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const { rps = 20, tickMs = 500, profiles = {} } = options;
  const random = mulberry32(options.seed ?? 921);
  const workloads = new Map<string, Workload>();
  const clients = Object.entries(options.sites).map(([site, { kubeconfig, context }]) => {
    const config = new k8s.KubeConfig();
    config.loadFromFile(kubeconfig);
    config.setCurrentContext(context);
    return { site, apps: config.makeApiClient(k8s.AppsV1Api) };
  });

  const observe = async () => {
    const seen = new Set<string>();
    for (const { site, apps } of clients) {
      const list = await apps
        .listDeploymentForAllNamespaces({ labelSelector: "app.kubernetes.io/managed-by=intentops" })
        .catch(() => undefined);
      for (const deployment of list?.items ?? []) {
        const meta = deployment.metadata ?? {};
        const key = `${site}/${meta.namespace}/${meta.name}`;
        seen.add(key);
        const container = deployment.spec?.template.spec?.containers[0];
        const version = meta.labels?.["app.kubernetes.io/version"] ?? "unknown";
        const labels = {
          site,
          namespace: meta.namespace ?? "",
          service: meta.name ?? "",
          revision: meta.annotations?.["intentops.io/revision"] ?? "",
        };
        const existing = workloads.get(key);
        // A new version is a new process: counters start again, as they would for real pods.
        const fresh =
          !existing || existing.version !== version || existing.labels.revision !== labels.revision;
        const workload: Workload = fresh
          ? {
              labels,
              version,
              desired: 0,
              ready: 0,
              cpuLimit: 0,
              memoryLimit: 0,
              buckets: BUCKETS.map(() => 0),
              count: 0,
              sum: 0,
              ok: 0,
              errors: 0,
              cpuSeconds: 0,
              errorDebt: 0,
            }
          : existing;
        workload.desired = deployment.spec?.replicas ?? 1;
        workload.ready = deployment.status?.readyReplicas ?? 0;
        workload.cpuLimit = parseCpu(container?.resources?.limits?.cpu);
        workload.memoryLimit = parseBytes(container?.resources?.limits?.memory);
        workloads.set(key, workload);
      }
    }
    for (const key of [...workloads.keys()]) if (!seen.has(key)) workloads.delete(key);
  };

  const simulate = (seconds: number) => {
    for (const workload of workloads.values()) {
      const profile = profiles[workload.version] ?? DEFAULT_PROFILE;
      const requests = Math.round(rps * workload.ready * seconds);
      for (let i = 0; i < requests; i++) {
        const latency = sampleLatency(profile, random) / 1000;
        workload.count++;
        workload.sum += latency;
        BUCKETS.forEach((le, b) => {
          if (latency <= le) workload.buckets[b]!++;
        });
      }
      // Errors at exactly the profile's ratio (carried fractions, no dice): a random few errors in a short
      // window would make a healthy version look failing now and then, and the SLO gate rightly says so.
      workload.errorDebt += requests * profile.errorRatio;
      const errors = Math.min(requests, Math.floor(workload.errorDebt));
      workload.errorDebt -= errors;
      workload.errors += errors;
      workload.ok += requests - errors;
      workload.cpuSeconds += requests * profile.cpuPerRequest;
    }
  };

  let last = Date.now();
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      await observe();
      const now = Date.now();
      simulate((now - last) / 1000);
      last = now;
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
  };
  const running = loop();

  const server: Server = createServer((request, response) => {
    if (request.url !== "/metrics") {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    response.end(exposition([...workloads.values()], profiles));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    async stop() {
      stopped = true;
      await running.catch(() => undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Prometheus text exposition format of every workload's series. */
function exposition(workloads: readonly Workload[], profiles: Record<string, VersionProfile>): string {
  const lines: string[] = [
    "# TYPE http_request_duration_seconds histogram",
    "# TYPE http_requests_total counter",
    "# TYPE container_cpu_usage_seconds_total counter",
    "# TYPE container_memory_working_set_bytes gauge",
    "# TYPE kube_pod_container_resource_limits gauge",
    "# TYPE kube_deployment_spec_replicas gauge",
    "# TYPE kube_deployment_status_replicas_ready gauge",
  ];
  for (const w of workloads) {
    const l = (extra: Record<string, string> = {}) =>
      `{${Object.entries({ ...w.labels, ...extra })
        .map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
        .join(",")}}`;
    for (const [b, le] of BUCKETS.entries()) {
      lines.push(`http_request_duration_seconds_bucket${l({ le: String(le) })} ${w.buckets[b]}`);
    }
    lines.push(`http_request_duration_seconds_bucket${l({ le: "+Inf" })} ${w.count}`);
    lines.push(`http_request_duration_seconds_sum${l()} ${w.sum}`);
    lines.push(`http_request_duration_seconds_count${l()} ${w.count}`);
    lines.push(`http_requests_total${l({ code: "200" })} ${w.ok}`);
    lines.push(`http_requests_total${l({ code: "500" })} ${w.errors}`);
    lines.push(`container_cpu_usage_seconds_total${l()} ${w.cpuSeconds}`);
    const memory = (profiles[w.version] ?? DEFAULT_PROFILE).memoryBytes * w.ready;
    lines.push(`container_memory_working_set_bytes${l()} ${memory}`);
    lines.push(`kube_pod_container_resource_limits${l({ resource: "cpu" })} ${w.cpuLimit * w.ready}`);
    lines.push(`kube_pod_container_resource_limits${l({ resource: "memory" })} ${w.memoryLimit * w.ready}`);
    lines.push(`kube_deployment_spec_replicas${l()} ${w.desired}`);
    lines.push(`kube_deployment_status_replicas_ready${l()} ${w.ready}`);
  }
  return `${lines.join("\n")}\n`;
}

/** A latency sample from a log-normal distribution with the profile's median and 95th percentile. */
function sampleLatency(profile: VersionProfile, random: () => number): number {
  const mu = Math.log(profile.p50Ms);
  const sigma = Math.max(1e-6, (Math.log(profile.p95Ms) - mu) / 1.6449);
  // Box–Muller from two uniform samples.
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.exp(mu + sigma * z);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function parseCpu(value: string | undefined): number {
  if (!value) return 0;
  return value.endsWith("m") ? Number(value.slice(0, -1)) / 1000 : Number(value);
}

function parseBytes(value: string | undefined): number {
  if (!value) return 0;
  const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, k: 1e3, M: 1e6, G: 1e9 };
  const match = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(value);
  return match ? Number(match[1]) * (units[match[2] ?? ""] ?? 1) : 0;
}
