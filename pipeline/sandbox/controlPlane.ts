/**
 * Real Kubernetes clusters for tests and the demo, without Docker: `test/controlplane/` is a Go module
 * that builds one binary running an embedded etcd, kube-apiserver, kube-controller-manager and
 * kube-scheduler in one process on 127.0.0.1, plus kwok's controller (fake nodes whose pods become
 * Running/Ready) as its child process, built from kwok's own module set.
 *
 * - `ensureControlPlaneBinary()` builds it (and a kubectl of the same Kubernetes version) once through
 *   `test/controlplane/build.sh`, cached under `~/.cache/intentops/controlplane/<sha256 of the module>/`.
 * - `startClusters(n, { names })` starts independent clusters on free loopback ports, waits until they
 *   are ready, writes one kubeconfig per cluster plus a merged one with a context per cluster name.
 * - `stop()` sends SIGTERM to each cluster's process group, SIGKILL after a timeout, and removes the
 *   temporary directories.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request as httpsRequest } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";

/** The project root: the nearest ancestor holding `test/controlplane/go.mod` (works from source and `dist/`). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "test", "controlplane", "go.mod"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find test/controlplane/go.mod above this module");
    dir = parent;
  }
  return dir;
}
/** The Go module that builds the control plane. */
export const controlPlaneModuleDir = resolve(projectRoot(), "test", "controlplane");

export interface ControlPlaneBinaries {
  /** Cache directory holding the binaries and `build.json`. */
  dir: string;
  /** The control plane binary (etcd + apiserver + controller-manager + scheduler); starts `kwok`. */
  controlplane: string;
  /** kwok's controller (its own module set), started by the control plane as a child process. */
  kwok: string;
  /** kubectl built from the same Kubernetes module set. */
  kubectl: string;
  /** Versions recorded at build time (`build.json`), when present. */
  versions: { kubernetes?: string; etcd?: string; kwok?: string; go?: string; buildSeconds?: number };
}

export interface EnsureOptions {
  /** Called with each progress line of the build (or of the cache look-up). */
  onProgress?: (line: string) => void;
  /** Rebuild even when a cached build exists. */
  force?: boolean;
}

let ensuring: Promise<ControlPlaneBinaries> | undefined;

/**
 * Builds the control plane binary and kubectl unless a build for the current module content is cached.
 * Rejects (never resolves to something fake) when the build fails.
 */
export function ensureControlPlaneBinary(options: EnsureOptions = {}): Promise<ControlPlaneBinaries> {
  if (!ensuring || options.force) {
    ensuring = runBuild(options);
    ensuring.catch(() => {
      ensuring = undefined;
    });
  }
  return ensuring;
}

async function runBuild(options: EnsureOptions): Promise<ControlPlaneBinaries> {
  const progress = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const script = join(controlPlaneModuleDir, "build.sh");
  const args = options.force ? [script, "--force"] : [script];
  const child = spawn("bash", args, { cwd: controlPlaneModuleDir, stdio: ["ignore", "pipe", "pipe"] });
  let dir: string | undefined;
  const tail: string[] = [];
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
    const m = /^CONTROLPLANE_DIR=(.+)$/.exec(line);
    if (m) dir = m[1];
    else progress(line);
  };
  createInterface({ input: child.stdout! }).on("line", onLine);
  createInterface({ input: child.stderr! }).on("line", onLine);
  const code = await new Promise<number | null>((res, rej) => {
    child.on("error", rej);
    child.on("close", (c) => res(c));
  });
  if (code !== 0 || !dir) {
    throw new Error(`control plane build failed (exit ${code}):\n${tail.join("\n")}`);
  }
  const bins: ControlPlaneBinaries = {
    dir,
    controlplane: join(dir, "controlplane"),
    kwok: join(dir, "kwok"),
    kubectl: join(dir, "kubectl"),
    versions: {},
  };
  for (const f of [bins.controlplane, bins.kwok, bins.kubectl]) {
    if (!existsSync(f)) throw new Error(`control plane build reported ${dir} but ${f} is missing`);
  }
  try {
    bins.versions = JSON.parse(readFileSync(join(dir, "build.json"), "utf8"));
  } catch {
    // build.json is informational only
  }
  return bins;
}

