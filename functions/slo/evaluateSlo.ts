/**
 * Samples → decision. Pure: the samples and the clock reading are passed in, the decision comes back as
 * data with a reason for every target.
 *
 * The rules, in order, per target:
 * 1. **breach** when consecutive usable evaluations breach the threshold over at least `forSeconds`
 *    (like Prometheus `for:`: an unusable evaluation or a good one in between restarts the count);
 * 2. **inconclusive** when there are no usable samples, fewer than `minSamples`, an unusable evaluation
 *    after data had started (a gap: the value then is unknown, and a breach could hide in it), or a breach
 *    still running at the end that has not yet lasted `forSeconds` (pending);
 * 3. **pass** otherwise.
 * A sample is usable only when it has a finite `value`: no data, NaN, ±Inf, several series and query
 * errors are never usable, so they can never make a pass.
 *
 * Overall: any counted breach → breach with the most severe action (rollback > scale > alert), final at
 * once; before the window ends → inconclusive, not final; at the end, while a target is pending, the
 * observation goes on (not final) until its breach has lasted `forSeconds` (→ breach) or ended (→ the
 * other rules), for at most the longest pending target's `forSeconds` past the window — a transient at
 * the window's edge (a new pod not yet ready) is then neither a pass nor a rollback by chance; after that,
 * any inconclusive target, or an
 * unmonitored one under `onUnmonitored: "inconclusive"` → inconclusive with the policy's `onInconclusive`;
 * otherwise pass. A policy with no targets at all (the intent states no SLO) passes at once: there is
 * nothing it requires.
 */
import type {
  OverallDecision,
  SloAction,
  SloDecision,
  SloObservations,
  SloPolicy,
  SloSample,
  SloTarget,
  TargetResult,
} from "./types.js";

const SEVERITY: Record<SloAction, number> = { alert: 0, scale: 1, rollback: 2 };

/**
 * Evaluates `observations` against `policy` at `now`.
 *
 * @example evaluateSlo(policy, { startedAt: t0, samples: { "slo/p95Latency": [{ at: t0, value: 42 }] } }, now)
 *   // → { final: false, overall: { decision: "inconclusive", action: "rollback", reasons: [...] }, ... }
 */
export function evaluateSlo(
  policy: Readonly<SloPolicy>,
  observations: SloObservations,
  now: Date,
): SloDecision {
  const nowMs = now.getTime();
  const { startedAt } = observations;
  const windowMs = policy.windowSeconds * 1000;
  const windowComplete = nowMs - startedAt >= windowMs;
  const targets = policy.targets.map((t) =>
    evaluateTarget(t, observations.samples[t.id] ?? [], startedAt, nowMs),
  );
  const { overall, final } = decide(policy, targets, windowComplete, nowMs - startedAt);
  return {
    intentId: policy.intentId,
    site: policy.site,
    startedAt: new Date(startedAt).toISOString(),
    evaluatedAt: now.toISOString(),
    windowSeconds: policy.windowSeconds,
    elapsedSeconds: Math.max(0, (nowMs - startedAt) / 1000),
    final,
    overall,
    targets,
    unmonitored: policy.unmonitored.map((u) => ({ ...u })),
  };
}

function decide(
  policy: Readonly<SloPolicy>,
  targets: readonly TargetResult[],
  windowComplete: boolean,
  elapsedMs: number,
): { overall: OverallDecision; final: boolean } {
  const breaches = targets.filter((t) => t.status === "breach");
  if (breaches.length > 0) {
    const action = breaches.reduce<SloAction>(
      (worst, t) => (SEVERITY[t.action] > SEVERITY[worst] ? t.action : worst),
      "alert",
    );
    return { overall: { decision: "breach", action, reasons: breaches.map(line) }, final: true };
  }
  const counted = policy.onUnmonitored === "inconclusive" ? policy.unmonitored : [];
  if (targets.length === 0 && counted.length === 0) {
    const ignored = policy.unmonitored.map((u) => `${u.expectationId}/${u.name}: not measured (${u.reason})`);
    return {
      overall: { decision: "pass", reasons: ["the intent states no measurable SLO target", ...ignored] },
      final: true,
    };
  }
  const open = [
    ...targets.filter((t) => t.status !== "pass").map(line),
    ...counted.map((u) => `${u.expectationId}/${u.name}: inconclusive: ${u.reason}`),
  ];
  if (!windowComplete) {
    const progress = `window not complete: ${seconds(elapsedMs)} of ${policy.windowSeconds}s observed`;
    return {
      overall: { decision: "inconclusive", action: policy.onInconclusive, reasons: [progress, ...open] },
      final: false,
    };
  }
  const pending = targets.filter((t) => t.pending);
  const extensionMs = Math.max(0, ...pending.map((t) => t.forSeconds * 1000));
  if (pending.length > 0 && elapsedMs < policy.windowSeconds * 1000 + extensionMs) {
    const watching = `window complete; ${pending.length} target(s) breaching for less than their for: — observed until the breach lasts or ends (at most ${seconds(extensionMs)} past the window)`;
    return {
      overall: { decision: "inconclusive", action: policy.onInconclusive, reasons: [watching, ...open] },
      final: false,
    };
  }
  if (open.length > 0) {
    return {
      overall: { decision: "inconclusive", action: policy.onInconclusive, reasons: open },
      final: true,
    };
  }
  const reasons = [`all ${targets.length} target(s) met over the ${policy.windowSeconds}s window`];
  for (const u of policy.unmonitored)
    reasons.push(`${u.expectationId}/${u.name}: not measured (${u.reason})`);
  return { overall: { decision: "pass", reasons }, final: true };
}

