/**
 * The data of the SLO stage: the policy derived from an intent, the samples observed in Prometheus, and
 * the decision taken from them. Everything here is plain JSON (numbers are finite; a sample that was NaN
 * or infinite carries no `value` but says so in `note`), so evidence can store it as it is.
 */
import type { Condition } from "../../compiler/types.js";

/** What the pipeline does when an SLO is breached (ARCHITECTURE.md, "SLO defaults"). */
export type SloAction = "rollback" | "alert" | "scale";

/** What the pipeline does when the window ends without a decision: wait for a person, fail, or roll back. */
export type OnInconclusive = "hold" | "fail" | "rollback";

/** How the measured value is compared with the threshold; `within` is the inclusive range `[min, max]`. */
export type Comparison = "<" | "<=" | ">" | ">=" | "within";

/** The measured quantities, each in the canonical unit of its target (compiler/vocabulary.ts). */
export type SloMetric =
  | "http_latency_p95_ms"
  | "http_error_ratio_percent"
  | "cpu_utilization_percent"
  | "memory_utilization_percent"
  | "pods_ready_percent"
  | "throughput_mbps"
  | "availability_percent";

export type SloUnit = "ms" | "%" | "Mbps";

/** One ENSURE target the verification measures. */
export interface SloTarget {
  /** `<expectationId>/<targetName>`: unique within a policy; keys queries, samples and results. */
  id: string;
  /** The 28.312 `targetName`. */
  name: string;
  expectationId: string;
  /** The 28.312 `targetCondition` the comparison comes from. */
  condition: Condition;
  metric: SloMetric;
  unit: SloUnit;
  comparison: Comparison;
  /** A number, or `[min, max]` for `within`; in `unit`. */
  threshold: number | [number, number];
  /** A breach counts only once consecutive breaching evaluations span this long (Prometheus `for:`). */
  forSeconds: number;
  /** Fewer usable samples than this in the window is inconclusive. */
  minSamples: number;
  action: SloAction;
}

/** An ENSURE target the SLO stage has no metric for (e.g. `DlLatency` of a slice): listed, never dropped. */
export interface UnmonitoredTarget {
  name: string;
  expectationId: string;
  condition: Condition;
  reason: string;
}

/** The SLO policy of one intent on one site (schemas/slo-policy.v1.schema.json). Frozen once built. */
export interface SloPolicy {
  apiVersion: "intentops.io/v1alpha1";
  kind: "SloPolicy";
  intentId: string;
  site: string;
  revision?: string;
  intentDigest: string;
  /** Length of the verification window. */
  windowSeconds: number;
  /** Time between two evaluations (instant queries). */
  intervalSeconds: number;
  /** Range of `rate()` / `avg_over_time()` in the queries. */
  rateWindowSeconds: number;
  /** Decision when the window ends inconclusive. Default `rollback` (fail closed). */
  onInconclusive: OnInconclusive;
  /** Whether targets without a metric make the decision inconclusive (default) or are only reported. */
  onUnmonitored: "inconclusive" | "ignore";
  targets: SloTarget[];
  unmonitored: UnmonitoredTarget[];
}

/** Who the queries are about: the identity labels of the workload's series. */
export interface SloIdentity {
  site: string;
  namespace: string;
  /** Workload (Service / Deployment) name. */
  workload: string;
  /** Revision of the intent the workload runs; omitted from the selector when absent. */
  revision?: string;
}

/** One PromQL query per target. */
export interface SloQuery {
  targetId: string;
  promql: string;
}

/**
 * One evaluation of one target: `value` when the query returned exactly one finite number; otherwise no
 * `value` and a `note` saying why (`no data`, `NaN`, `+Inf`, `3 series`, or the query error).
 */
export interface SloSample {
  /** Evaluation time, milliseconds since the epoch. */
  at: number;
  value?: number;
  note?: string;
}

/** All evaluations so far, keyed by target id, and when the window started. */
export interface SloObservations {
  /** Start of the window, milliseconds since the epoch. */
  startedAt: number;
  samples: Readonly<Record<string, readonly SloSample[]>>;
}

export type TargetStatus = "pass" | "breach" | "inconclusive";

/** The outcome of one target. */
export interface TargetResult {
  id: string;
  name: string;
  expectationId: string;
  metric: SloMetric;
  unit: SloUnit;
  comparison: Comparison;
  threshold: number | [number, number];
  action: SloAction;
  status: TargetStatus;
  /** The last usable value in the window (for a breach: the last value of the counted breach), or null. */
  value: number | null;
  /** Usable samples in the window. */
  samples: number;
  /** Evaluations in the window, usable or not. */
  evaluations: number;
  minSamples: number;
  forSeconds: number;
  /** Longest run of consecutive breaching evaluations, in seconds (0: none, or a single one). */
  breachSeconds: number;
  /** Breaching at the last evaluation for less than `forSeconds`: not yet a breach, no longer a pass. */
  pending?: true;
  reason: string;
}

/** The overall decision; `action` says what the pipeline does next. */
export type OverallDecision =
  | { decision: "pass"; reasons: string[] }
  | { decision: "breach"; action: SloAction; reasons: string[] }
  | { decision: "inconclusive"; action: OnInconclusive; reasons: string[] };

/** What `evaluateSlo` returns: data from which logs, evidence and intent reports are built. */
export interface SloDecision {
  intentId: string;
  site: string;
  /** ISO 8601. */
  startedAt: string;
  evaluatedAt: string;
  windowSeconds: number;
  elapsedSeconds: number;
  /** True when nothing more can change the decision: the window is over, or a breach has counted. */
  final: boolean;
  overall: OverallDecision;
  targets: TargetResult[];
  unmonitored: UnmonitoredTarget[];
}

// ---------------------------------------------------------------- TS 28.312 IntentReport (Intent NRM v18.2.0)

/** `FulfilmentStatus`. */
export type FulfilmentStatus = "FULFILLED" | "NOT_FULFILLED";

/** `NotFulfilledState`. */
export type NotFulfilledState =
  | "ACKNOWLEDGED"
  | "COMPLIANT"
  | "DEGRADED"
  | "SUSPENDED"
  | "TERMINATED"
  | "FULFILMENTFAILED";

/** `FulfilmentInfo`; the attribute name `notFullfilledState` is spelled as in the 3GPP file. */
export interface FulfilmentInfo {
  fulfilmentStatus: FulfilmentStatus;
  notFullfilledState?: NotFulfilledState;
  notFulfilledReasons?: string[];
}

/** `TargetFulfilmentResult`. */
export interface TargetFulfilmentResult {
  targetName: string;
  targetFulfilmentInfo: FulfilmentInfo;
  targetAchievedValue?: number;
}

/** `ExpectationFulfilmentResult`; `expectaitonId` is spelled as in the 3GPP file. */
export interface ExpectationFulfilmentResult {
  expectaitonId: string;
  expectationFulfilmentInfo: FulfilmentInfo;
  targetFulfilmentResult: TargetFulfilmentResult[];
}

/** `IntentReport-Single` with the fulfilment report (conflict and feasibility reports are not produced). */
export interface IntentReport {
  id: string;
  intentFulfilmentReport: {
    intentFulfilmentInfo: FulfilmentInfo;
    expectationFulfilmentResult: ExpectationFulfilmentResult[];
  };
  /** ISO 8601 date-time. */
  lastUpdatedTime: string;
  /** DN of the reported intent. */
  intentReference: string;
}
