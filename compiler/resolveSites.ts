/**
 * Resolves the sites an intent names against the site registry, checking that each workload can run on
 * the kind of site it targets.
 */
import { pointerOf } from "./canonicalJson.js";
import type { Problem } from "./errors.js";
import type { IntentExpectation, Site, SiteRegistry } from "./types.js";
import type { WorkloadKind } from "./vocabulary.js";

/** The kinds of site each workload can be delivered to (a DNS record: ExternalDNS, or the OpenStack driver). */
const SITE_KINDS_OF: Readonly<Record<WorkloadKind, readonly Site["kind"][]>> = {
  application: ["kubernetes"],
  dnsRecord: ["kubernetes", "openstack"],
  slice: ["kubernetes"],
  webAppStack: ["openstack"],
};

/**
 * Returns the sorted list of site ids; appends a problem per unknown or unsuitable site.
 * `expectationPointers[i]` is the input pointer of `expectations[i]`, for messages.
 */
export function resolveSites(
  expectations: readonly IntentExpectation[],
  registry: SiteRegistry,
  pointerOfExpectation: (expectationId: string) => string,
  problems: Problem[],
): string[] {
  const known = new Map(registry.sites.map((site) => [site.id, site]));
  const sites = new Set<string>();
  for (const expectation of expectations) {
    if (expectation.expectationVerb !== "DELIVER") continue;
    const contexts = expectation.expectationObject.objectContexts ?? [];
    const siteContext = contexts.find((c) => c.contextAttribute === "edgeIdentificationId");
    const workload = contexts.find((c) => c.contextAttribute === "workloadKind")
      ?.contextValueRange as WorkloadKind;
    const ids = siteContext ? [siteContext.contextValueRange].flat().map(String) : [];
    for (const id of ids) {
      const site = known.get(id);
      const at = pointerOfExpectation(expectation.expectationId) + pointerOf("icm:params", "io:site");
      if (!site) {
        problems.push({
          code: "E_UNKNOWN_SITE",
          pointer: at,
          message: `site "${id}" is not in the site registry (known sites: ${[...known.keys()].sort().join(", ")})`,
        });
        continue;
      }
      if (!SITE_KINDS_OF[workload].includes(site.kind)) {
        problems.push({
          code: "E_SITE_KIND",
          pointer: at,
          message: `a ${workload} needs a ${SITE_KINDS_OF[workload].join(" or ")} site, but "${id}" is a ${site.kind} site`,
        });
        continue;
      }
      sites.add(id);
    }
  }
  return [...sites].sort();
}
