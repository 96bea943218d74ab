/**
 * `createOpenStackClient`: one authenticated REST client for a site. It authenticates with Keystone v3
 * (password or application credential), keeps the token in a cache shared by every client given the same
 * cache, renews it a minute before it expires, and on a 401 from a service drops it, authenticates again and
 * repeats the request once. Endpoints come from the service catalog; microversions are pinned per service.
 *
 * Only idempotent requests (GET, PUT, DELETE, HEAD) are retried here, with exponential backoff on 5xx, 409
 * and unreachable services. A POST that timed out may have created something: the saga step that sent it
 * looks the resource up by its tags before trying again, so a retry never makes a second one.
 */
import { type AuthMethod, authBody, authIdentity } from "../identity/tokens/requests.js";
import { endpointFor, extractToken, type IssuedToken } from "../identity/tokens/results.js";
import { tokensURL } from "../identity/tokens/urls.js";
import {
  errorDetail,
  isTransient,
  OpenStackApiError,
  OpenStackAuthError,
  OpenStackUnreachableError,
} from "./openStackErrors.js";

export type ServiceType = "compute" | "network" | "volumev3" | "image" | "identity" | "placement";

/** Microversions the driver is written against (Zed supports compute ≤ 2.93, volume ≤ 3.70). */
export const MICROVERSIONS: Partial<Record<ServiceType, string>> = {
  compute: "compute 2.79",
  volumev3: "volume 3.60",
};

export interface TokenCache {
  get(key: string): IssuedToken | undefined;
  set(key: string, token: IssuedToken): void;
  delete(key: string): void;
}

/** A cache to share between clients (one per process or per test); a plain Map is one. */
export function createTokenCache(): TokenCache {
  return new Map<string, IssuedToken>();
}

export interface OpenStackClientOptions {
  authUrl: string;
  region: string;
  auth: AuthMethod;
  /** Per-request timeout. Default 60 s. */
  timeoutMs?: number;
  /** Attempts for idempotent requests (1 = no retry). Default 5. */
  attempts?: number;
  /** First backoff; doubled per attempt, capped at 8 s. Default 500 ms. */
  backoffMs?: number;
  /** Renew the token this long before it expires. Default 60 s. */
  renewBeforeMs?: number;
}

export interface OpenStackClientDeps {
  fetch?: typeof fetch;
  tokenCache?: TokenCache;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called once per authentication (tests count re-authentications through it). */
  onAuthenticate?: (reason: "initial" | "expired" | "unauthorized") => void;
}

export interface RequestOptions {
  body?: unknown;
  /** Raw bytes sent as `application/octet-stream` (image upload). */
  bytes?: Uint8Array;
  contentType?: string;
  /** Statuses that are not errors. Default: any 2xx. */
  ok?: readonly number[];
  /** Query parameters. */
  query?: Record<string, string | undefined>;
  /** Extra headers (e.g. Keystone's `X-Subject-Token`). */
  headers?: Record<string, string>;
}

export interface Response<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface OpenStackClient {
  /** Sends a request to a service of the catalog; `path` is relative to the service's endpoint. */
  request<T = unknown>(
    service: ServiceType,
    method: string,
    path: string,
    options?: RequestOptions,
  ): Promise<Response<T>>;
  /** The current token's facts (authenticating first if needed). */
  token(): Promise<IssuedToken>;
  /** The project the client works in. */
  projectId(): Promise<string>;
  /** Forgets the cached token (the next request authenticates). */
  invalidate(): void;
}

const IDEMPOTENT = new Set(["GET", "PUT", "DELETE", "HEAD"]);

/** @example const os = createOpenStackClient({ authUrl, region: "RegionOne", auth: { method: "password", … } }); */
export function createOpenStackClient(
  options: OpenStackClientOptions,
  deps: OpenStackClientDeps = {},
): OpenStackClient {
  const doFetch = deps.fetch ?? fetch;
  const cache = deps.tokenCache ?? createTokenCache();
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const key = authIdentity(options.authUrl, options.auth);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const attempts = Math.max(1, options.attempts ?? 5);
  const backoffMs = options.backoffMs ?? 500;
  const renewBeforeMs = options.renewBeforeMs ?? 60_000;
  let inflight: Promise<IssuedToken> | undefined;

  async function authenticate(reason: "initial" | "expired" | "unauthorized"): Promise<IssuedToken> {
    deps.onAuthenticate?.(reason);
    let response: globalThis.Response;
    try {
      response = await doFetch(tokensURL(options.authUrl), {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(authBody(options.auth)),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new OpenStackUnreachableError(`keystone ${options.authUrl}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const body = await readBody(response);
    if (response.status !== 201) {
      throw new OpenStackAuthError(
        `keystone refused the ${options.auth.method} credentials: ${response.status} ${errorDetail(body, response.statusText)}`,
      );
    }
    const issued = extractToken(response.headers.get("x-subject-token"), body);
    cache.set(key, issued);
    return issued;
  }

  async function token(): Promise<IssuedToken> {
    const cached = cache.get(key);
    if (cached && cached.expiresAt - renewBeforeMs > now()) return cached;
    inflight ??= authenticate(cached ? "expired" : "initial").finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  async function send<T>(
    service: ServiceType,
    method: string,
    path: string,
    request: RequestOptions,
    issued: IssuedToken,
  ): Promise<Response<T>> {
    const base = endpointFor(issued, service, options.region);
    const url = new URL(`${base}${path}`);
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      ...(request.headers ?? {}),
      "x-auth-token": issued.token,
      accept: "application/json",
    };
    const microversion = MICROVERSIONS[service];
    if (microversion) headers["openstack-api-version"] = microversion;
    let body: string | Uint8Array | undefined;
    if (request.bytes) {
      headers["content-type"] = request.contentType ?? "application/octet-stream";
      body = request.bytes;
    } else if (request.body !== undefined) {
      headers["content-type"] = request.contentType ?? "application/json";
      body = JSON.stringify(request.body);
    }
    let response: globalThis.Response;
    try {
      response = await doFetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new OpenStackUnreachableError(
        `${service} ${method} ${url.pathname}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const parsed = await readBody(response);
    const ok = request.ok ? request.ok.includes(response.status) : response.status < 300;
    if (!ok) {
      throw new OpenStackApiError({
        status: response.status,
        service,
        method,
        path: url.pathname,
        detail: errorDetail(parsed, response.statusText),
      });
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  async function request<T>(
    service: ServiceType,
    method: string,
    path: string,
    req: RequestOptions = {},
  ): Promise<Response<T>> {
    const tries = IDEMPOTENT.has(method) ? attempts : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        let issued = await token();
        try {
          return await send<T>(service, method, path, req, issued);
        } catch (error) {
          if (!(error instanceof OpenStackApiError) || error.status !== 401) throw error;
          // The token was revoked or expired early: authenticate again and repeat once.
          if (cache.get(key)?.token === issued.token) cache.delete(key);
          inflight ??= authenticate("unauthorized").finally(() => {
            inflight = undefined;
          });
          issued = await inflight;
          return await send<T>(service, method, path, req, issued);
        }
      } catch (error) {
        if (attempt >= tries || !isTransient(error)) throw error;
        await sleep(Math.min(8_000, backoffMs * 2 ** (attempt - 1)));
      }
    }
  }

  return {
    request,
    token,
    projectId: async () => (await token()).projectId,
    invalidate: () => cache.delete(key),
  };
}

async function readBody(response: globalThis.Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
