/**
 * Benchmark: operator mode at scale. N IntentDeployments (default 1,000) are created at once in the
 * management cluster (the Go-built control plane, which is also the one site, `mgmt`); one `intentops
 * controller` (the built CLI, alone, so it leads) runs each through compile → render → deliver (a real
 * smart-HTTP Git remote, `git http-backend`) → reconcile (server-side apply, health) → verify to a
 * terminal phase, with its run state in the resources' status. Each intent is edge-analytics' application
 * (one Deployment of REPLICAS pods, Service, ConfigMap, PDB, NetworkPolicy, ServiceMonitor,
 * PrometheusRule; an HPA with AUTOSCALE=1) under its own id and namespace, without SLO targets (verification has nothing to measure).
 *
 * Per round, on a fresh cluster and remote: the time from the first create to the last terminal status,
 * runs/minute, the terminal phases, one delivery commit per intent on the remote, and the API server's load
 * over the round — its requests by verb (`apiserver_request_total` from its /metrics, read with the
 * Go-built kubectl) and the CPU seconds of the control-plane process (etcd, kube-apiserver,
 * controller-manager and scheduler in one process; /proc). Peer, on another fresh cluster: `kubectl apply
 * --server-side` of the same rendered objects (the delivery head's `rendered/mgmt/`), then `kubectl wait`
 * for every Deployment Available — the apply-and-health floor without compiling, rendering, Git or status.
 * Median/min/max over ROUNDS rounds (default 3) and the load average are printed.
 *
 * Run:  npx tsc -p tsconfig.json && heavy npx vitest bench --run test/bench/operatorScale.bench.ts
 *       N=200 ROUNDS=1 MAX_ACTIVE_RUNS=8 REPLICAS=1 PEER=0 to change the defaults (N 1000, ROUNDS 3,
 *       MAX_ACTIVE_RUNS 4 — the controller's default, REPLICAS 1, PEER 1, AUTOSCALE 0); ROUND_MINUTES (default 60) bounds
 *       a round: a round whose resources are not all terminal by then fails the bench; CONTROLLER_NODE_ARGS
 *       are given to the controller's node (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import pLimit from "p-limit";
import { afterAll, bench, describe } from "vitest";
import { stringify } from "yaml";
import { MONITORING_CRDS } from "../../pipeline/demo/monitoringCrds.js";
import { intentDeploymentPath } from "../../pipeline/operator/intentDeployment.js";
import { createKubeClient, type KubeClient } from "../../pipeline/reconcile/kubeClient.js";
import { TERMINAL } from "../../pipeline/run/runTypes.js";
import { gitLog } from "../e2e/helpers.js";
import { createResource, intentDeployment, sleep } from "../operator/helpers.js";
import {
  type ClusterInfo,
  type Clusters,
  ensureControlPlaneBinary,
  startClusters,
} from "../support/controlPlane.js";
import { startGitHttpServer } from "../support/gitHttpServer.js";

const root = resolve(import.meta.dirname, "..", "..");
const cli = join(root, "dist", "pipeline", "cli", "main.js");
const N = Number(process.env["N"] ?? 1000);
const ROUNDS = Number(process.env["ROUNDS"] ?? 3);
const MAX_ACTIVE_RUNS = Number(process.env["MAX_ACTIVE_RUNS"] ?? 4);
const REPLICAS = Number(process.env["REPLICAS"] ?? 1);
const PEER = process.env["PEER"] !== "0";
/**
 * AUTOSCALE=1 keeps the application's HorizontalPodAutoscaler. Off by default: this cluster has no metrics
 * API, so the HPA controller retries every HPA every 15 s and writes an event each time — at 378 intents
 * 20 minutes into a round of 1,000 that was 28,169 HPA GETs, 16,735 scale GETs and 9,033 event PATCHes,
 * more than a core of the control plane, which then starved the controller (a cost of the test cluster
 * that a cluster with metrics does not have, and that grows with every intent while the round runs).
 */
