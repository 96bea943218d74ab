/**
 * The demo's workload simulator: it plays the application containers that kwok's nodes do not run. For
 * every pod on the sites that has a container port named `http` and a pod IP, it serves that pod's own
 * `/metrics` on the pod's address (mapped into loopback, see `pipeline/sandbox/podAddress.ts`) and the
 * container port — so Prometheus finds it through the ServiceMonitor, Service and Endpoints like any
 * instrumented application — and emits only what such an application emits:
 *
 *   http_request_duration_seconds (histogram) and http_requests_total{code} (counter)
 *
 * with no identity label at all: namespace, pod, revision and site are what discovery and kube-state-
 * metrics know about the pod, not something the application claims.
 *
 * The traffic: each Deployment receives a fixed offered load (`rps`, requests per second) shared by its
 * Ready pods, as a Service would share it; the behaviour per request (latency, error share, CPU seconds,
 * memory) comes from the profile of the pod's `app.kubernetes.io/version`. The resources the pods use are
 * written onto the pods as annotations (`sandbox.intentops.io/cpu-usage`, `…/memory-usage`), which kwok's
 * resource-usage emulation turns into the kubelet's `container_cpu_usage_seconds_total` and
 * `container_memory_working_set_bytes` (see `pipeline/sandbox/kwokMetricsConfig.ts`). So scaling a
 * Deployment out really lowers each pod's CPU, and a slow version really is slow.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as k8s from "@kubernetes/client-node";
import { CPU_USAGE_ANNOTATION, MEMORY_USAGE_ANNOTATION } from "../sandbox/kwokMetricsConfig.js";
import { loopbackOf } from "../sandbox/podAddress.js";

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
  /** Offered load per Deployment, requests per second, shared by its Ready pods. Default 60. */
  rps?: number;
  /** How often the clusters are read and traffic simulated, ms. Default 500. */
  tickMs?: number;
  /** Port of the control endpoint (`GET /pods`) on 127.0.0.1. */
  port?: number;
  /** PRNG seed: same seed, same traffic. */
  seed?: number;
  /** Problems (a port taken, an API call failed); default: none reported. */
  log?: (line: string) => void;
}

/** One served pod, as `GET /pods` lists it. */
export interface ServedPod {
  site: string;
  namespace: string;
  pod: string;
  podIp: string;
  /** Where its `/metrics` listens: the pod IP mapped into loopback, and the container port. */
  address: string;
  version: string;
  ready: boolean;
}

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5];

interface PodState {
  served: ServedPod;
  deployment: string;
  server?: Server;
  buckets: number[];
  count: number;
  sum: number;
  ok: number;
  errors: number;
  errorDebt: number;
  /** What was last written onto the pod, to patch only on change. */
  usage?: string;
  /** A listen already failed (reported once; retried every tick). */
  listenFailed?: boolean;
  core: k8s.CoreV1Api;
}

export interface RunningSimulator {
  /** The control endpoint; `GET <url>pods` lists the served pods. */
  url: string;
  pods(): ServedPod[];
  stop(): Promise<void>;
}

