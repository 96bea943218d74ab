/**
 * SLO decision → TS 28.312 `IntentReport` (its `intentFulfilmentReport`): what a 28.312 MnS consumer reads
 * to learn whether the intent, each ENSURE expectation and each target is fulfilled.
 *
 * Mapping (TS 28.312 clause 5.1.2 states):
 * - target pass → FULFILLED; breach → NOT_FULFILLED / DEGRADED; inconclusive or not measurable →
 *   NOT_FULFILLED / ACKNOWLEDGED (acknowledged, fulfilment not established), with the reason;
 * - expectation → FULFILLED when all its targets are, DEGRADED when one is, else ACKNOWLEDGED;
 * - intent: pass → FULFILLED; breach → DEGRADED (alert, scale) or FULFILMENTFAILED (rollback); window still
 *   open → COMPLIANT when every target passes so far, else ACKNOWLEDGED; inconclusive at the end →
 *   SUSPENDED (`hold`: waits for a person) or FULFILMENTFAILED (`fail`, `rollback`).
 * `targetAchievedValue` is the last usable measured value, in the target's canonical unit; absent when none.
 * Only the ENSURE expectations of the site the decision is about appear (DELIVER expectations have no
 * measured targets; their delivery is reported by the reconciler's evidence).
 */
import type { CompiledIntent } from "../../compiler/types.js";
import { SloError } from "./SloError.js";
import type {
  ExpectationFulfilmentResult,
  FulfilmentInfo,
  IntentReport,
  SloDecision,
  TargetFulfilmentResult,
} from "./types.js";

/**
 * Builds the intent report of `decision` (taken for `compiled`) at `now`.
 *
 * @throws SloError `E_SLO_MISMATCH` when the decision is about another intent
 * @example buildIntentReport(compiled, decision, new Date()).intentFulfilmentReport.intentFulfilmentInfo
 *   // → { fulfilmentStatus: "NOT_FULFILLED", notFullfilledState: "FULFILMENTFAILED", notFulfilledReasons: [...] }
 */
export function buildIntentReport(compiled: CompiledIntent, decision: SloDecision, now: Date): IntentReport {
  const intentId = compiled.spec.intentId;
  if (decision.intentId !== intentId) {
    throw new SloError(
      "E_SLO_MISMATCH",
      `the decision is about intent ${decision.intentId}, not ${intentId}`,
      {
        subject: `${decision.site}/${intentId}`,
      },
    );
  }
  const results = new Map(decision.targets.map((t) => [t.id, t]));
  const unmonitored = new Map(decision.unmonitored.map((u) => [`${u.expectationId}/${u.name}`, u]));

  const expectations: ExpectationFulfilmentResult[] = [];
  for (const expectation of compiled.spec.intent.intentExpectations) {
    if (expectation.expectationVerb !== "ENSURE") continue;
    const targets: TargetFulfilmentResult[] = [];
    for (const target of expectation.expectationTargets ?? []) {
      const id = `${expectation.expectationId}/${target.targetName}`;
      const result = results.get(id);
      const missing = unmonitored.get(id);
      if (result !== undefined) {
        const info: FulfilmentInfo =
          result.status === "pass"
            ? { fulfilmentStatus: "FULFILLED" }
            : notFulfilled(result.status === "breach" ? "DEGRADED" : "ACKNOWLEDGED", [
                `${result.status}: ${result.reason}`,
              ]);
        targets.push({
          targetName: target.targetName,
          targetFulfilmentInfo: info,
          ...(result.value !== null ? { targetAchievedValue: result.value } : {}),
        });
      } else if (missing !== undefined) {
        targets.push({
          targetName: target.targetName,
          targetFulfilmentInfo: notFulfilled("ACKNOWLEDGED", [`not measured: ${missing.reason}`]),
        });
      }
    }
    // An ENSURE about another site's objects has no result here: it is not this report's subject.
    if (targets.length === 0) continue;
    expectations.push({
      expectaitonId: expectation.expectationId,
      expectationFulfilmentInfo: aggregate(targets),
      targetFulfilmentResult: targets,
    });
  }

  return {
    id: `${decision.site}/${intentId}`,
    intentFulfilmentReport: {
      intentFulfilmentInfo: intentInfo(decision),
      expectationFulfilmentResult: expectations,
    },
    lastUpdatedTime: now.toISOString(),
    intentReference: `Intent=${compiled.spec.intent.id}`,
  };
}

function intentInfo(decision: SloDecision): FulfilmentInfo {
  const { overall } = decision;
  switch (overall.decision) {
    case "pass":
      return { fulfilmentStatus: "FULFILLED" };
    case "breach":
      return notFulfilled(overall.action === "rollback" ? "FULFILMENTFAILED" : "DEGRADED", overall.reasons);
    case "inconclusive":
      if (!decision.final) {
        const compliant = decision.targets.length > 0 && decision.targets.every((t) => t.status === "pass");
        return notFulfilled(compliant ? "COMPLIANT" : "ACKNOWLEDGED", overall.reasons);
      }
      return notFulfilled(overall.action === "hold" ? "SUSPENDED" : "FULFILMENTFAILED", overall.reasons);
  }
}

function aggregate(targets: readonly TargetFulfilmentResult[]): FulfilmentInfo {
  if (targets.every((t) => t.targetFulfilmentInfo.fulfilmentStatus === "FULFILLED")) {
    return { fulfilmentStatus: "FULFILLED" };
  }
  const open = targets.filter((t) => t.targetFulfilmentInfo.fulfilmentStatus !== "FULFILLED");
  const degraded = open.some((t) => t.targetFulfilmentInfo.notFullfilledState === "DEGRADED");
  return notFulfilled(
    degraded ? "DEGRADED" : "ACKNOWLEDGED",
    open.map((t) => `${t.targetName}: ${t.targetFulfilmentInfo.notFullfilledState}`),
  );
}

function notFulfilled(
  state: FulfilmentInfo["notFullfilledState"],
  reasons: readonly string[],
): FulfilmentInfo {
  return { fulfilmentStatus: "NOT_FULFILLED", notFullfilledState: state!, notFulfilledReasons: [...reasons] };
}
