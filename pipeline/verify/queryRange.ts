/** `POST /api/v1/query_range`: one PromQL expression evaluated at every step of a time range. */
import { type FetchLike, requestPrometheus } from "./requestPrometheus.js";
import { PrometheusError } from "./verifyErrors.js";

/** One series of a range vector: its labels and `[unix seconds, value as Prometheus wrote it][]`. */
export interface RangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface QueryRangeOptions {
  baseUrl: string;
  promql: string;
  start: Date;
  end: Date;
  stepSeconds: number;
  /** Default 10 000. */
  timeoutMs?: number;
  fetch: FetchLike;
}

/**
 * Evaluates `promql` from `start` to `end` every `stepSeconds`.
 *
 * @throws PrometheusError
 * @example await queryRange({ baseUrl, promql: "up", start, end, stepSeconds: 1, fetch })
 *   // → [{ metric: { job: "w" }, values: [[1.7e9, "1"], [1.7e9 + 1, "1"]] }]
 */
export async function queryRange(options: QueryRangeOptions): Promise<RangeSeries[]> {
  const { baseUrl, promql, start, end, stepSeconds, timeoutMs = 10_000, fetch } = options;
  const params = {
    query: promql,
    start: (start.getTime() / 1000).toFixed(3),
    end: (end.getTime() / 1000).toFixed(3),
    step: String(stepSeconds),
    timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s`,
  };
  const data = (await requestPrometheus({
    baseUrl,
    path: "api/v1/query_range",
    params,
    timeoutMs,
    fetch,
  })) as {
    resultType?: unknown;
    result?: unknown;
  };
  if (data.resultType === "matrix" && Array.isArray(data.result)) {
    const ok = data.result.every(
      (s: { metric?: unknown; values?: unknown }) =>
        s !== null && typeof s === "object" && typeof s.metric === "object" && Array.isArray(s.values),
    );
    if (ok) return data.result as RangeSeries[];
  }
  throw new PrometheusError(
    "E_PROM_BAD_RESPONSE",
    `unexpected range query result type ${String(data.resultType)}`,
  );
}
