/**
 * Splits a compiled 28.312 intent into workloads: one per DELIVER expectation, with the ENSURE
 * expectations that refer to it (same `objectType` and `objectInstance`), its target sites and its kind.
 */
import type { CompiledIntent, IntentExpectation, ObjectType, Site } from "../../compiler/types.js";
import { WORKLOAD_KINDS, type WorkloadKind } from "../../compiler/vocabulary.js";
import { GeneratorError, type GeneratorWhere } from "./GeneratorError.js";
import { type ContextReader, readContexts } from "./readContexts.js";
import { readTargets, type TargetReading } from "./readTargets.js";
import type { GenerateOptions } from "./types.js";

/** Everything a workload generator needs. */
export interface WorkloadInput {
  compiled: CompiledIntent;
  site: Site;
  /** `site/intent-id`. */
  subject: string;
  intentId: string;
  kind: WorkloadKind;
  deliver: IntentExpectation;
  /** ENSURE expectations linked to `deliver`, sorted by expectation id. */
  ensures: IntentExpectation[];
  /** Target sites of this DELIVER (`edgeIdentificationId`). */
  sites: string[];
  params: ContextReader;
  targets: TargetReading[];
  /** Subject + DELIVER expectation id, for errors. */
  where: GeneratorWhere;
  options: Required<Pick<GenerateOptions, "sloDefaults">>;
}

const SLICE_TYPES: readonly ObjectType[] = ["RAN_SubNetwork", "5GC_SubNetwork"];

/** Subject of a package: `site/intent-id`. */
export function subjectOf(siteId: string, intentId: string): string {
  return `${siteId}/${intentId}`;
}

/**
 * Reads every DELIVER expectation of `compiled` (for all sites), sorted by expectation id.
 *
 * Linking: an ENSURE refers to the DELIVER with the same `objectType` and `objectInstance` (both absent
 * counts as equal). An ENSURE that refers to no DELIVER is an error, not silently dropped.
 * Workload kind: the `workloadKind` context, or by default `slice` for RAN/5GC subnetworks and
 * `application` for `EdgeService_Support`.
 */
export function readWorkloads(
  compiled: CompiledIntent,
  site: Site,
  options: GenerateOptions = {},
): WorkloadInput[] {
  const intentId = compiled.spec.intentId;
  const subject = subjectOf(site.id, intentId);
  const expectations = [...compiled.spec.intent.intentExpectations].sort((a, b) =>
    a.expectationId < b.expectationId ? -1 : a.expectationId > b.expectationId ? 1 : 0,
  );
  const delivers = expectations.filter((e) => e.expectationVerb === "DELIVER");
  const ensures = expectations.filter((e) => e.expectationVerb === "ENSURE");
  const linked = new Set<IntentExpectation>();
  const sameObject = (a: IntentExpectation, b: IntentExpectation): boolean =>
    a.expectationObject.objectType === b.expectationObject.objectType &&
    (a.expectationObject.objectInstance ?? "") === (b.expectationObject.objectInstance ?? "");

  const workloads = delivers.map((deliver): WorkloadInput => {
    const where: GeneratorWhere = { subject, expectationId: deliver.expectationId };
    const params = readContexts(
      [...(deliver.expectationObject.objectContexts ?? []), ...(deliver.expectationContexts ?? [])],
      where,
    );
    const mine = ensures.filter((e) => sameObject(e, deliver));
    for (const e of mine) linked.add(e);
    const sites = params.stringList("edgeIdentificationId");
    if (sites === undefined || sites.length === 0) {
      throw new GeneratorError(
        "E_GEN_MISSING_PARAM",
        params.where("edgeIdentificationId"),
        "a DELIVER expectation must name its target site(s)",
      );
    }
    return {
      compiled,
      site,
      subject,
      intentId,
      kind: kindOf(deliver, params),
      deliver,
      ensures: mine,
      sites: [...new Set(sites)].sort(),
      params,
      targets: readTargets(mine),
      where,
      options: { sloDefaults: options.sloDefaults ?? true },
    };
  });

  for (const ensure of ensures) {
    if (!linked.has(ensure)) {
      throw new GeneratorError(
        "E_GEN_INVALID_PARAM",
        { subject, expectationId: ensure.expectationId },
        `ENSURE refers to ${ensure.expectationObject.objectType}/${ensure.expectationObject.objectInstance ?? "(no instance)"}, which no DELIVER expectation delivers`,
      );
    }
  }
  return workloads;
}

function kindOf(deliver: IntentExpectation, params: ContextReader): WorkloadKind {
  const objectType = deliver.expectationObject.objectType;
  const isSliceObject = SLICE_TYPES.includes(objectType);
  const given = params.string("workloadKind");
  if (given === undefined) return isSliceObject ? "slice" : "application";
  if (!(WORKLOAD_KINDS as readonly string[]).includes(given)) {
    throw new GeneratorError(
      "E_GEN_INVALID_PARAM",
      params.where("workloadKind"),
      `unknown workload kind ${given}`,
    );
  }
  const kind = given as WorkloadKind;
  if ((kind === "slice") !== isSliceObject) {
    throw new GeneratorError(
      "E_GEN_INVALID_PARAM",
      params.where("workloadKind"),
      `workload kind ${kind} does not fit object type ${objectType}`,
    );
  }
  return kind;
}
