/**
 * The workload identity of an intent on a site, for `buildQueries`: the namespace (`namespace` context,
 * default the intent id — as the generators name it), the workload (`applicationName`, else the
 * `objectInstance`), and the intent revision.
 */
import type { CompiledIntent, IntentExpectation } from "../../compiler/types.js";
import { SloError } from "./SloError.js";
import type { SloIdentity } from "./types.js";

/**
 * Reads the identity of the one workload the intent's ENSURE expectations refer to.
 *
 * @throws SloError `E_SLO_INVALID_IDENTITY` when they refer to no DELIVER, or to several workloads (then
 *   build one policy and identity per workload)
 * @example readSloIdentity(edgeAnalytics, "edge1")
 *   // → { site: "edge1", namespace: "edge-analytics", workload: "analytics", revision: "1" }
 */
export function readSloIdentity(compiled: CompiledIntent, site: string): SloIdentity {
  const spec = compiled.spec;
  const subject = `${site}/${spec.intentId}`;
  const expectations = spec.intent.intentExpectations;
  const delivers = new Set<IntentExpectation>();
  for (const ensure of expectations.filter((e) => e.expectationVerb === "ENSURE")) {
    for (const deliver of expectations) {
      if (
        deliver.expectationVerb === "DELIVER" &&
        deliver.expectationObject.objectType === ensure.expectationObject.objectType &&
        (deliver.expectationObject.objectInstance ?? "") === (ensure.expectationObject.objectInstance ?? "")
      ) {
        delivers.add(deliver);
      }
    }
  }
  if (delivers.size !== 1) {
    throw new SloError(
      "E_SLO_INVALID_IDENTITY",
      delivers.size === 0
        ? "no ENSURE expectation refers to a delivered workload"
        : `ENSURE expectations refer to ${delivers.size} workloads; give the identity of each explicitly`,
      { subject },
    );
  }
  const [deliver] = [...delivers] as [IntentExpectation];
  const context = (name: string): string | undefined => {
    const value = deliver.expectationObject.objectContexts?.find(
      (c) => c.contextAttribute === name,
    )?.contextValueRange;
    return typeof value === "string" ? value : undefined;
  };
  const workload = context("applicationName") ?? deliver.expectationObject.objectInstance;
  if (workload === undefined) {
    throw new SloError("E_SLO_INVALID_IDENTITY", `${deliver.expectationId} names no workload`, { subject });
  }
  return {
    site,
    namespace: context("namespace") ?? spec.intentId,
    workload,
    ...(spec.revision !== undefined ? { revision: spec.revision } : {}),
  };
}
