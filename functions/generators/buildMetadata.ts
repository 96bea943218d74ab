/**
 * The identity every generated object carries, so that any object in a cluster or cloud can be traced back
 * to the intent, its digest, the site and the expectation that produced it.
 */
import { labelValue } from "./dnsLabel.js";
import type { WorkloadInput } from "./readWorkloads.js";
import type { ObjectMeta } from "./types.js";

export const INTENT_ID_LABEL = "intentops.io/intent-id";
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "intentops";
export const INTENT_DIGEST_ANNOTATION = "intentops.io/intent-digest";
export const SITE_ANNOTATION = "intentops.io/site";
/** The DELIVER expectation(s) an object comes from; several, comma-separated and sorted, for shared objects. */
export const EXPECTATION_ID_ANNOTATION = "intentops.io/expectation-id";
export const REVISION_ANNOTATION = "intentops.io/revision";

/** Extra labels and annotations for one object. */
export interface MetadataExtras {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * Metadata for an object of `input`: the given name (already a valid name), the namespace when the kind is
 * namespaced, the intentops labels and annotations, and `extras` (which may not override the identity keys).
 */
export function buildMetadata(
  input: WorkloadInput,
  name: string,
  namespace: string | undefined,
  extras: MetadataExtras = {},
): ObjectMeta {
  const spec = input.compiled.spec;
  const labels: Record<string, string> = {
    ...extras.labels,
    [INTENT_ID_LABEL]: labelValue(spec.intentId),
    [MANAGED_BY_LABEL]: MANAGED_BY,
  };
  const annotations: Record<string, string> = {
    ...extras.annotations,
    [INTENT_DIGEST_ANNOTATION]: spec.intentDigest,
    [SITE_ANNOTATION]: input.site.id,
    [EXPECTATION_ID_ANNOTATION]: input.deliver.expectationId,
  };
  if (spec.revision !== undefined) annotations[REVISION_ANNOTATION] = spec.revision;
  return namespace === undefined ? { name, labels, annotations } : { name, namespace, labels, annotations };
}