/** Starts the simulator; resolves once the control endpoint listens. */
export async function startWorkloadSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const { rps = 60, tickMs = 500, profiles = {} } = options;
  const log = options.log ?? (() => undefined);
  const random = mulberry32(options.seed ?? 921);
  const pods = new Map<string, PodState>();
  const clients = Object.entries(options.sites).map(([site, { kubeconfig, context }]) => {
    const config = new k8s.KubeConfig();
    config.loadFromFile(kubeconfig);
    config.setCurrentContext(context);
    return { site, core: config.makeApiClient(k8s.CoreV1Api) };
  });
  const profileOf = (version: string) => profiles[version] ?? DEFAULT_PROFILE;

  // Two passes per tick: first every server whose pod left or moved is closed, then the new ones open. A pod
  // address is freed and taken again within one tick when a rollout replaces pods (kwok hands a deleted
  // pod's IP to its successor) — opening first would find the address still held by the old pod's server.
  const observe = async () => {
    const wanted = new Map<
      string,
      { served: ServedPod; deployment: string; core: k8s.CoreV1Api; host: string; port: number }
    >();
    const unreachable = new Set<string>();
    for (const { site, core } of clients) {
      const list = await core.listPodForAllNamespaces().catch(() => undefined);
      if (list === undefined) {
        // An API server that does not answer: keep serving what is known rather than dropping pods.
        unreachable.add(site);
        continue;
      }
      for (const pod of list.items) {
        const meta = pod.metadata ?? {};
        const port = pod.spec?.containers
          .flatMap((c) => c.ports ?? [])
          .find((p) => p.name === "http")?.containerPort;
        const podIp = pod.status?.podIP;
        const host = podIp ? loopbackOf(podIp) : undefined;
        if (port === undefined || !host || meta.deletionTimestamp) continue;
        const owner = meta.ownerReferences?.find((o) => o.kind === "ReplicaSet")?.name ?? meta.name ?? "";
        const hash = meta.labels?.["pod-template-hash"];
        const deployment = hash && owner.endsWith(`-${hash}`) ? owner.slice(0, -hash.length - 1) : owner;
        const served: ServedPod = {
          site,
          namespace: meta.namespace ?? "",
          pod: meta.name ?? "",
          podIp: podIp!,
          address: `${host}:${port}`,
          version: meta.labels?.["app.kubernetes.io/version"] ?? "unknown",
          ready: pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
        };
        wanted.set(`${site}/${served.namespace}/${served.pod}`, {
          served,
          deployment: `${site}/${served.namespace}/${deployment}`,
          core,
          host,
          port,
        });
      }
    }
    for (const [key, state] of pods) {
      if (unreachable.has(state.served.site)) continue;
      const next = wanted.get(key);
      if (next && next.served.address === state.served.address) continue;
      pods.delete(key);
      await closeServer(state);
    }
    for (const [key, { served, deployment, core, host, port }] of wanted) {
      let state = pods.get(key);
      if (state) {
        state.served = served;
        state.deployment = deployment;
      } else {
        state = {
          served,
          deployment,
          buckets: BUCKETS.map(() => 0),
          count: 0,
          sum: 0,
          ok: 0,
          errors: 0,
          errorDebt: 0,
          core,
        };
        pods.set(key, state);
      }
      if (state.server) continue;
      // Not listening yet (new, or the address was still taken last tick): try again every tick, report once.
      const target = state;
      target.server = await listen(target, host, port).catch((error: Error) => {
        if (!target.listenFailed) log(`${key}: cannot listen on ${served.address}: ${error.message}`);
        target.listenFailed = true;
        return undefined;
      });
    }
  };

  const simulate = async (seconds: number) => {
    const readyByDeployment = new Map<string, number>();
    for (const p of pods.values()) {
      if (p.served.ready) readyByDeployment.set(p.deployment, (readyByDeployment.get(p.deployment) ?? 0) + 1);
    }
    for (const p of pods.values()) {
      const profile = profileOf(p.served.version);
      const ready = readyByDeployment.get(p.deployment) ?? 0;
      const perSecond = p.served.ready && ready > 0 ? rps / ready : 0;
      const requests = Math.round(perSecond * seconds);
      for (let i = 0; i < requests; i++) {
        const latency = sampleLatency(profile, random) / 1000;
        p.count++;
        p.sum += latency;
        BUCKETS.forEach((le, b) => {
          if (latency <= le) p.buckets[b]!++;
        });
      }
      // Errors at exactly the profile's ratio (carried fractions, no dice): a random few errors in a short
      // window would make a healthy version look failing now and then, and the SLO gate rightly says so.
      p.errorDebt += requests * profile.errorRatio;
      const errors = Math.min(requests, Math.floor(p.errorDebt));
      p.errorDebt -= errors;
      p.errors += errors;
      p.ok += requests - errors;
      // The pod's resource use, for kwok's kubelet emulation: CPU from the offered load, memory per pod.
      const cpu = `${Math.round(perSecond * profile.cpuPerRequest * 1000)}m`;
      const memory = String(Math.round(profile.memoryBytes));
      const usage = `${cpu}/${memory}`;
      if (usage !== p.usage) {
        const patched = await p.core
          .patchNamespacedPod(
            {
              name: p.served.pod,
              namespace: p.served.namespace,
              body: {
                metadata: { annotations: { [CPU_USAGE_ANNOTATION]: cpu, [MEMORY_USAGE_ANNOTATION]: memory } },
              },
            },
            k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
          )
          .then(() => true)
          .catch(() => false);
        if (patched) p.usage = usage;
      }
    }
  };

  let last = Date.now();
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      await observe().catch((error: Error) => log(`observe: ${error.message}`));
      const now = Date.now();
      await simulate((now - last) / 1000).catch((error: Error) => log(`simulate: ${error.message}`));
      last = now;
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
  };
  const running = loop();

  const control: Server = createServer((request, response) => {
    if (request.url !== "/pods") {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(`${JSON.stringify(servedPods(pods), null, 2)}\n`);
  });
  await new Promise<void>((resolve) => control.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = control.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    pods: () => servedPods(pods),
    async stop() {
      stopped = true;
      await running.catch(() => undefined);
      for (const p of pods.values()) await closeServer(p);
      control.closeAllConnections();
      await new Promise<void>((resolve) => control.close(() => resolve()));
    },
  };
}

function servedPods(pods: Map<string, PodState>): ServedPod[] {
  return [...pods.values()]
    .filter((p) => p.server !== undefined)
    .map((p) => ({ ...p.served }))
    .sort((a, b) => (`${a.site}/${a.namespace}/${a.pod}` < `${b.site}/${b.namespace}/${b.pod}` ? -1 : 1));
}

function listen(state: PodState, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== "/metrics") {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    response.end(exposition(state));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

async function closeServer(state: PodState): Promise<void> {
  const server = state.server;
  state.server = undefined;
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The pod's exposition: an instrumented HTTP server's two metrics, no identity labels. */
function exposition(p: PodState): string {
  const lines: string[] = [
    "# HELP http_request_duration_seconds Duration of HTTP requests.",
    "# TYPE http_request_duration_seconds histogram",
  ];
  for (const [b, le] of BUCKETS.entries()) {
    lines.push(`http_request_duration_seconds_bucket{le="${le}"} ${p.buckets[b]}`);
  }
  lines.push(`http_request_duration_seconds_bucket{le="+Inf"} ${p.count}`);
  lines.push(`http_request_duration_seconds_sum ${p.sum}`);
  lines.push(`http_request_duration_seconds_count ${p.count}`);
  lines.push(
    "# HELP http_requests_total HTTP requests by status code.",
    "# TYPE http_requests_total counter",
  );
  lines.push(`http_requests_total{code="200"} ${p.ok}`);
  lines.push(`http_requests_total{code="500"} ${p.errors}`);
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