export interface ClusterInfo {
  name: string;
  /** `https://127.0.0.1:<port>` */
  server: string;
  /** Kubeconfig holding only this cluster (context `name`). */
  kubeconfigPath: string;
  /** Context name in both kubeconfigs (= name). */
  context: string;
  dataDir: string;
  /** The control plane's stderr (all component logs). */
  logPath: string;
  pid: number;
  ports: { apiserver: number; etcdClient: number; etcdPeer: number };
  /** Milliseconds from spawn to ready. */
  startupMs: number;
  /** The range kwok gives pod IPs from (`--pod-cidr`). */
  podCidr: string;
  /** Port of kwok's server on 127.0.0.1, also the nodes' kubelet port (with `kwokMetrics`). */
  kubeletPort?: number;
}

export interface Clusters {
  clusters: ClusterInfo[];
  /** Merged kubeconfig with one context per cluster; current context is the first cluster. */
  kubeconfigPath: string;
  /** Temporary directory holding all data dirs and kubeconfigs (removed by stop()). */
  dir: string;
  /** Stops every cluster (SIGTERM to its process group, SIGKILL after the timeout) and removes `dir`. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Cluster names (default `cluster1..n`); also the kubeconfig context names. */
  names?: string[];
  /** Fake nodes per cluster (default 1). */
  nodes?: number;
  /** Use these binaries instead of calling ensureControlPlaneBinary(). */
  binaries?: ControlPlaneBinaries;
  onProgress?: (line: string) => void;
  /** Per-cluster readiness timeout (default 120 s: two clusters starting at once share 2 cores). */
  readyTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL in stop() (default 15 s). */
  stopTimeoutMs?: number;
  /** Keep the temporary directory after stop() (for debugging). */
  keepDir?: boolean;
  /** Pod CIDR per cluster, in `names` order (default the control plane's own, 10.244.0.1/16). */
  podCidrs?: string[];
  /**
   * kwok configuration documents (YAML) appended to each cluster's kwok configuration; with it, kwok's
   * server listens on a free loopback port that is also the nodes' kubelet port (`kubeletPort`).
   */
  kwokConfig?: string;
}

interface Running {
  info: ClusterInfo;
  child: ChildProcess;
  exited: Promise<void>;
}

const live = new Set<Running>();
let exitHookInstalled = false;

