/**
 * ExternalDNS for a Kubernetes site: the real `external-dns` (built from the Go module proxy by
 * `.ci/install`, pinned, cached under `~/.cache/intentops/externaldns/<version>/`) watching the site's
 * `DNSEndpoint` objects (`--source=crd`) and writing them to the sandbox's PowerDNS through its HTTP API
 * (`--provider=pdns`). Ownership is ExternalDNS's TXT registry with an owner id per site: it changes and
 * deletes only records whose TXT marks it as their owner, never a record made by anyone else. The PowerDNS
 * API key goes in through the environment (`EXTERNAL_DNS_PDNS_API_KEY`), never on the command line.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import { IntentopsError } from "../../compiler/errors.js";
import { stopChild } from "../sandbox/stopChild.js";

/** The pinned ExternalDNS release (its go.mod asks Go 1.25; v0.23.0 asks 1.27, newer than the machine's 1.26). */
export const EXTERNAL_DNS_VERSION = "v0.20.0";

export function externalDnsBinary(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const root =
    env.INTENTOPS_EXTERNALDNS_CACHE ?? join(env.HOME ?? homedir(), ".cache", "intentops", "externaldns");
  return join(root, EXTERNAL_DNS_VERSION, "external-dns");
}

export interface ExternalDnsOptions {
  kubeconfig: string;
  /** PowerDNS API base URL and the file holding its key. */
  pdnsApiUrl: string;
  pdnsApiKeyFile: string;
  /** The zone ExternalDNS may touch, e.g. `edge.example.com`. */
  domain: string;
  /** TXT registry owner id; default `intentops`. */
  ownerId?: string;
  /** Sync interval; default `1s`. */
  interval?: string;
  binary?: string;
}

export interface ExternalDns {
  pid: number;
  logs(): string;
  running(): boolean;
  stop(): Promise<void>;
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

export async function startExternalDns(options: ExternalDnsOptions): Promise<ExternalDns> {
  const binary = options.binary ?? externalDnsBinary();
  if (!existsSync(binary)) {
    throw new IntentopsError(
      "E_EXTERNALDNS_MISSING",
      `ExternalDNS ${EXTERNAL_DNS_VERSION} is not built at ${binary}: run .ci/install`,
    );
  }
  const apiKey = (await readFile(options.pdnsApiKeyFile, "utf8")).trim();
  const metricsPort = await freePort();
  const child = spawn(
    binary,
    [
      "--source=crd",
      "--crd-source-apiversion=externaldns.k8s.io/v1alpha1",
      "--crd-source-kind=DNSEndpoint",
      "--provider=pdns",
      `--pdns-server=${options.pdnsApiUrl}`,
      `--domain-filter=${options.domain}`,
      "--registry=txt",
      `--txt-owner-id=${options.ownerId ?? "intentops"}`,
      "--policy=sync",
      `--interval=${options.interval ?? "1s"}`,
      "--events",
      "--min-event-sync-interval=200ms",
      `--kubeconfig=${options.kubeconfig}`,
      `--metrics-address=127.0.0.1:${metricsPort}`,
      "--log-level=info",
    ],
    {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", EXTERNAL_DNS_PDNS_API_KEY: apiKey },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    const done = () => {
      exited = true;
      resolve();
    };
    child.once("exit", done);
    child.once("error", done);
  });
  // Up once its metrics endpoint answers (it has read its flags and built its clients by then).
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new IntentopsError("E_EXTERNALDNS", `external-dns exited: ${output.slice(-2000)}`);
    const ok = await fetch(`http://127.0.0.1:${metricsPort}/healthz`, {
      signal: AbortSignal.timeout(1000),
    }).then(
      async (r) => {
        await r.arrayBuffer();
        return r.ok;
      },
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stopChild(child, exit, () => exited);
      throw new IntentopsError("E_EXTERNALDNS", `external-dns not up within 60 s: ${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  let stopped: Promise<void> | undefined;
  return {
    pid: child.pid!,
    logs: () => output,
    running: () => !exited,
    stop: () => {
      stopped ??= stopChild(child, exit, () => exited);
      return stopped;
    },
  };
}
