/** `GET|POST /api/v1/query`: one PromQL expression evaluated at one instant. */
import { type FetchLike, requestPrometheus } from "./requestPrometheus.js";
import { PrometheusError } from "./verifyErrors.js";

/** One series of an instant vector: its labels and `[unix seconds, value as Prometheus wrote it]`. */
export interface InstantSeries {
  metric: Record<string, string>;
  value: [number, string];
}

export interface QueryInstantOptions {
  baseUrl: string;
  promql: string;
  /** Evaluation time; default: Prometheus' now. */
  time?: Date;
  /** Default 10 000. */
  timeoutMs?: number;
  fetch: FetchLike;
}

/**
 * Evaluates `promql` at `time`. A scalar result is returned as one series without labels, so callers see
 * one shape.
 *
 * @throws PrometheusError (`E_PROM_BAD_RESPONSE` also for a string or matrix result)
 * @example await queryInstant({ baseUrl, promql: "up", fetch }) // → [{ metric: { job: "w", … }, value: [1.7e9, "1"] }]
 */
export async function queryInstant(options: QueryInstantOptions): Promise<InstantSeries[]> {
  const { baseUrl, promql, time, timeoutMs = 10_000, fetch } = options;
  const params: Record<string, string> = {
    query: promql,
    timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s`,
  };
  if (time !== undefined) params.time = (time.getTime() / 1000).toFixed(3);
  const data = (await requestPrometheus({ baseUrl, path: "api/v1/query", params, timeoutMs, fetch })) as {
    resultType?: unknown;
    result?: unknown;
  };
  if (data.resultType === "scalar" && isSample(data.result)) return [{ metric: {}, value: data.result }];
  if (data.resultType === "vector" && Array.isArray(data.result) && data.result.every(isSeries)) {
    return data.result as InstantSeries[];
  }
  throw new PrometheusError(
    "E_PROM_BAD_RESPONSE",
    `unexpected instant query result type ${String(data.resultType)}`,
  );
}

function isSample(value: unknown): value is [number, string] {
  return Array.isArray(value) && typeof value[0] === "number" && typeof value[1] === "string";
}

function isSeries(value: unknown): boolean {
  const series = value as { metric?: unknown; value?: unknown };
  return (
    series !== null &&
    typeof series === "object" &&
    typeof series.metric === "object" &&
    isSample(series.value)
  );
}
