/**
 * One object through server-side apply: the cheap no-op check, then a dry-run, then the write only when
 * the dry-run shows drift. Every outcome is a change-set entry; nothing here throws for a 4xx.
 *
 * The cheap check (no request beyond the shared GET/LIST): the live object carries our
 * `intentops.io/applied-digest` annotation with the digest of this exact desired object, `intentops` is
 * one of its Apply managers, and every field we set still holds our value. Trade-off: a desired value the
 * server normalises (`cpu: 0.5` is stored as `500m`) never passes the check, so such objects cost a
 * dry-run on each run — correct, just not free. Out-of-band edits of fields we set fail the check and are
 * corrected; fields only others set are theirs under server-side apply and are left alone, as an apply would.
 *
 * Conflicts: an imperative edit (`kubectl edit`/`patch`, operation `Update`) of a field we apply takes
 * that field's ownership, so the next apply would get a 409. That is drift, not a dispute: when every
 * manager named in the conflict wrote only through `Update`, the apply is repeated with `force` and the
 * field comes back (reported `configured`). A manager that itself applies (operation `Apply`) is another
 * declarative owner: that is a conflict, reported per object, unless the site says `forceConflicts`.
 */
import { type Digest, digestBytes, digestJson, shortDigest } from "../../compiler/digest.js";
import { TRANSIENT_ANNOTATIONS } from "../../functions/runtime/annotations.js";
import type { KrmObject } from "../../functions/runtime/types.js";
import type { ChangeSetEntry } from "./changeSet.js";
import { liveHasDesiredFields, sameObject } from "./compareObjects.js";
import type { KubeClient, KubeResponse } from "./kubeClient.js";
import { type ObjectRef, refOf, subjectOfRef } from "./objectRef.js";
import { objectPath, type RestMapping } from "./restMapper.js";

export const FIELD_MANAGER = "intentops";
export const APPLIED_DIGEST_ANNOTATION = "intentops.io/applied-digest";
export const INVENTORY_ANNOTATION = "intentops.io/inventory";
/**
 * Label with a short hash of the inventory id (`site/intent-id` is not a valid label value): lets one
 * label-selected LIST per resource read every live object of a package, whatever its namespace.
 */
export const INVENTORY_LABEL = "intentops.io/inventory-hash";

export function inventoryLabelValue(inventoryId: string): string {
  return shortDigest(digestBytes(inventoryId), 16);
}

type Obj = Record<string, unknown>;

/** The object as it is sent: transient kpt annotations dropped, our digest (and inventory) added. */
export function prepareObject(
  desired: KrmObject,
  inventoryId?: string,
): { object: KrmObject; digest: Digest } {
  const annotations = { ...(desired.metadata.annotations ?? {}) };
  for (const key of [...TRANSIENT_ANNOTATIONS, APPLIED_DIGEST_ANNOTATION, INVENTORY_ANNOTATION]) {
    delete annotations[key];
  }
  const labels = { ...(desired.metadata.labels ?? {}) };
  if (inventoryId) {
    annotations[INVENTORY_ANNOTATION] = inventoryId;
    labels[INVENTORY_LABEL] = inventoryLabelValue(inventoryId);
  }
  const metadata = { ...desired.metadata, annotations, ...(Object.keys(labels).length ? { labels } : {}) };
  const base = { ...desired, metadata };
  const digest = digestJson(base);
  return {
    object: {
      ...base,
      metadata: { ...base.metadata, annotations: { ...annotations, [APPLIED_DIGEST_ANNOTATION]: digest } },
    },
    digest,
  };
}

/** True when `intentops` manages fields of `live` through Apply. */
export function appliedByUs(live: Obj): boolean {
  const managed = (live["metadata"] as Obj | undefined)?.["managedFields"];
  return (
    Array.isArray(managed) &&
    managed.some((m) => (m as Obj)["manager"] === FIELD_MANAGER && (m as Obj)["operation"] === "Apply")
  );
}

export interface ApplyObjectInput {
  object: KrmObject;
  digest: Digest;
  mapping: RestMapping;
  /** The live object (from a LIST or GET), or `null` when it does not exist. */
  live: Obj | null;
  force: boolean;
}

export interface ApplyObjectResult {
  entry: ChangeSetEntry;
  /** The object after the run (live, applied, or dry-run result for a diff); absent on failure. */
  result?: Obj;
}

