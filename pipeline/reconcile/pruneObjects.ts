/**
 * `pruneObjects`: deletes inventory objects that left the package, in reverse apply order (namespaced
 * objects, then other cluster-scoped ones, then Namespaces, CRDs last), concurrently within a stage.
 * An object that another inventory has adopted, or that intentops no longer manages, is skipped.
 */
import { appliedByUs, INVENTORY_ANNOTATION, withRetry } from "./applyObject.js";
import type { ChangeSetEntry } from "./changeSet.js";
import type { InventoryEntry } from "./inventory.js";
import type { KubeClient } from "./kubeClient.js";
import { mapConcurrent } from "./mapConcurrent.js";
import { compareRefs, type ObjectRef, refKey, subjectOfRef } from "./objectRef.js";
import { STAGES, stageOf } from "./planApply.js";
import { objectPath, type RestMapper } from "./restMapper.js";

type Obj = Record<string, unknown>;

/** Reads and deletes of one object whose every read was outdated by its delete before giving up. */
const PRECONDITION_ATTEMPTS = 10;

/** Inventory entries that `desired` no longer lists, in deletion order. */
export function pruneSet(
  inventory: readonly InventoryEntry[],
  desired: readonly ObjectRef[],
): InventoryEntry[] {
  const keep = new Set(desired.map(refKey));
  return inventory
    .filter((e) => !keep.has(refKey(e)))
    .sort((a, b) => stageOf(b) - stageOf(a) || compareRefs(a, b));
}

export interface PruneOptions {
  entries: readonly InventoryEntry[];
  /** This run's inventory id; objects labelled with another one belong to someone else now. */
  inventoryId?: string;
  concurrency?: number;
}

/** Deletes `entries` (already in deletion order) and returns one change-set entry each. */
export async function pruneObjects(
  options: PruneOptions,
  deps: { kube: KubeClient; mapper: RestMapper },
): Promise<ChangeSetEntry[]> {
  const { entries, inventoryId, concurrency = 24 } = options;
  const { kube, mapper } = deps;
  const out: ChangeSetEntry[] = [];
  for (let stage = STAGES.length - 1; stage >= 0; stage--) {
    const batch = entries.filter((e) => stageOf(e) === stage);
    out.push(
      ...(await mapConcurrent(batch, concurrency, async (e): Promise<ChangeSetEntry> => {
        const ref: ObjectRef = { group: e.group, kind: e.kind, namespace: e.namespace, name: e.name };
        const base = { ref: subjectOfRef(ref), object: ref, digest: e.digest };
        const fail = (code: string, message: string, status?: number): ChangeSetEntry => ({
          ...base,
          action: "failed",
          error: { code, message, ...(status ? { status } : {}) },
        });
        try {
          const mapping = await mapper.mapping(e.group ? `${e.group}/${e.version}` : e.version, e.kind);
          // The kind is gone (its CRD was deleted): so are its objects.
          if (!mapping) return { ...base, action: "deleted" };
          const path = objectPath(mapping, e.namespace, e.name);
          // Preconditions (uid and resourceVersion): delete exactly the object we looked at and found ours.
          // A live object changes all the time (a Deployment's status during a rollout, an HPA's): a 409
          // means it changed since the read, so it is read and checked again, a bounded number of times.
          for (let attempt = 1; ; attempt++) {
            const got = await kube.request({ method: "GET", path });
            if (got.status === 404) return { ...base, action: "deleted" };
            if (got.status !== 200)
              return fail("E_KUBE_API", String(got.body?.["message"] ?? ""), got.status);
            const live = got.body as Obj;
            const meta = live["metadata"] as Obj;
            const owner = ((meta["annotations"] ?? {}) as Record<string, string>)[INVENTORY_ANNOTATION];
            if (!appliedByUs(live) || (inventoryId && owner && owner !== inventoryId)) {
              return {
                ...base,
                action: "skipped",
                error: {
                  code: "E_NOT_OURS",
                  message:
                    owner && owner !== inventoryId
                      ? `now belongs to inventory ${owner}`
                      : "no longer applied by intentops",
                },
              };
            }
            const res = await withRetry(() =>
              kube.request({
                method: "DELETE",
                path,
                body: {
                  apiVersion: "v1",
                  kind: "DeleteOptions",
                  propagationPolicy: "Background",
                  preconditions: { uid: meta["uid"], resourceVersion: meta["resourceVersion"] },
                },
              }),
            );
            if (res.status === 200 || res.status === 202 || res.status === 404)
              return { ...base, action: "deleted" };
            if (res.status !== 409 || attempt >= PRECONDITION_ATTEMPTS) {
              return fail(
                res.status === 409 ? "E_PRUNE_RACE" : "E_KUBE_API",
                `${String(res.body?.["message"] ?? "")}${res.status === 409 ? ` (changed on each of ${attempt} reads)` : ""}`,
                res.status,
              );
            }
          }
        } catch (error) {
          return fail("E_KUBE_API", (error as Error).message);
        }
      })),
    );
  }
  return out;
}