function evaluateTarget(
  target: SloTarget,
  all: readonly SloSample[],
  from: number,
  to: number,
): TargetResult {
  const samples = all.filter((s) => s.at >= from && s.at <= to).sort((a, b) => a.at - b.at);
  const forMs = target.forSeconds * 1000;
  let usable = 0;
  let last: number | null = null;
  let runStart: number | undefined;
  let longestMs = 0;
  let counted: { at: number; value: number; runMs: number } | undefined;
  let gap: SloSample | undefined;
  let lastUnusable: SloSample | undefined;
  let breachingSamples = 0;
  for (const sample of samples) {
    const value = sample.value;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      runStart = undefined;
      lastUnusable = sample;
      if (usable > 0 && gap === undefined) gap = sample;
      continue;
    }
    usable += 1;
    last = value;
    if (!breaches(target, value)) {
      runStart = undefined;
      continue;
    }
    breachingSamples += 1;
    runStart ??= sample.at;
    const runMs = sample.at - runStart;
    longestMs = Math.max(longestMs, runMs);
    if (counted === undefined && runMs >= forMs) counted = { at: sample.at, value, runMs };
  }

  const result = (
    status: TargetResult["status"],
    reason: string,
    value = last,
    pending = false,
  ): TargetResult => ({
    id: target.id,
    name: target.name,
    expectationId: target.expectationId,
    metric: target.metric,
    unit: target.unit,
    comparison: target.comparison,
    threshold: structuredClone(target.threshold),
    action: target.action,
    status,
    value,
    samples: usable,
    evaluations: samples.length,
    minSamples: target.minSamples,
    forSeconds: target.forSeconds,
    breachSeconds: longestMs / 1000,
    ...(pending ? { pending: true as const } : {}),
    reason,
  });
  const want = requirement(target);
  if (counted !== undefined) {
    return result(
      "breach",
      `${show(counted.value, target.unit)} breaches ${want} for ${seconds(counted.runMs)} (for: ${target.forSeconds}s) at ${new Date(counted.at).toISOString()}; action ${target.action}`,
      counted.value,
    );
  }
  const why = lastUnusable?.note ?? "no data";
  if (samples.length === 0) return result("inconclusive", "no evaluation yet");
  if (usable === 0)
    return result("inconclusive", `no usable sample in ${samples.length} evaluation(s) (last: ${why})`);
  if (usable < target.minSamples) {
    return result(
      "inconclusive",
      `${usable} usable sample(s), ${target.minSamples} required (${samples.length} evaluation(s)${lastUnusable ? `; last unusable: ${why}` : ""})`,
    );
  }
  if (gap !== undefined) {
    return result(
      "inconclusive",
      `data lost at ${new Date(gap.at).toISOString()} (${gap.note ?? "no data"}) after data had started; the value in the gap is unknown`,
    );
  }
  if (runStart !== undefined) {
    return result(
      "inconclusive",
      `${show(last!, target.unit)} breaches ${want} at the end, for ${seconds(to - runStart)} so far, less than for: ${target.forSeconds}s`,
      last,
      true,
    );
  }
  const spikes =
    breachingSamples > 0
      ? `; ${breachingSamples} breaching sample(s), none persisting for ${target.forSeconds}s (longest ${seconds(longestMs)})`
      : "";
  return result("pass", `${usable} sample(s), last ${show(last!, target.unit)}, requires ${want}${spikes}`);
}

/** Whether `value` violates the target. */
function breaches(target: SloTarget, value: number): boolean {
  const t = target.threshold;
  switch (target.comparison) {
    case "<":
      return !(value < (t as number));
    case "<=":
      return !(value <= (t as number));
    case ">":
      return !(value > (t as number));
    case ">=":
      return !(value >= (t as number));
    case "within": {
      const [min, max] = t as [number, number];
      return !(value >= min && value <= max);
    }
  }
}

function requirement(target: SloTarget): string {
  if (Array.isArray(target.threshold)) {
    return `within [${show(target.threshold[0], target.unit)}, ${show(target.threshold[1], target.unit)}]`;
  }
  return `${target.comparison} ${show(target.threshold, target.unit)}`;
}

function line(t: TargetResult): string {
  return `${t.id}: ${t.status}: ${t.reason}`;
}

function show(value: number, unit: string): string {
  return `${Number(value.toPrecision(6))}${unit === "%" ? " %" : ` ${unit}`}`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}