/** Last resort: whatever happens to the test process, its clusters do not outlive it. */
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const r of live) killGroup(r.child.pid, "SIGKILL");
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (!pid) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Distinct free TCP ports on 127.0.0.1 (bound then released; a clash is retried by startClusters). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import("node:net").Server>((res, rej) => {
          const s = createServer();
          s.once("error", rej);
          s.listen(0, "127.0.0.1", () => res(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as import("node:net").AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((res) => s.close(res))));
  return ports;
}

interface AdminCreds {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

function credsFromKubeconfig(path: string): AdminCreds {
  const doc = parseYaml(readFileSync(path, "utf8"));
  const cluster = doc.clusters[0].cluster;
  const user = doc.users[0].user;
  return {
    ca: Buffer.from(cluster["certificate-authority-data"], "base64"),
    cert: Buffer.from(user["client-certificate-data"], "base64"),
    key: Buffer.from(user["client-key-data"], "base64"),
  };
}

/** GET `path` on the apiserver with the admin client certificate. */
function apiGet(server: string, path: string, creds: AdminCreds): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = httpsRequest(
      new URL(path, server),
      { method: "GET", ca: creds.ca, cert: creds.cert, key: creds.key, timeout: 5000 },
      (resp) => {
        let body = "";
        resp.setEncoding("utf8");
        resp.on("data", (c) => {
          body += c;
        });
        resp.on("end", () => res({ status: resp.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", rej);
    req.end();
  });
}

/** Empty when the cluster is ready for workloads, otherwise why not. */
async function notReadyReason(server: string, creds: AdminCreds, nodes: number): Promise<string> {
  try {
    const rz = await apiGet(server, "/readyz", creds);
    if (rz.status !== 200) return `/readyz ${rz.status}: ${rz.body.slice(0, 300)}`;
    const sa = await apiGet(server, "/api/v1/namespaces/default/serviceaccounts/default", creds);
    if (sa.status !== 200) return `default ServiceAccount: ${sa.status}`;
    const nl = await apiGet(server, "/api/v1/nodes", creds);
    if (nl.status !== 200) return `nodes: ${nl.status}`;
    const items = (JSON.parse(nl.body).items ?? []) as Array<{
      metadata: { name: string };
      status?: { conditions?: Array<{ type: string; status: string }> };
    }>;
    const ready = items.filter((n) =>
      n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    if (ready.length < nodes) return `${ready.length}/${nodes} nodes Ready`;
    return "";
  } catch (e) {
    return (e as Error).message;
  }
}

function tailOf(path: string, lines = 40): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

async function stopOne(r: Running, timeoutMs: number): Promise<void> {
  const pid = r.child.pid;
  if (!pid) return;
  if (r.child.exitCode === null && r.child.signalCode === null) killGroup(pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  const timer = new Promise<"timeout">((res) => setTimeout(() => res("timeout"), timeoutMs).unref());
  if ((await Promise.race([r.exited.then(() => "exited" as const), timer])) === "timeout") {
    killGroup(pid, "SIGKILL");
  }
  // The group may hold other processes (none today); wait until it is empty.
  while (groupAlive(pid)) {
    if (Date.now() > deadline) killGroup(pid, "SIGKILL");
    await new Promise((res) => setTimeout(res, 50));
  }
  await r.exited;
  live.delete(r);
}

async function startOne(
  bins: ControlPlaneBinaries,
  name: string,
  dataDir: string,
  kubeconfigPath: string,
  nodes: number,
  readyTimeoutMs: number,
  progress: (line: string) => void,
  podCidr: string,
  kwokConfig: string | undefined,
): Promise<Running> {
  const [apiserver, etcdClient, etcdPeer, kubeletPort] = (await freePorts(4)) as [
    number,
    number,
    number,
    number,
  ];
  await mkdir(join(dataDir, ".kwok"), { recursive: true });
  // kwok runs with HOME=<data dir> and reads ~/.kwok/kwok.yaml. Without a node lease it heartbeats the
  // node status only about once a minute, past the node controller's 50 s grace period: the node flips
  // NotReady for a moment, every pod is marked not Ready, and kwok never marks them Ready again. A lease
  // renewed every 10 s keeps the node (and so its pods) Ready for as long as the cluster runs.
  await writeFile(
    join(dataDir, ".kwok", "kwok.yaml"),
    "apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokConfiguration\noptions:\n  nodeLeaseDurationSeconds: 40\n" +
      // kwok's server (metrics emulation) on loopback; the same port is what the nodes report as their
      // kubelet port, so Prometheus' node discovery finds it at <node InternalIP 127.0.0.1>:<port>.
      (kwokConfig !== undefined
        ? `  serverAddress: "127.0.0.1:${kubeletPort}"\n  nodePort: ${kubeletPort}\n${kwokConfig}`
        : ""),
  );
  const logPath = join(dataDir, "controlplane.log");
  const log = createWriteStream(logPath);
  await new Promise((res) => log.once("open", res));
  const started = Date.now();
  const child = spawn(
    bins.controlplane,
    [
      `--kwok-binary=${bins.kwok}`,
      `--data-dir=${dataDir}`,
      `--name=${name}`,
      `--kubeconfig=${kubeconfigPath}`,
      `--apiserver-port=${apiserver}`,
      `--etcd-client-port=${etcdClient}`,
      `--etcd-peer-port=${etcdPeer}`,
      `--nodes=${nodes}`,
      `--ready-timeout=${Math.ceil(readyTimeoutMs / 1000)}s`,
      `--pod-cidr=${podCidr}`,
    ],
    // detached: the binary leads its own process group, so stop() can signal all of it.
    { detached: true, stdio: ["ignore", "pipe", log] },
  );
  log.close(); // the child holds its own descriptor
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  const running: Running = {
    child,
    exited,
    info: {
      name,
      server: `https://127.0.0.1:${apiserver}`,
      kubeconfigPath,
      context: name,
      dataDir,
      logPath,
      pid: child.pid ?? -1,
      ports: { apiserver, etcdClient, etcdPeer },
      startupMs: 0,
      podCidr,
      ...(kwokConfig !== undefined ? { kubeletPort } : {}),
    },
  };
  live.add(running);
  const spawnError = new Promise<never>((_, rej) => child.once("error", rej));

  let binaryReady = false;
  let binaryError = "";
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      const ev = JSON.parse(line) as { event: string; elapsedMs?: number; error?: string };
      if (ev.event === "ready") binaryReady = true;
      if (ev.event === "error") binaryError = ev.error ?? line;
      progress(`[${name}] ${ev.event}${ev.elapsedMs !== undefined ? ` after ${ev.elapsedMs} ms` : ""}`);
    } catch {
      progress(`[${name}] ${line}`);
    }
  });

  const deadline = started + readyTimeoutMs;
  let creds: AdminCreds | undefined;
  let reason = "not started";
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `control plane ${name} exited (${child.exitCode ?? child.signalCode}) before it was ready` +
            `${binaryError ? `: ${binaryError}` : ""}\n--- ${logPath} (tail) ---\n${tailOf(logPath)}`,
        );
      }
      if (binaryReady) {
        creds ??= credsFromKubeconfig(kubeconfigPath);
        reason = await notReadyReason(running.info.server, creds, nodes);
        if (reason === "") break;
      } else {
        reason = "waiting for the control plane to report ready";
      }
      if (Date.now() > deadline) {
        throw new Error(
          `control plane ${name} not ready after ${readyTimeoutMs} ms: ${reason}\n--- ${logPath} (tail) ---\n${tailOf(logPath)}`,
        );
      }
      await Promise.race([new Promise((res) => setTimeout(res, 200)), spawnError]);
    }
  } catch (e) {
    await stopOne(running, 5000);
    throw e;
  }
  running.info.startupMs = Date.now() - started;
  progress(`[${name}] ready at ${running.info.server} in ${running.info.startupMs} ms`);
  return running;
}

