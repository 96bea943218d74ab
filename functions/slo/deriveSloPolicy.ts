/**
 * Compiled intent → SLO policy for one site: every ENSURE target that refers to something delivered on the
 * site becomes a checked target (metric, comparison, threshold, `for`, minimum samples, action), or, when
 * the SLO stage has no metric for it, an unmonitored entry that is reported, never dropped.
 */
import type { CompiledIntent, Condition, IntentExpectation, ValueRange } from "../../compiler/types.js";
import { SloError } from "./SloError.js";
import { SLO_METRIC_BY_TARGET, SLO_METRIC_SPECS, SLO_POLICY_DEFAULTS } from "./sloMetrics.js";
import type {
  Comparison,
  OnInconclusive,
  SloAction,
  SloPolicy,
  SloTarget,
  UnmonitoredTarget,
} from "./types.js";
import { validateSloPolicy } from "./validateSloPolicy.js";

/** Per-target settings; keyed by target name (`p95Latency`) or target id (`analytics-slo/p95Latency`). */
export interface SloTargetOverride {
  forSeconds?: number;
  minSamples?: number;
  action?: SloAction;
}

/** Everything a caller (the pipeline's config, the CLI, a test) may set instead of the defaults. */
export interface SloPolicyOverrides {
  /** Default 120. */
  windowSeconds?: number;
  /** Default 10. */
  intervalSeconds?: number;
  /** Default 60 (`[1m]`). */
  rateWindowSeconds?: number;
  /** For every target; default per metric (30 s latency, error rate, pods ready; 60 s the others). */
  forSeconds?: number;
  /** For every target; default half the evaluations the window holds, at least 2. */
  minSamples?: number;
  /** Default `rollback`: fail closed. */
  onInconclusive?: OnInconclusive;
  /** Default `inconclusive`: a target nobody can measure is not a pass. */
  onUnmonitored?: "inconclusive" | "ignore";
  targets?: Readonly<Record<string, SloTargetOverride>>;
}

/**
 * Derives the SLO policy of `compiled` on `site`.
 *
 * Actions default per metric (ARCHITECTURE.md): p95 latency → rollback, error rate → alert, CPU → scale when
 * the delivered workload can scale (its `maxReplicas` is above its `minReplicas`/`replicas`) else rollback,
 * memory → alert, pods ready → rollback, throughput and availability → alert.
 *
 * @throws SloError `E_SLO_SITE_NOT_TARGETED`, `E_SLO_INVALID_TARGET`, `E_SLO_INVALID_POLICY`
 * @example deriveSloPolicy(compiled, "edge1", { windowSeconds: 60 }).targets[0]
 *   // → { id: "analytics-slo/cpuUtilization", comparison: "<=", threshold: 80, action: "scale", … }
 */
