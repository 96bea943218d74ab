/**
 * `probeIntent`: the answer to a TMF921 ProbeIntent (or "what if" for an Intent) — is it feasible? The
 * compiled intent is rendered in memory for each of its sites and every object is dry-run against that
 * site's API server (`probeSitePackage`). Nothing is written: no package, no commit, no evidence, no
 * object on a cluster.
 *
 * Verdicts: `feasible` (every object accepted, or not checkable only because its CRD comes with it),
 * `not-feasible` (some object refused: reasons listed), `undetermined` (the site could not be asked: an
 * OpenStack site, an unreachable API server, a site without a connection).
 */
import type { CompiledIntent, Site, SiteRegistry } from "../../compiler/types.js";
import { renderIntentPackage } from "../../functions/render/renderIntentPackage.js";
import type { FunctionRegistry } from "../../functions/runtime/resolveFunction.js";
import type { KubeClient } from "../reconcile/kubeClient.js";
import { type ProbeFinding, probeSitePackage } from "./probeSitePackage.js";

export type ProbeVerdict = "feasible" | "not-feasible" | "undetermined";

export interface SiteProbe {
  /** `site/intent-id` */
  subject: string;
  site: string;
  verdict: ProbeVerdict;
  /** Why not feasible / undetermined: one line per refused object or failed connection. */
  reasons: string[];
  objects: ProbeFinding[];
}

export interface ProbeAnswer {
  intentId: string;
  /** True when the input was a TMF921 ProbeIntent (false: an Intent probed before delivery). */
  probeIntent: boolean;
  verdict: ProbeVerdict;
  sites: SiteProbe[];
}

export interface ProbeDeps {
  /** A client for a Kubernetes site's API server (closed by probeIntent). */
  kubeFor(site: Site): Promise<KubeClient>;
}

/** Not feasible anywhere → not feasible; otherwise any site not asked → undetermined. */
export function overallVerdict(sites: readonly SiteProbe[]): ProbeVerdict {
  if (sites.some((s) => s.verdict === "not-feasible")) return "not-feasible";
  if (sites.some((s) => s.verdict === "undetermined")) return "undetermined";
  return "feasible";
}

/**
 * @example const answer = await probeIntent(compiled, registry, stdlibRegistry, { kubeFor });
 */
export async function probeIntent(
  compiled: CompiledIntent,
  registry: SiteRegistry,
  functions: FunctionRegistry,
  deps: ProbeDeps,
): Promise<ProbeAnswer> {
  const intentId = compiled.spec.intentId;
  const sites: SiteProbe[] = [];
  for (const siteId of compiled.spec.sites) {
    const site = registry.sites.find((s) => s.id === siteId)!;
    const subject = `${siteId}/${intentId}`;
    const base = { subject, site: siteId };
    if (site.kind !== "kubernetes" || !site.kubernetes) {
      sites.push({
        ...base,
        verdict: "undetermined",
        reasons: [`${subject}: a ${site.kind} site; intentops dry-runs only Kubernetes API servers`],
        objects: [],
      });
      continue;
    }
    const pkg = await renderIntentPackage(compiled, site, functions);
    let objects: ProbeFinding[];
    try {
      const kube = await deps.kubeFor(site);
      try {
        objects = await probeSitePackage(
          {
            site: siteId,
            intentId,
            objects: pkg.objects,
            force: site.kubernetes.forceConflicts ?? false,
          },
          { kube },
        );
      } finally {
        kube.close();
      }
    } catch (error) {
      sites.push({
        ...base,
        verdict: "undetermined",
        reasons: [`${subject}: the API server could not be asked: ${(error as Error).message}`],
        objects: [],
      });
      continue;
    }
    const refused = objects.filter((o) => o.outcome === "refused");
    sites.push({
      ...base,
      verdict: refused.length ? "not-feasible" : "feasible",
      reasons: refused.map((o) => `${subject} ${o.ref}: ${o.reason} [${o.code}]`),
      objects,
    });
  }
  return { intentId, probeIntent: compiled.spec.probe === true, verdict: overallVerdict(sites), sites };
}