const AUTOSCALE = process.env["AUTOSCALE"] === "1";
/** Node options for the controller alone, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where its time goes. */
const CONTROLLER_NODE_ARGS = (process.env["CONTROLLER_NODE_ARGS"] ?? "").split(" ").filter(Boolean);
const ROUND_MS = Number(process.env["ROUND_MINUTES"] ?? 60) * 60_000;
/** kwok's fake nodes take 110 pods each. */
const NODES = Math.ceil((N * REPLICAS) / 100) + 1;
const NS = "intentops";
const run = promisify(execFile);

interface Round {
  seconds: number;
  runsPerMinute: number;
  phases: Record<string, number>;
  /** Intents with their (one) delivery commit on the remote. */
  delivered: number;
  requests: Record<string, number>;
  controlPlaneCpuSeconds: number;
  /** CPU seconds of the controller process (all its threads). */
  controllerCpuSeconds: number;
  peerSeconds?: number;
  peerRequests?: Record<string, number>;
  peerCpuSeconds?: number;
  load: number[];
}

const rounds: Round[] = [];

/** edge-analytics' application under id `id` on mgmt, without its SLO expectation. */
async function benchIntent(id: string): Promise<Record<string, unknown> & { id: string }> {
  const intent = JSON.parse(await readFile(join(root, "intents", "edge-analytics.json"), "utf8"));
  intent.id = id;
  const value = intent.expression.expressionValue;
  value["@id"] = `io:${id}`;
  const expectations = (value["icm:hasExpectation"] as Array<Record<string, unknown>>).filter(
    (e) => e["@id"] === "io:deliver-analytics",
  );
  const params = expectations[0]!["icm:params"] as Record<string, unknown>;
  params["io:site"] = ["mgmt"];
  params["io:replicas"] = REPLICAS;
  if (AUTOSCALE) {
    params["io:minReplicas"] = REPLICAS;
    params["io:maxReplicas"] = REPLICAS + 1;
  } else {
    // No autoscaling asked for: no HorizontalPodAutoscaler (see AUTOSCALE).
    delete params["io:minReplicas"];
    delete params["io:maxReplicas"];
  }
  value["icm:hasExpectation"] = expectations;
  return intent;
}

/** Failures by kind, a line each. */
const failureLines = (failures: Record<string, number>) =>
  Object.entries(failures)
    .map(([why, n]) => `  ${n} × ${why}`)
    .join("\n");