/** Sends one server-side apply (`dryRun` for the comparison step). */
export function sendApply(kube: KubeClient, input: ApplyObjectInput, dryRun: boolean): Promise<KubeResponse> {
  const ref = refOf(input.object);
  const query = `fieldManager=${FIELD_MANAGER}&force=${input.force}${dryRun ? "&dryRun=All" : ""}`;
  return withRetry(() =>
    kube.request({
      method: "PATCH",
      path: `${objectPath(input.mapping, ref.namespace, ref.name)}?${query}`,
      body: input.object,
      contentType: "application/apply-patch+yaml",
    }),
  );
}

/** Retries what is worth retrying (429, 5xx other than 501, connection resets) a few times. */
export async function withRetry(send: () => Promise<KubeResponse>, attempts = 3): Promise<KubeResponse> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await send();
      const retriable = res.status === 429 || (res.status >= 500 && res.status !== 501);
      if (!retriable || attempt >= attempts) return res;
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
    await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
  }
}

/**
 * Applies one object: unchanged (no write), created, configured, conflict (409, fields listed), or
 * failed (any other refusal).
 */
export async function applyObject(kube: KubeClient, given: ApplyObjectInput): Promise<ApplyObjectResult> {
  let input = given;
  const ref = refOf(input.object);
  const base = { ref: subjectOfRef(ref), object: ref, digest: input.digest };
  const { live } = input;
  try {
    if (live) {
      const annotations = ((live["metadata"] as Obj)["annotations"] ?? {}) as Record<string, string>;
      if (
        annotations[APPLIED_DIGEST_ANNOTATION] === input.digest &&
        appliedByUs(live) &&
        liveHasDesiredFields(live, input.object)
      ) {
        return { entry: { ...base, action: "unchanged" }, result: live };
      }
      let dry = await sendApply(kube, input, true);
      if (dry.status === 409 && !input.force && onlyImperativeConflicts(dry, live)) {
        input = { ...input, force: true };
        dry = await sendApply(kube, input, true);
      }
      if (dry.status !== 200) return { entry: refusal(base, dry) };
      if (sameObject(dry.body!, live)) return { entry: { ...base, action: "unchanged" }, result: live };
    }
    const res = await sendApply(kube, input, false);
    if (res.status === 201) return { entry: { ...base, action: "created" }, result: res.body! };
    if (res.status === 200)
      return { entry: { ...base, action: live ? "configured" : "created" }, result: res.body! };
    return { entry: refusal(base, res) };
  } catch (error) {
    return {
      entry: { ...base, action: "failed", error: { code: "E_KUBE_API", message: (error as Error).message } },
    };
  }
}

/** A refused request as a change-set entry: 409 is a field-ownership conflict, anything else a failure. */
export function refusal(
  base: { ref: string; object: ObjectRef; digest: Digest | null },
  res: KubeResponse,
): ChangeSetEntry {
  const body = res.body ?? {};
  const message = String(body["message"] ?? `HTTP ${res.status}`);
  const causes = ((body["details"] as Obj | undefined)?.["causes"] ?? []) as Obj[];
  const fields = causes.map((c) => String(c["field"] ?? "")).filter((f) => f !== "");
  if (res.status === 409) {
    return { ...base, action: "conflict", error: { code: "E_APPLY_CONFLICT", message, status: 409, fields } };
  }
  const code =
    res.status === 422 || res.status === 400
      ? "E_INVALID_OBJECT"
      : res.status === 404
        ? "E_NOT_FOUND"
        : "E_KUBE_API";
  return {
    ...base,
    action: "failed",
    error: { code, message, status: res.status, ...(fields.length ? { fields } : {}) },
  };
}

/** True when a 409's conflicting managers all wrote `live` through `Update` only (imperative drift). */
export function onlyImperativeConflicts(res: KubeResponse, live: Obj): boolean {
  const causes = ((res.body?.["details"] as Obj | undefined)?.["causes"] ?? []) as Obj[];
  const names = causes
    .map((c) => /conflict with "([^"]+)"/.exec(String(c["message"] ?? ""))?.[1])
    .filter((n): n is string => n !== undefined);
  if (names.length === 0 || names.length !== causes.length) return false;
  const managed = ((live["metadata"] as Obj | undefined)?.["managedFields"] ?? []) as Obj[];
  return names.every((name) => !managed.some((m) => m["manager"] === name && m["operation"] === "Apply"));
}
