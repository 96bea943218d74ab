/**
 * The Verifying phase against a real Prometheus: evaluate every target's query at each interval over the
 * window, feed the samples to the pure `evaluateSlo`, stop as soon as a breach counts, and return the
 * decision with the evidence it was taken on (exact PromQL, raw values as Prometheus wrote them, errors,
 * thresholds, timings, and one range query per target for the record).
 *
 * Every failure to get a number — unreachable, timeout, HTTP error, `status: "error"`, no series, several
 * series, NaN, ±Inf — becomes a sample without a value and a note saying why; `evaluateSlo` then makes the
 * target inconclusive. Nothing here can turn missing data into a pass.
 */
import { evaluateSlo } from "../../functions/slo/evaluateSlo.js";
import type { SloDecision, SloPolicy, SloQuery, SloSample } from "../../functions/slo/types.js";
import { validateSloPolicy } from "../../functions/slo/validateSloPolicy.js";
import { queryInstant } from "./queryInstant.js";
import { queryRange } from "./queryRange.js";
import type { FetchLike } from "./requestPrometheus.js";
import { PrometheusError, VerifyOptionsError } from "./verifyErrors.js";

/** The effects of verification, in one object so tests can swap them. */
export interface VerifyDeps {
  fetch: FetchLike;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
}

export interface VerifySloOptions {
  policy: Readonly<SloPolicy>;
  /** One per policy target (`buildQueries`). */
  queries: readonly SloQuery[];
  prometheusUrl: string;
  /** Overrides the policy's window (the policy is re-validated with it). */
  windowSeconds?: number;
  /** Overrides the policy's evaluation interval. */
  intervalSeconds?: number;
  /**
   * Per query; default 10 s. A late answer is still the value at its evaluation's time (every query names
   * it), so the timeout only bounds a hung Prometheus; the pod-set joins take seconds on a loaded machine.
   */
  queryTimeoutMs?: number;
  /** Also fetch each target's series over the window with one range query, as evidence. Default true. */
  rangeEvidence?: boolean;
  /** Called after every evaluation (progress output); must not throw. */
  onEvaluation?: (decision: SloDecision) => void;
  deps: VerifyDeps;
}

/** One instant evaluation as recorded: the raw value (`"NaN"` stays `"NaN"`), or why there is none. */
export interface EvidenceSample {
  /** ISO 8601 evaluation time. */
  at: string;
  /** The value exactly as Prometheus wrote it. */
  raw?: string;
  note?: string;
  /** How long the query took. */
  queryMs: number;
}

export interface TargetEvidence {
  targetId: string;
  promql: string;
  comparison: string;
  threshold: number | [number, number];
  unit: string;
  forSeconds: number;
  minSamples: number;
  action: string;
  samples: EvidenceSample[];
  /** The range query over the window: its series, or the error that prevented it. */
  range?: { series: { metric: Record<string, string>; values: [string, string][] }[] } | { error: string };
}

/** What verification saw and decided, for evidence.json. Plain JSON: no NaN anywhere. */
export interface SloEvidence {
  prometheusUrl: string;
  intentId: string;
  site: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  windowSeconds: number;
  intervalSeconds: number;
  rateWindowSeconds: number;
  evaluations: number;
  /** A breach counted before the window ended. */
  stoppedEarly: boolean;
  targets: TargetEvidence[];
  decision: SloDecision["overall"];
}

export interface SloVerification {
  decision: SloDecision;
  evidence: SloEvidence;
}

/**
 * Runs the verification window.
 *
 * @throws VerifyOptionsError `E_VERIFY_INVALID_OPTIONS` when a target has no query or the URL is not http(s);
 *   SloError `E_SLO_INVALID_POLICY` when the window/interval overrides make the policy invalid
 * @example
 *   const { decision } = await verifySlo({ policy, queries: buildQueries(policy, identity),
 *     prometheusUrl: "http://127.0.0.1:9090", deps: { fetch, clock: () => new Date(), sleep } });
 */
