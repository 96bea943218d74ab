/**
 * The Verifying phase over Prometheus: per site, the SLO policy derived from the compiled intent, queries
 * from the workload's identity, `verifySlo` over the window; the sites' decisions combine into one verdict
 * (the most severe action wins). Intents with no ENSURE targets have nothing to verify and pass at once.
 */
import { join } from "node:path";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import { IntentopsError } from "../../compiler/errors.js";
import type { SiteRegistry } from "../../compiler/types.js";
import { buildIntentReport } from "../../functions/slo/buildIntentReport.js";
import { buildQueries } from "../../functions/slo/buildQueries.js";
import { deriveSloPolicy, type SloPolicyOverrides } from "../../functions/slo/deriveSloPolicy.js";
import { readSloIdentity } from "../../functions/slo/readSloIdentity.js";
import { siteLabelOf } from "../../functions/slo/siteLabelOf.js";
import type { SloDecision } from "../../functions/slo/types.js";
import { writeFilesAtomically } from "../fs/writeFilesAtomically.js";
import { abortableFetch, abortableSleep } from "../support/abortable.js";
import { verifySlo } from "../verify/verifySlo.js";
import type { Verdict } from "./advanceRun.js";
import type { VerifySites } from "./createSteps.js";

export interface VerifyWithPrometheusOptions {
  registry: SiteRegistry;
  overrides?: SloPolicyOverrides;
  /** Prometheus URL used when a site names none. */
  defaultPrometheusUrl?: string;
  fetch?: typeof fetch;
  clock?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  onEvaluation?: (decision: SloDecision) => void;
  /** Where each site's TS 28.312 intent report is kept (`<dir>/<intent-id>/<site>.json`, read by `intentops report`). */
  reportsDir?: string;
}

const SEVERITY: Readonly<Record<Verdict["action"], number>> = {
  none: 0,
  hold: 1,
  alert: 2,
  scale: 3,
  fail: 4,
  rollback: 5,
};

/** @example createSteps({ …, verify: verifyWithPrometheus({ registry }) }) */
export function verifyWithPrometheus(options: VerifyWithPrometheusOptions): VerifySites {
  const { registry, overrides } = options;
  const deps = {
    fetch: options.fetch ?? fetch,
    clock: options.clock ?? (() => new Date()),
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
  };
  return async ({ compiled, sites, signal }) => {
    const hasTargets = compiled.spec.intent.intentExpectations.some(
      (e) => e.expectationVerb === "ENSURE" && (e.expectationTargets?.length ?? 0) > 0,
    );
    if (!hasTargets) {
      return { verdict: { decision: "pass", action: "none", reasons: ["the intent states no SLO targets"] } };
    }
    const perSite: Record<string, unknown> = {};
    const verdicts: Verdict[] = [];
    // Sites are verified together: their windows overlap, so two sites cost one window, not two.
    // allSettled: one site's error must not leave another's verification running unobserved.
    const settled = await Promise.allSettled(
      sites.map(async (site) => {
        const url =
          registry.sites.find((s) => s.id === site)?.prometheus?.url ?? options.defaultPrometheusUrl;
        if (!url) {
          throw new IntentopsError("E_USAGE_NO_PROMETHEUS", "the site names no Prometheus URL", {
            subject: `${site}/${compiled.spec.intentId}`,
          });
        }
        const policy = deriveSloPolicy(compiled, site, overrides);
        const queries = buildQueries(policy, readSloIdentity(compiled, site), {
          siteLabel: siteLabelOf(registry.sites, site),
        });
        if (signal.aborted) throw signal.reason;
        const { decision, evidence } = await verifySlo({
          policy,
          queries,
          prometheusUrl: url,
          deps: {
            ...deps,
            fetch: abortableFetch(deps.fetch, signal),
            sleep: abortableSleep(deps.sleep, signal),
          },
          ...(options.onEvaluation ? { onEvaluation: options.onEvaluation } : {}),
        });
        perSite[site] = evidence;
        verdicts.push(toVerdict(decision, site));
        if (options.reportsDir) {
          const report = buildIntentReport(compiled, decision, deps.clock());
          await writeFilesAtomically(
            join(options.reportsDir, compiled.spec.intentId),
            new Map([[`${site}.json`, stringifyCanonical(report)]]),
          );
        }
      }),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    verdicts.sort((a, b) => SEVERITY[b.action] - SEVERITY[a.action]);
    const worst = verdicts[0] ?? { decision: "pass", action: "none", reasons: [] };
    return {
      verdict: { ...worst, reasons: verdicts.flatMap((v) => v.reasons) },
      details: { slo: perSite },
    };
  };
}

function toVerdict(decision: SloDecision, site: string): Verdict {
  const overall = decision.overall;
  const reasons = overall.reasons.map((reason) => `${site}/${decision.intentId}: ${reason}`);
  if (overall.decision === "pass") return { decision: "pass", action: "none", reasons };
  return { decision: overall.decision, action: overall.action, reasons };
}
