/**
 * A real Prometheus for tests and the demo: Debian's `prometheus` binary on a free loopback port, with its own temporary
 * TSDB directory and a generated config that scrapes the given loopback targets every second. Started per
 * test file, stopped cleanly (SIGTERM, then SIGKILL after a grace period) with its directory removed.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stopChild } from "./stopChild.js";

export interface PrometheusOptions {
  /** `host:port` of each scrape target (one job, `honor_labels: true`); or give `scrapeConfigs`. */
  targets?: readonly string[];
  /** Complete scrape configs (e.g. `buildScrapeConfigs`); replace `targets`. */
  scrapeConfigs?: ReadonlyArray<Record<string, unknown>>;
  /** Labels added to the targets, and so to their `up` series. */
  targetLabels?: Readonly<Record<string, string>>;
  /** Default `1s`. */
  scrapeInterval?: string;
  /** How long to wait for `/-/ready`; default 30 000 ms. */
  readyTimeoutMs?: number;
}

export interface PrometheusServer {
  url: string;
  port: number;
  dir: string;
  pid: number;
  /** Whether the process is still running. */
  running(): boolean;
  /** Stops the process (idempotent). `keepDir` leaves the TSDB for a restart test. */
  stop(options?: { keepDir?: boolean }): Promise<void>;
  /** Writes new scrape configs and reloads them (SIGHUP); resolves once Prometheus serves the new config. */
  reload(scrapeConfigs: ReadonlyArray<Record<string, unknown>>): Promise<void>;
}

/** Whether the `prometheus` binary is installed (`apt-get install prometheus`). */
export async function prometheusAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn("prometheus", ["--version"], { stdio: "ignore" });
    child.on("error", () => resolve(false));
    child.on("exit", (code) => resolve(code === 0));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function configText(options: PrometheusOptions): string {
  const interval = options.scrapeInterval ?? "1s";
  const labels = Object.entries(options.targetLabels ?? {});
  // JSON is valid YAML: no hand-written escaping of label values.
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: options.scrapeConfigs ?? [
      {
        job_name: "workload",
        honor_labels: true,
        static_configs: [
          {
            targets: [...(options.targets ?? [])],
            ...(labels.length ? { labels: Object.fromEntries(labels) } : {}),
          },
        ],
      },
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Starts Prometheus and resolves once `/-/ready` answers 200. */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), "intentops-prometheus-"));
  const configFile = join(dir, "prometheus.yml");
  await writeFile(configFile, configText(options));
  // Another process may take the port between probing and binding: retry a few times on a fresh port.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    try {
      return await launch(dir, configFile, port, options);
    } catch (error) {
      lastError = error;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

async function launch(
  dir: string,
  configFile: string,
  port: number,
  options: PrometheusOptions,
): Promise<PrometheusServer> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    "prometheus",
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=1h",
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", () => {
      exited = true;
      resolve();
    });
    child.once("error", () => {
      exited = true;
      resolve();
    });
  });

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) throw new Error(`prometheus exited before it was ready: ${stderr.trim()}`);
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      await response.text();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child, exit, () => exited);
      throw new Error(`prometheus not ready within ${readyTimeoutMs} ms: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    dir,
    pid: child.pid!,
    running: () => !exited,
    stop: ({ keepDir = false } = {}) => {
      stopped ??= stopChild(child, exit, () => exited);
      return stopped.then(() => (keepDir ? undefined : rm(dir, { recursive: true, force: true })));
    },
    reload: async (scrapeConfigs) => {
      if (exited) throw new Error("prometheus is not running");
      await writeFile(configFile, configText({ ...options, scrapeConfigs }));
      child.kill("SIGHUP");
      // Reloaded once the served config names exactly the new jobs.
      const want = scrapeConfigs.map((c) => String(c["job_name"])).sort();
      const deadline = Date.now() + readyTimeoutMs;
      for (;;) {
        const loaded = await fetch(`${url}/api/v1/status/config`, { signal: AbortSignal.timeout(2000) })
          .then((r) => r.json() as Promise<{ data?: { yaml?: string } }>)
          .then((body) =>
            [...(body.data?.yaml ?? "").matchAll(/^- job_name: (.+)$/gm)].map((m) => m[1]!.trim()),
          )
          .catch(() => [] as string[]);
        if (JSON.stringify(loaded.sort()) === JSON.stringify(want)) return;
        if (exited || Date.now() > deadline) {
          throw new Error(`prometheus did not load the new configuration: ${stderr.trim().slice(-500)}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