export async function verifySlo(options: VerifySloOptions): Promise<SloVerification> {
  const { prometheusUrl, deps, rangeEvidence = true, onEvaluation } = options;
  const policy =
    options.windowSeconds === undefined && options.intervalSeconds === undefined
      ? options.policy
      : validateSloPolicy({
          ...options.policy,
          windowSeconds: options.windowSeconds ?? options.policy.windowSeconds,
          intervalSeconds: options.intervalSeconds ?? options.policy.intervalSeconds,
        });
  if (!/^https?:\/\/[^/\s]+/.test(prometheusUrl)) {
    throw new VerifyOptionsError(`Prometheus URL ${JSON.stringify(prometheusUrl)} is not an http(s) URL`);
  }
  const queryOf = new Map(options.queries.map((q) => [q.targetId, q.promql]));
  for (const target of policy.targets) {
    if (!queryOf.has(target.id)) throw new VerifyOptionsError(`target ${target.id} has no query`);
  }
  const intervalMs = policy.intervalSeconds * 1000;
  const timeoutMs = options.queryTimeoutMs ?? 10_000;

  const samples: Record<string, SloSample[]> = {};
  const evidence: Record<string, EvidenceSample[]> = {};
  for (const target of policy.targets) {
    samples[target.id] = [];
    evidence[target.id] = [];
  }
  const startedAt = deps.clock().getTime();
  // A clock that does not move (a broken fake) must not spin forever: never more evaluations than the
  // window and its longest extension (a breach pending at the window's end, watched for its `for:`) hold,
  // plus slack for late wake-ups.
  const longestFor = Math.max(0, ...policy.targets.map((t) => t.forSeconds));
  const maxEvaluations = Math.ceil((policy.windowSeconds + longestFor) / policy.intervalSeconds) + 3;
  let evaluations = 0;
  let decision: SloDecision;
  for (;;) {
    const due = startedAt + evaluations * intervalMs;
    const wait = due - deps.clock().getTime();
    if (wait > 0) await deps.sleep(wait);
    const at = deps.clock();
    await Promise.all(
      policy.targets.map(async (target) => {
        const { sample, record } = await evaluateOnce(
          queryOf.get(target.id)!,
          at,
          prometheusUrl,
          timeoutMs,
          deps,
        );
        samples[target.id]!.push(sample);
        evidence[target.id]!.push(record);
      }),
    );
    evaluations += 1;
    decision = evaluateSlo(policy, { startedAt, samples }, deps.clock());
    onEvaluation?.(decision);
    if (decision.final || evaluations >= maxEvaluations) break;
  }

  const finishedAt = deps.clock();
  const ranges = rangeEvidence
    ? await Promise.all(
        policy.targets.map((t) =>
          rangeOf(
            queryOf.get(t.id)!,
            new Date(startedAt),
            finishedAt,
            policy.intervalSeconds,
            prometheusUrl,
            timeoutMs,
            deps,
          ),
        ),
      )
    : undefined;
  return {
    decision,
    evidence: {
      prometheusUrl,
      intentId: policy.intentId,
      site: policy.site,
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt,
      windowSeconds: policy.windowSeconds,
      intervalSeconds: policy.intervalSeconds,
      rateWindowSeconds: policy.rateWindowSeconds,
      evaluations,
      stoppedEarly:
        decision.overall.decision === "breach" &&
        finishedAt.getTime() - startedAt < policy.windowSeconds * 1000,
      targets: policy.targets.map((t, i) => ({
        targetId: t.id,
        promql: queryOf.get(t.id)!,
        comparison: t.comparison,
        threshold: structuredClone(t.threshold),
        unit: t.unit,
        forSeconds: t.forSeconds,
        minSamples: t.minSamples,
        action: t.action,
        samples: evidence[t.id]!,
        ...(ranges ? { range: ranges[i]! } : {}),
      })),
      decision: decision.overall,
    },
  };
}

async function evaluateOnce(
  promql: string,
  at: Date,
  baseUrl: string,
  timeoutMs: number,
  deps: VerifyDeps,
): Promise<{ sample: SloSample; record: EvidenceSample }> {
  const started = deps.clock().getTime();
  const time = at.getTime();
  const done = (sample: SloSample, raw?: string) => ({
    sample,
    record: {
      at: at.toISOString(),
      ...(raw !== undefined ? { raw } : {}),
      ...(sample.note !== undefined ? { note: sample.note } : {}),
      queryMs: deps.clock().getTime() - started,
    },
  });
  try {
    const series = await queryInstant({ baseUrl, promql, time: at, timeoutMs, fetch: deps.fetch });
    if (series.length === 0) return done({ at: time, note: "no data: the query returned no series" });
    if (series.length > 1) return done({ at: time, note: `${series.length} series where one was expected` });
    const raw = series[0]!.value[1];
    const value = Number(raw);
    // Prometheus writes NaN and ±Inf as "NaN", "+Inf", "-Inf"; none of them is a measurement.
    if (!Number.isFinite(value)) return done({ at: time, note: `value ${raw}` }, raw);
    return done({ at: time, value }, raw);
  } catch (error) {
    if (error instanceof PrometheusError) return done({ at: time, note: `${error.code}: ${error.message}` });
    throw error;
  }
}

async function rangeOf(
  promql: string,
  start: Date,
  end: Date,
  stepSeconds: number,
  baseUrl: string,
  timeoutMs: number,
  deps: VerifyDeps,
): Promise<NonNullable<TargetEvidence["range"]>> {
  try {
    const series = await queryRange({
      baseUrl,
      promql,
      start,
      end,
      stepSeconds,
      timeoutMs,
      fetch: deps.fetch,
    });
    return {
      series: series.map((s) => ({
        metric: s.metric,
        values: s.values.map(([t, v]) => [new Date(t * 1000).toISOString(), v] as [string, string]),
      })),
    };
  } catch (error) {
    if (error instanceof PrometheusError) return { error: `${error.code}: ${error.message}` };
    throw error;
  }
}
