/**
 * A real authoritative DNS server for the sandbox: Debian's PowerDNS (`pdns_server` with the gsqlite3
 * backend) on free loopback ports — DNS on UDP/TCP, its HTTP API (the one ExternalDNS's `pdns` provider
 * speaks) beside it — with its sqlite database, config and API key (mode 600) in its own temporary
 * directory. PowerDNS rather than BIND or CoreDNS: it is packaged by Debian, is authoritative, keeps its
 * zones in a database and changes them through an HTTP API that ExternalDNS has a provider for, so records
 * change without zone files or reloads.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { stopChild } from "./stopChild.js";

const exec = promisify(execFile);
const SCHEMA = "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql";

export interface PowerDnsServer {
  /** DNS port on 127.0.0.1 (UDP and TCP). */
  dnsPort: number;
  /** `http://127.0.0.1:<port>`: the PowerDNS HTTP API. */
  apiUrl: string;
  /** File holding the API key (mode 600). */
  apiKeyFile: string;
  dir: string;
  /** Creates a Native zone (e.g. `edge.example.com.`) unless it exists. */
  createZone(zone: string): Promise<void>;
  /**
   * Writes an A rrset by hand (as an operator would, outside any intent), replacing what the name had;
   * answers the API's status (204 when written).
   */
  putA(zone: string, name: string, addresses: string[], ttl?: number): Promise<number>;
  /** The API's call, with the key. */
  api(path: string, init?: RequestInit): Promise<Response>;
  running(): boolean;
  stop(): Promise<void>;
}

export async function powerDnsAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn("pdns_server", ["--version"], { stdio: "ignore" });
    child.on("error", () => resolve(false));
    child.on("exit", () => resolve(true));
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

export async function startPowerDns(options: { readyTimeoutMs?: number } = {}): Promise<PowerDnsServer> {
  const dir = await mkdtemp(join(tmpdir(), "intentops-pdns-"));
  const database = join(dir, "pdns.sqlite3");
  await exec("sqlite3", [database, `.read ${SCHEMA}`]);
  const apiKey = randomBytes(24).toString("hex");
  const apiKeyFile = join(dir, "api-key");
  await writeFile(apiKeyFile, apiKey, { mode: 0o600 });
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const dnsPort = await freePort();
    const apiPort = await freePort();
    const config = [
      "launch=gsqlite3",
      `gsqlite3-database=${database}`,
      "local-address=127.0.0.1",
      `local-port=${dnsPort}`,
      "api=yes",
      `api-key=${apiKey}`,
      "webserver=yes",
      "webserver-address=127.0.0.1",
      `webserver-port=${apiPort}`,
      "webserver-allow-from=127.0.0.1",
      `socket-dir=${dir}`,
      "guardian=no",
      "daemon=no",
      "disable-syslog=yes",
      "loglevel=4",
      // No answer cache: a changed record is answered at once (the TTL is for resolvers, not for us).
      "cache-ttl=0",
      "negquery-cache-ttl=0",
      "query-cache-ttl=0",
      "zone-cache-refresh-interval=0",
      "",
    ].join("\n");
    await writeFile(join(dir, "pdns.conf"), config, { mode: 0o600 });
    try {
      return await launch(dir, dnsPort, apiPort, apiKey, apiKeyFile, options.readyTimeoutMs ?? 30_000);
    } catch (error) {
      lastError = error;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

async function launch(
  dir: string,
  dnsPort: number,
  apiPort: number,
  apiKey: string,
  apiKeyFile: string,
  readyTimeoutMs: number,
): Promise<PowerDnsServer> {
  const child = spawn("pdns_server", [`--config-dir=${dir}`], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    const done = () => {
      exited = true;
      resolve();
    };
    child.once("exit", done);
    child.once("error", done);
  });
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${apiUrl}${path}`, {
      ...init,
      headers: { "x-api-key": apiKey, "content-type": "application/json", ...(init.headers ?? {}) },
      signal: AbortSignal.timeout(10_000),
    });
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) throw new Error(`pdns_server exited before it was ready: ${stderr.trim()}`);
    const ok = await api("/api/v1/servers/localhost").then(
      async (r) => {
        await r.arrayBuffer();
        return r.ok;
      },
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stopChild(child, exit, () => exited);
      throw new Error(`pdns_server not ready within ${readyTimeoutMs} ms: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  let stopped: Promise<void> | undefined;
  return {
    dnsPort,
    apiUrl,
    apiKeyFile,
    dir,
    api,
    async createZone(zone) {
      const found = await api(`/api/v1/servers/localhost/zones/${zone}`);
      await found.arrayBuffer();
      if (found.ok) return;
      const res = await api("/api/v1/servers/localhost/zones", {
        method: "POST",
        body: JSON.stringify({ name: zone, kind: "Native", nameservers: [`ns1.${zone}`] }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`PowerDNS refused zone ${zone}: ${res.status} ${text}`);
    },
    async putA(zone, name, addresses, ttl = 60) {
      const res = await api(`/api/v1/servers/localhost/zones/${zone}`, {
        method: "PATCH",
        body: JSON.stringify({
          rrsets: [
            {
              name,
              type: "A",
              ttl,
              changetype: "REPLACE",
              records: addresses.map((content) => ({ content, disabled: false })),
            },
          ],
        }),
      });
      await res.arrayBuffer();
      return res.status;
    },
    running: () => !exited,
    stop: () => {
      stopped ??= stopChild(child, exit, () => exited).then(() => rm(dir, { recursive: true, force: true }));
      return stopped;
    },
  };
}
