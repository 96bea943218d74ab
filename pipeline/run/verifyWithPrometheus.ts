/**
 * The Verifying phase over Prometheus: per site, the SLO policy derived from the compiled intent, queries
 * from the workload's identity, `verifySlo` over the window; the sites' decisions combine into one verdict
 * (the most severe action wins). Intents with no ENSURE targets have nothing to verify and pass at once.
 * An `openstack` site is verified from its resources' live status instead (`verifyOpenStackSite`: the
 * site's health is the resources' status), its `availability` acting like pods ready — a rollback — unless
 * the overrides say otherwise.
 */
import { join } from "node:path";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import { IntentopsError } from "../../compiler/errors.js";
import type { CompiledIntent, Site, SiteRegistry } from "../../compiler/types.js";
import { renderIntentPackage } from "../../functions/render/renderIntentPackage.js";
import type { FunctionRegistry } from "../../functions/runtime/resolveFunction.js";
import { buildIntentReport } from "../../functions/slo/buildIntentReport.js";
import { buildQueries } from "../../functions/slo/buildQueries.js";
import { deriveSloPolicy, type SloPolicyOverrides } from "../../functions/slo/deriveSloPolicy.js";
import { readSloIdentity } from "../../functions/slo/readSloIdentity.js";
import { siteLabelOf } from "../../functions/slo/siteLabelOf.js";
import type { SloDecision } from "../../functions/slo/types.js";
import { writeFilesAtomically } from "../fs/writeFilesAtomically.js";
import { createOpenStackClient } from "../openstack/client/createOpenStackClient.js";
import { siteClientOptions } from "../openstack/client/siteClientOptions.js";
import { readDesiredStack } from "../openstack/stack/readDesiredStack.js";
import { verifyOpenStackSite } from "../openstack/verifyOpenStackSite.js";
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
  /** Renders the revision's stack for `openstack` sites (what their live resources are compared with). */
  functions?: FunctionRegistry;
  /** Where `openstack` sites' credential references are read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
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
  const verifyInPrometheus = async (
    site: string,
    siteUrl: string | undefined,
    compiled: CompiledIntent,
    signal: AbortSignal,
    overrides: SloPolicyOverrides | undefined,
  ) => {
    const url = siteUrl ?? options.defaultPrometheusUrl;
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
    return verifySlo({
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
  };
  const verifyOpenStack = async (
    site: Site,
    compiled: CompiledIntent,
    signal: AbortSignal,
    overrides: SloPolicyOverrides | undefined,
  ) => {
    const subject = `${site.id}/${compiled.spec.intentId}`;
    if (!options.functions) {
      throw new IntentopsError("E_INTERNAL", "no function registry to render the OpenStack stack", {
        subject,
      });
    }
    // The resources' status is the stack's health: not serving after a deployment is a broken
    // deployment, undone like pods that never became ready — unless the configuration names an action.
    const named = overrides?.targets ?? {};
    const actionNamed = Object.keys(named).some(
      (key) => (key === "availability" || key.endsWith("/availability")) && named[key]?.action,
    );
    const policy = deriveSloPolicy(compiled, site.id, {
      ...overrides,
      targets: actionNamed
        ? named
        : { ...named, availability: { action: "rollback", ...named.availability } },
    });
    const rendered = await renderIntentPackage(compiled, site, options.functions);
    // A read is one sample: one that fails is a sample without a value, and the next interval reads again.
    const client = createOpenStackClient({
      ...siteClientOptions(site, options.env),
      timeoutMs: 10_000,
      attempts: 2,
    });
    return verifyOpenStackSite({
      policy,
      desired: readDesiredStack(rendered.objects),
      client,
      authUrl: site.openstack?.authUrl ?? "",
      deps: { clock: deps.clock, sleep: abortableSleep(deps.sleep, signal) },
      signal,
      ...(options.onEvaluation ? { onEvaluation: options.onEvaluation } : {}),
    });
  };
  return async ({ run, compiled, sites, signal }) => {
    // A run's own policy (an IntentDeployment's spec.policy.slo) is laid over the pipeline's.
    const runOverrides = run.slo ? { ...overrides, ...run.slo } : overrides;
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
        const entry = registry.sites.find((s) => s.id === site);
        const { decision, evidence } =
          entry?.kind === "openstack"
            ? await verifyOpenStack(entry, compiled, signal, runOverrides)
            : await verifyInPrometheus(site, entry?.prometheus?.url, compiled, signal, runOverrides);
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
