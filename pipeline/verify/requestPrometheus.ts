/**
 * One call of the Prometheus HTTP API (`/api/v1/…`): a form-encoded POST (queries can be longer than a URL
 * should be), a timeout that covers the body too, and every way it can fail mapped to a `PrometheusError`.
 */
import { PrometheusError } from "./verifyErrors.js";

/** The `fetch` the shell uses; injected so tests can swap it. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface PrometheusRequest {
  /** Base URL of Prometheus, e.g. `http://127.0.0.1:9090` (a path prefix is kept). */
  baseUrl: string;
  /** API path below the base, e.g. `api/v1/query`. */
  path: string;
  params: Record<string, string>;
  timeoutMs: number;
  fetch: FetchLike;
}

/**
 * Posts `params` to `path` and returns the `data` member of a `status: "success"` answer.
 * @throws PrometheusError
 */
export async function requestPrometheus(request: PrometheusRequest): Promise<unknown> {
  const url = `${request.baseUrl.replace(/\/+$/, "")}/${request.path}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  let status: number | undefined;
  let text: string;
  try {
    const response = await request.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams(request.params).toString(),
      signal: controller.signal,
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (controller.signal.aborted) {
      throw new PrometheusError("E_PROM_TIMEOUT", `no answer from ${url} within ${request.timeoutMs} ms`, {
        cause: error,
        ...(status !== undefined ? { status } : {}),
      });
    }
    throw new PrometheusError("E_PROM_UNREACHABLE", `cannot reach ${url}: ${describeCause(error)}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    if (status < 200 || status >= 300) {
      throw new PrometheusError("E_PROM_HTTP", `HTTP ${status} from ${url}: ${snippet(text)}`, {
        status,
        cause: error,
      });
    }
    throw new PrometheusError("E_PROM_BAD_RESPONSE", `${url} did not answer JSON: ${snippet(text)}`, {
      status,
      cause: error,
    });
  }
  const envelope = body as { status?: unknown; data?: unknown; errorType?: unknown; error?: unknown };
  if (envelope?.status === "error") {
    const errorType = typeof envelope.errorType === "string" ? envelope.errorType : "unknown";
    throw new PrometheusError(
      "E_PROM_API",
      `Prometheus ${errorType} error (HTTP ${status}): ${String(envelope.error)}`,
      {
        status,
        errorType,
      },
    );
  }
  if (status < 200 || status >= 300) {
    throw new PrometheusError("E_PROM_HTTP", `HTTP ${status} from ${url}: ${snippet(text)}`, { status });
  }
  if (envelope?.status !== "success" || envelope.data === undefined) {
    throw new PrometheusError("E_PROM_BAD_RESPONSE", `${url} answered without status "success" and data`, {
      status,
    });
  }
  return envelope.data;
}

/** Node's fetch hides the socket error in `cause` ("fetch failed" says nothing). */
function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (cause && typeof cause.code === "string")
    return `${cause.code}${typeof cause.message === "string" ? ` (${cause.message})` : ""}`;
  return error instanceof Error ? error.message : String(error);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || "(empty body)";
}