/** CPU seconds (user + system) of process `pid`, from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** The API server's request counts by verb, from its /metrics (through the Go-built kubectl). */
async function requestsByVerb(kubectl: string, cluster: ClusterInfo): Promise<Record<string, number>> {
  const { stdout } = await run(
    kubectl,
    ["--kubeconfig", cluster.kubeconfigPath, "--context", cluster.context, "get", "--raw", "/metrics"],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const byVerb: Record<string, number> = {};
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    const verb = /verb="([A-Z]+)"/.exec(line)?.[1] ?? "?";
    byVerb[verb] = (byVerb[verb] ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return byVerb;
}

const delta = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(
    Object.keys(after)
      .sort()
      .map((k) => [k, after[k]! - (before[k] ?? 0)])
      .filter(([, v]) => (v as number) > 0),
  ) as Record<string, number>;

async function installMonitoringCrds(kubectl: string, cluster: ClusterInfo, dir: string) {
  const file = join(dir, `monitoring-crds-${cluster.name}.yaml`);
  await writeFile(file, MONITORING_CRDS.map((o) => stringify(o)).join("---\n"));
  const base = ["--kubeconfig", cluster.kubeconfigPath, "--context", cluster.context];
  await run(kubectl, [...base, "apply", "--server-side", "-f", file]);
  await run(kubectl, [...base, "wait", "--for=condition=Established", "crd", "--all", "--timeout=120s"]);
}

async function oneRound(index: number): Promise<Round> {
  const { kubectl } = await ensureControlPlaneBinary();
  const work = await mkdtemp(join(tmpdir(), "intentops-operator-bench-"));
  let clusters: Clusters | undefined;
  let peer: Clusters | undefined;
  let kube: KubeClient | undefined;
  let controller: ChildProcess | undefined;
  const git = await startGitHttpServer();
  try {
    clusters = await startClusters(1, { names: ["mgmt"], nodes: NODES, readyTimeoutMs: 300_000 });
    const mgmt = clusters.clusters[0]!;
    kube = await createKubeClient({ kubeconfig: clusters.kubeconfigPath, context: "mgmt", maxSockets: 32 });
    await installMonitoringCrds(kubectl, mgmt, work);
    const ns = await kube.request({
      method: "POST",
      path: "/api/v1/namespaces",
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } },
    });
    if (ns.status !== 201) throw new Error(`namespace ${NS}: ${ns.status}`);
    const remote = await git.createRepo("delivery");
    const sites = join(work, "sites.yaml");
    await writeFile(
      sites,
      "apiVersion: intentops.io/v1alpha1\nkind: SiteRegistry\nsites:\n  - id: mgmt\n    kind: kubernetes\n    kubernetes:\n      context: mgmt\n",
    );
    const dir = join(work, "controller");
    await mkdir(dir, { recursive: true });
    let log = "";
    controller = spawn(
      process.execPath,
      [
        ...CONTROLLER_NODE_ARGS,
        cli,
        "controller",
        ...["--management-kubeconfig", clusters.kubeconfigPath, "--management-context", "mgmt"],
        ...["--namespace", NS, "--identity", "bench", "--max-active-runs", String(MAX_ACTIVE_RUNS)],
        ...["--repo", join(dir, "delivery.git"), "--remote", remote, "--sites", sites],
        ...["--kubeconfig", clusters.kubeconfigPath, "--state", join(dir, "state")],
      ],
      { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
    );
    controller.stderr!.on("data", (c: Buffer) => {
      log = (log + c.toString()).slice(-20_000);
    });
    // Leading (the Lease is ours) before anything is created.
    for (const started = Date.now(); ; await sleep(500)) {
      const lease = await kube.request({
        method: "GET",
        path: `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/intentops-controller`,
      });
      if ((lease.body?.["spec"] as { holderIdentity?: string } | undefined)?.holderIdentity === "bench")
        break;
      if (Date.now() - started > 120_000) throw new Error(`the controller did not lead:\n${log}`);
    }
    await sleep(2000); // its informer's first list

    const intents = await Promise.all(
      Array.from({ length: N }, (_, i) => benchIntent(`bench-${String(i).padStart(4, "0")}`)),
    );
    const requestsBefore = await requestsByVerb(kubectl, mgmt);
    const cpuBefore = await cpuSeconds(mgmt.pid);
    const controllerCpuBefore = await cpuSeconds(controller.pid!);
    const t0 = performance.now();
    const creates = pLimit(32);
    await Promise.all(
      intents.map((intent) => creates(() => createResource(kube!, intentDeployment(NS, intent)))),
    );
    let phases: Record<string, number> = {};
    let failures: Record<string, number> = {};
    let printedMinute = 0;
    for (;;) {
      await sleep(5000);
      const list = await kube.request({ method: "GET", path: intentDeploymentPath(NS) });
      const items = (list.body?.["items"] ?? []) as Array<{
        status?: { phase?: string; error?: { code?: string; message?: string; subject?: string } };
      }>;
      phases = {};
      failures = {};
      for (const item of items) {
        const phase = item.status?.phase ?? "(none)";
        phases[phase] = (phases[phase] ?? 0) + 1;
        const error = item.status?.error;
        if (error) {
          // One line per kind of failure: the code and the message without the intent's own name.
          const why = `[${error.code}] ${(error.message ?? "").replace(/bench-\d{4}/g, "bench-NNNN").slice(0, 300)}`;
          failures[why] = (failures[why] ?? 0) + 1;
        }
      }
      const terminal = items.filter((item) => item.status?.phase && TERMINAL.has(item.status.phase as never));
      if (items.length === N && terminal.length === N) break;
      const minutes = Math.floor((performance.now() - t0) / 60_000);
      if (minutes > printedMinute) {
        // Once a minute: where the round stands (a round of 1,000 takes tens of minutes).
        printedMinute = minutes;
        console.log(`round ${index}, minute ${minutes}: ${JSON.stringify(phases)}`);
      }
      if (performance.now() - t0 > ROUND_MS) {
        throw new Error(
          `round ${index}: not all terminal after ${ROUND_MS / 60_000} min: ${JSON.stringify(phases)}\n${failureLines(failures)}\n${log}`,
        );
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    // Runs that failed measure nothing: the round counts only when every run succeeded.
    if (phases["Succeeded"] !== N) {
      throw new Error(
        `round ${index}: ${JSON.stringify(phases)} after ${seconds.toFixed(1)} s; failures:\n${failureLines(failures)}\n${log}`,
      );
    }
    const controlPlaneCpuSeconds = (await cpuSeconds(mgmt.pid)) - cpuBefore;
    const controllerCpuSeconds = (await cpuSeconds(controller.pid!)) - controllerCpuBefore;
    const requests = delta(await requestsByVerb(kubectl, mgmt), requestsBefore);
    const load = loadavg();

    // Every intent delivered once: one delivery commit per intent on the remote.
    const perIntent = new Map<string, number>();
    for (const c of await gitLog(git.repoPath("delivery"))) {
      const id = /^intent (bench-\d{4}): deliver /.exec(c.subject)?.[1];
      if (id) perIntent.set(id, (perIntent.get(id) ?? 0) + 1);
    }
    const twice = [...perIntent].filter(([, n]) => n !== 1).map(([id]) => id);
    if (twice.length)
      throw new Error(`round ${index}: more than one delivery commit for ${twice.join(", ")}`);
    if (perIntent.size < (phases["Succeeded"] ?? 0)) {
      throw new Error(`round ${index}: ${phases["Succeeded"]} Succeeded but ${perIntent.size} delivered`);
    }
    // A graceful stop (it releases the Lease and exits; a --cpu-prof profile is written then).
    const stopped = new Promise((resolve) => controller!.once("exit", resolve));
    controller.kill("SIGTERM");
    await Promise.race([stopped, sleep(30_000)]);
    const result: Round = {
      seconds,
      runsPerMinute: N / (seconds / 60),
      phases,
      delivered: perIntent.size,
      requests,
      controlPlaneCpuSeconds,
      controllerCpuSeconds,
      load,
    };

    if (PEER) {
      // The same rendered objects, applied by kubectl to a fresh cluster, every Deployment waited for.
      const checkout = join(work, "checkout");
      await run("git", ["clone", "--quiet", git.repoPath("delivery"), checkout]);
      // Namespaces first (kubectl applies a directory's files in name order, configmap_ before namespace_).
      const rendered = join(checkout, "rendered", "mgmt");
      const packages = await readdir(rendered);
      if (packages.length !== N)
        throw new Error(`round ${index}: the head renders ${packages.length} intents, not ${N}`);
      const namespaces = join(work, "peer-namespaces");
      const objects = join(work, "peer-objects");
      for (const pkg of packages) {
        for (const file of await readdir(join(rendered, pkg))) {
          if (!file.endsWith(".yaml")) continue;
          const into = file.startsWith("namespace_") ? namespaces : join(objects, pkg);
          await mkdir(into, { recursive: true });
          await copyFile(join(rendered, pkg, file), join(into, `${pkg}-${file}`));
        }
      }
      peer = await startClusters(1, { names: ["peer"], nodes: NODES, readyTimeoutMs: 300_000 });
      const p = peer.clusters[0]!;
      await installMonitoringCrds(kubectl, p, work);
      const base = ["--kubeconfig", p.kubeconfigPath, "--context", "peer"];
      const before = await requestsByVerb(kubectl, p);
      const cpu = await cpuSeconds(p.pid);
      const t = performance.now();
      for (const dir of [namespaces, objects]) {
        const args = [...base, "apply", "--server-side", "--field-manager", "peer", "-R", "-f", dir];
        await run(kubectl, args, { maxBuffer: 64 * 1024 * 1024 });
      }
      await run(
        kubectl,
        [...base, "wait", "--for=condition=Available", "deployment", "-A", "--all", "--timeout=1800s"],
        {
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      result.peerSeconds = (performance.now() - t) / 1000;
      result.peerCpuSeconds = (await cpuSeconds(p.pid)) - cpu;
      result.peerRequests = delta(await requestsByVerb(kubectl, p), before);
    }
    return result;
  } finally {
    if (controller && controller.exitCode === null && controller.signalCode === null)
      controller.kill("SIGKILL");
    kube?.close();
    await peer?.stop();
    await clusters?.stop();
    await git.close();
    await rm(work, { recursive: true, force: true });
  }
}

const stats = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return {
    median: Number(median.toFixed(1)),
    min: Number(s[0]!.toFixed(1)),
    max: Number(s.at(-1)!.toFixed(1)),
  };
};

afterAll(() => {
  if (!rounds.length) return;
  const sum = (r: Record<string, number> | undefined) => Object.values(r ?? {}).reduce((a, b) => a + b, 0);
  console.log(
    `\noperator mode: ${N} IntentDeployments created at once, one controller leader (--max-active-runs ${MAX_ACTIVE_RUNS}), ${REPLICAS} replica(s) each, ${NODES} kwok nodes; ${rounds.length} round(s) on ${cpus().length} cores`,
  );
  const table: Record<string, ReturnType<typeof stats>> = {
    "seconds to all terminal": stats(rounds.map((r) => r.seconds)),
    "runs/minute": stats(rounds.map((r) => r.runsPerMinute)),
    "API requests": stats(rounds.map((r) => sum(r.requests))),
    "API requests/s": stats(rounds.map((r) => sum(r.requests) / r.seconds)),
    "control plane CPU s": stats(rounds.map((r) => r.controlPlaneCpuSeconds)),
    "control plane CPU %": stats(rounds.map((r) => (100 * r.controlPlaneCpuSeconds) / r.seconds)),
    "controller CPU s": stats(rounds.map((r) => r.controllerCpuSeconds)),
    "controller CPU ms per run": stats(rounds.map((r) => (1000 * r.controllerCpuSeconds) / N)),
  };
  if (rounds.every((r) => r.peerSeconds !== undefined)) {
    table["peer: kubectl apply + wait, seconds"] = stats(rounds.map((r) => r.peerSeconds!));
    table["peer: API requests"] = stats(rounds.map((r) => sum(r.peerRequests)));
    table["peer: control plane CPU s"] = stats(rounds.map((r) => r.peerCpuSeconds!));
  }
  console.table(table);
  console.log("per round:");
  for (const [i, r] of rounds.entries()) {
    console.log(
      `  ${i + 1}: ${r.seconds.toFixed(1)} s, phases ${JSON.stringify(r.phases)}, ${r.delivered} delivered once, requests ${JSON.stringify(r.requests)}${
        r.peerRequests ? `, peer requests ${JSON.stringify(r.peerRequests)}` : ""
      }, load ${r.load.map((x) => x.toFixed(2)).join("/")}`,
    );
  }
});

describe(`operator mode: ${N} IntentDeployments at once`, () => {
  bench(
    "rounds",
    async () => {
      // vitest may call a bench function more than once (warm-up); the table is exactly ROUNDS rounds.
      if (rounds.length > 0) return;
      for (let i = 1; i <= ROUNDS; i++) {
        const r = await oneRound(i);
        rounds.push(r);
        console.log(
          `round ${i}: ${r.seconds.toFixed(1)} s, ${r.runsPerMinute.toFixed(1)} runs/min, ${JSON.stringify(r.phases)}`,
        );
      }
    },
    { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 },
  );
});
