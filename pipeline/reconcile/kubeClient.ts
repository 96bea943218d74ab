/**
 * A small HTTP client for one cluster. Authentication and TLS come from `@kubernetes/client-node`'s
 * `KubeConfig` (contexts, client certificates, tokens, exec plugins); the requests themselves are plain
 * `node:https` because the reconciler needs what the generated 1.4 client makes awkward: raw status codes
 * and `Status` bodies per object (409/422 are data, not exceptions), `dryRun=All` and `force` on the same
 * apply call, discovery documents as JSON, and one keep-alive agent sized to the apply concurrency.
 */
import { Agent, request } from "node:https";
import { KubeConfig } from "@kubernetes/client-node";
import { SiteConfigError } from "./reconcileErrors.js";

export interface KubeResponse {
  status: number;
  /** Parsed JSON body (a Kubernetes object, list, or `Status`), or `null` for an empty body. */
  body: Record<string, unknown> | null;
}

export interface KubeRequest {
  method: "GET" | "PATCH" | "DELETE" | "POST" | "PUT";
  /** Path with query, e.g. `/api/v1/namespaces/a/configmaps/b?fieldManager=intentops`. */
  path: string;
  body?: unknown;
  contentType?: string;
}

/** What the reconciler needs of a cluster connection; tests may pass their own. */
export interface KubeClient {
  /** `https://host:port` of the API server. */
  server: string;
  request(req: KubeRequest): Promise<KubeResponse>;
  close(): void;
}

export interface KubeClientOptions {
  /** Path of the kubeconfig; default `$KUBECONFIG` or `~/.kube/config` (the client library's default). */
  kubeconfig?: string;
  context: string;
  /** Sockets kept open to the API server; match the apply concurrency. Default 32. */
  maxSockets?: number;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
}

/**
 * Connects to the cluster of a kubeconfig context. Credentials are read once per client: a client lives
 * for one reconcile run, shorter than any token lifetime the exec plugins hand out.
 *
 * @example const kube = await createKubeClient({ kubeconfig: "/tmp/kubeconfig", context: "edge1" });
 */
export async function createKubeClient(options: KubeClientOptions): Promise<KubeClient> {
  const { context, maxSockets = 32, timeoutMs = 30_000 } = options;
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
    kc.setCurrentContext(context);
  } catch (cause) {
    throw new SiteConfigError(
      `cannot use context ${context} of ${options.kubeconfig ?? "the default kubeconfig"}: ${(cause as Error).message}`,
      context,
      cause,
    );
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new SiteConfigError(`context ${context} names no cluster`, context);
  const tls: import("node:https").RequestOptions = {};
  await kc.applyToHTTPSOptions(tls);
  const agent = new Agent({
    keepAlive: true,
    maxSockets,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    ...(tls.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
    ...(tls.servername ? { servername: tls.servername } : {}),
  });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(tls.headers ?? {})) if (typeof v === "string") headers[k] = v;
  if (tls.auth) headers["Authorization"] = `Basic ${Buffer.from(tls.auth).toString("base64")}`;
  const server = cluster.server.replace(/\/+$/, "");
  const base = new URL(server);
  const prefix = base.pathname === "/" ? "" : base.pathname;

  return {
    server,
    close: () => agent.destroy(),
    request: ({ method, path, body, contentType }) =>
      new Promise<KubeResponse>((resolve, reject) => {
        const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), "utf8");
        const req = request(
          {
            protocol: base.protocol,
            hostname: base.hostname,
            port: base.port,
            path: `${prefix}${path}`,
            method,
            agent,
            timeout: timeoutMs,
            headers: {
              ...headers,
              Accept: "application/json",
              ...(payload
                ? { "Content-Type": contentType ?? "application/json", "Content-Length": payload.length }
                : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
              const text = Buffer.concat(chunks).toString("utf8");
              let parsed: Record<string, unknown> | null = null;
              if (text !== "") {
                try {
                  parsed = JSON.parse(text) as Record<string, unknown>;
                } catch {
                  parsed = { kind: "Status", message: text.slice(0, 500) };
                }
              }
              resolve({ status: res.statusCode ?? 0, body: parsed });
            });
            res.on("error", reject);
          },
        );
        req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out after ${timeoutMs} ms`)));
        req.on("error", reject);
        req.end(payload);
      }),
  };
}