export function deriveSloPolicy(
  compiled: CompiledIntent,
  site: string,
  overrides: SloPolicyOverrides = {},
): Readonly<SloPolicy> {
  const spec = compiled.spec;
  const subject = `${site}/${spec.intentId}`;
  if (!spec.sites.includes(site)) {
    throw new SloError(
      "E_SLO_SITE_NOT_TARGETED",
      `site ${site} is not a target of intent ${spec.intentId} (sites: ${spec.sites.join(", ") || "none"})`,
      { subject },
    );
  }
  const windowSeconds = overrides.windowSeconds ?? SLO_POLICY_DEFAULTS.windowSeconds;
  const intervalSeconds = overrides.intervalSeconds ?? SLO_POLICY_DEFAULTS.intervalSeconds;
  const evaluations = Math.floor(windowSeconds / intervalSeconds + 1e-9) + 1;
  const defaultMinSamples = Math.max(2, Math.ceil(evaluations / 2));

  const expectations = spec.intent.intentExpectations;
  const delivers = expectations.filter((e) => e.expectationVerb === "DELIVER");
  const targets: SloTarget[] = [];
  const unmonitored: UnmonitoredTarget[] = [];
  for (const ensure of expectations.filter((e) => e.expectationVerb === "ENSURE")) {
    const linked = delivers.filter((d) => sameObject(d, ensure));
    // An ENSURE about objects delivered only elsewhere is not this site's business; one that refers to no
    // DELIVER at all is checked everywhere (checking too much fails closed, checking too little does not).
    if (linked.length > 0 && !linked.some((d) => sitesOf(d, spec.sites).includes(site))) continue;
    for (const target of ensure.expectationTargets ?? []) {
      const id = `${ensure.expectationId}/${target.targetName}`;
      const metric = SLO_METRIC_BY_TARGET.get(target.targetName);
      if (metric === undefined) {
        unmonitored.push({
          name: target.targetName,
          expectationId: ensure.expectationId,
          condition: target.targetCondition,
          reason: `no metric for target ${target.targetName}; measurable targets: ${SLO_METRIC_SPECS.map((m) => m.targetName).join(", ")}`,
        });
        continue;
      }
      const { comparison, threshold } = comparisonOf(
        target.targetCondition,
        target.targetValueRange,
        id,
        subject,
      );
      const own = overrides.targets?.[id] ?? overrides.targets?.[target.targetName] ?? {};
      const defaultAction: SloAction =
        metric.defaultAction === "scale" && !linked.some(canScale) ? "rollback" : metric.defaultAction;
      targets.push({
        id,
        name: target.targetName,
        expectationId: ensure.expectationId,
        condition: target.targetCondition,
        metric: metric.metric,
        unit: metric.unit,
        comparison,
        threshold,
        forSeconds: own.forSeconds ?? overrides.forSeconds ?? metric.defaultForSeconds,
        minSamples: own.minSamples ?? overrides.minSamples ?? defaultMinSamples,
        action: own.action ?? defaultAction,
      });
    }
  }
  targets.sort((a, b) => compare(a.id, b.id));
  unmonitored.sort((a, b) => compare(`${a.expectationId}/${a.name}`, `${b.expectationId}/${b.name}`));

  const policy: SloPolicy = {
    apiVersion: "intentops.io/v1alpha1",
    kind: "SloPolicy",
    intentId: spec.intentId,
    site,
    ...(spec.revision !== undefined ? { revision: spec.revision } : {}),
    intentDigest: spec.intentDigest,
    windowSeconds,
    intervalSeconds,
    rateWindowSeconds: overrides.rateWindowSeconds ?? SLO_POLICY_DEFAULTS.rateWindowSeconds,
    onInconclusive: overrides.onInconclusive ?? SLO_POLICY_DEFAULTS.onInconclusive,
    onUnmonitored: overrides.onUnmonitored ?? SLO_POLICY_DEFAULTS.onUnmonitored,
    targets,
    unmonitored,
  };
  return validateSloPolicy(policy);
}

function comparisonOf(
  condition: Condition,
  range: ValueRange | ValueRange[],
  id: string,
  subject: string,
): { comparison: Comparison; threshold: number | [number, number] } {
  const fail = (why: string): never => {
    throw new SloError("E_SLO_INVALID_TARGET", `target ${id}: ${why}`, { subject });
  };
  const number = (v: unknown): number =>
    typeof v === "number" && Number.isFinite(v) ? v : fail(`expected a number, got ${JSON.stringify(v)}`);
  const single = (): number => number(Array.isArray(range) && range.length === 1 ? range[0] : range);
  switch (condition) {
    case "IS_LESS_THAN":
      return { comparison: "<", threshold: single() };
    case "IS_EQUAL_TO_OR_LESS_THAN":
      return { comparison: "<=", threshold: single() };
    case "IS_GREATER_THAN":
      return { comparison: ">", threshold: single() };
    case "IS_EQUAL_TO_OR_GREATER_THAN":
      return { comparison: ">=", threshold: single() };
    case "IS_WITHIN_RANGE": {
      if (!Array.isArray(range) || range.length !== 2) return fail("IS_WITHIN_RANGE needs [min, max]");
      const min = number(range[0]);
      const max = number(range[1]);
      return min <= max
        ? { comparison: "within", threshold: [min, max] }
        : fail("range minimum is above its maximum");
    }
    default:
      return fail(`condition ${condition} cannot be checked against a measured number`);
  }
}

function sameObject(a: IntentExpectation, b: IntentExpectation): boolean {
  return (
    a.expectationObject.objectType === b.expectationObject.objectType &&
    (a.expectationObject.objectInstance ?? "") === (b.expectationObject.objectInstance ?? "")
  );
}

/** The sites a DELIVER names (`edgeIdentificationId`); all the intent's sites when it names none. */
function sitesOf(deliver: IntentExpectation, all: readonly string[]): readonly string[] {
  const context = deliver.expectationObject.objectContexts?.find(
    (c) => c.contextAttribute === "edgeIdentificationId",
  );
  if (context === undefined) return all;
  const value = context.contextValueRange;
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
}

/** Whether the delivered workload has room to scale out: `maxReplicas` above its floor. */
function canScale(deliver: IntentExpectation): boolean {
  const contexts = deliver.expectationObject.objectContexts ?? [];
  const read = (name: string): number | undefined => {
    const value = contexts.find((c) => c.contextAttribute === name)?.contextValueRange;
    return typeof value === "number" ? value : undefined;
  };
  const max = read("maxReplicas");
  const floor = read("minReplicas") ?? read("replicas") ?? 1;
  return max !== undefined && max > floor;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