/** Writes one kubeconfig with every cluster's cluster, user and context entries. */
async function writeMergedKubeconfig(path: string, clusters: ClusterInfo[]): Promise<void> {
  const merged = {
    apiVersion: "v1",
    kind: "Config",
    preferences: {},
    clusters: [] as unknown[],
    users: [] as unknown[],
    contexts: [] as unknown[],
    "current-context": clusters[0]?.context ?? "",
  };
  for (const c of clusters) {
    const doc = parseYaml(await readFile(c.kubeconfigPath, "utf8"));
    merged.clusters.push(...doc.clusters);
    merged.users.push(...doc.users);
    merged.contexts.push(...doc.contexts);
  }
  await writeFile(path, stringifyYaml(merged), { mode: 0o600 });
}

/**
 * Starts `n` independent clusters (each its own etcd and data dir) on free loopback ports and waits until
 * each serves `/readyz`, has the default ServiceAccount and all its fake nodes Ready.
 */
export async function startClusters(n: number, options: StartOptions = {}): Promise<Clusters> {
  const names = options.names ?? Array.from({ length: n }, (_, i) => `cluster${i + 1}`);
  if (names.length !== n) throw new Error(`startClusters: ${n} clusters but ${names.length} names`);
  if (new Set(names).size !== n) throw new Error("startClusters: cluster names must be unique");
  const progress = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const bins = options.binaries ?? (await ensureControlPlaneBinary({ onProgress: progress }));
  const nodes = options.nodes ?? 1;
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  installExitHook();

  const dir = await mkdtemp(join(tmpdir(), "intentops-clusters-"));
  const started: Running[] = [];
  const stopAll = async () => {
    await Promise.all(started.map((r) => stopOne(r, stopTimeoutMs)));
    if (!options.keepDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    const results = await Promise.allSettled(
      names.map(async (name) => {
        // A port taken between the probe and the bind fails the start: try again on new ports.
        for (let attempt = 1; ; attempt++) {
          const dataDir = join(dir, `${name}${attempt > 1 ? `-${attempt}` : ""}`);
          try {
            const r = await startOne(
              bins,
              name,
              dataDir,
              join(dir, `${name}.kubeconfig`),
              nodes,
              readyTimeoutMs,
              progress,
              options.podCidrs?.[names.indexOf(name)] ?? "10.244.0.1/16",
              options.kwokConfig,
            );
            started.push(r);
            return r;
          } catch (e) {
            const msg = (e as Error).message;
            if (attempt < 3 && /address already in use/i.test(msg)) {
              progress(`[${name}] port clash, retrying on other ports`);
              continue;
            }
            throw e;
          }
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    const clusters = names.map((name) => started.find((r) => r.info.name === name)!.info);
    const kubeconfigPath = join(dir, "kubeconfig");
    await writeMergedKubeconfig(kubeconfigPath, clusters);
    let stopping: Promise<void> | undefined;
    return {
      clusters,
      kubeconfigPath,
      dir,
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
