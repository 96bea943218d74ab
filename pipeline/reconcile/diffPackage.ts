/**
 * `diffPackage`: what an apply would change, without changing anything. Every object goes through a
 * server-side dry-run apply (no cheap skip here: a drift check must see every out-of-band change), and
 * the YAML of the live object and of the dry-run result, both without server-maintained fields, are
 * compared as a unified diff. Objects that left the package are shown as deletions.
 */
import { stringify } from "yaml";
import type { Digest } from "../../compiler/digest.js";
import type { KrmObject } from "../../functions/runtime/types.js";
import { onlyImperativeConflicts, prepareObject, refusal, sendApply } from "./applyObject.js";
import type { ChangeAction } from "./changeSet.js";
import { normalizeLive, sameObject } from "./compareObjects.js";
import { readInventory } from "./inventory.js";
import type { KubeClient } from "./kubeClient.js";
import { mapConcurrent } from "./mapConcurrent.js";
import { refOf, subjectOfRef } from "./objectRef.js";
import { planApply } from "./planApply.js";
import { pruneSet } from "./pruneObjects.js";
import { objectPath, RestMapper } from "./restMapper.js";
import { unifiedDiff } from "./unifiedDiff.js";

export interface ObjectDiff {
  ref: string;
  action: ChangeAction;
  digest: Digest | null;
  /** Unified diff live → after apply; `""` when unchanged. */
  diff: string;
  error?: { code: string; message: string; fields?: string[] };
}

const yamlOf = (obj: Record<string, unknown> | null) =>
  obj ? stringify(normalizeLive(obj), { sortMapEntries: true, lineWidth: 0 }) : "";

/**
 * @example
 * for (const d of await diffPackage({ intentId, site: "edge1", objects }, { kube })) if (d.diff) console.log(d.diff);
 */
export async function diffPackage(
  options: {
    site: string;
    intentId: string;
    objects: readonly KrmObject[];
    force?: boolean;
    concurrency?: number;
  },
  deps: { kube: KubeClient },
): Promise<ObjectDiff[]> {
  const { objects, force = false, concurrency = 16 } = options;
  const { kube } = deps;
  const inventoryId = `${options.site}/${options.intentId}`;
  const mapper = new RestMapper(kube);
  const plan = planApply(objects);
  const ordered = plan.order.map((i) => objects[i]!);
  const diffs = await mapConcurrent(ordered, concurrency, async (desired): Promise<ObjectDiff> => {
    const { object, digest } = prepareObject(desired, inventoryId);
    const ref = refOf(object);
    const base = { ref: subjectOfRef(ref), digest };
    const path = (m: { base: string; resource: string; namespaced: boolean }) =>
      objectPath(m, ref.namespace, ref.name);
    try {
      const mapping = await mapper.mapping(object.apiVersion, object.kind);
      if (!mapping) {
        // A custom resource whose CRD is in this package and not applied yet: it would be created.
        return { ...base, action: "created", diff: unifiedDiff("", yamlOf(object), "live", "desired") };
      }
      const got = await kube.request({ method: "GET", path: path(mapping) });
      const live = got.status === 200 ? got.body : null;
      let dry = await sendApply(kube, { object, digest, mapping, live, force }, true);
      // Imperative edits of our fields are drift the apply corrects with force (see applyObject).
      if (dry.status === 409 && !force && live && onlyImperativeConflicts(dry, live)) {
        dry = await sendApply(kube, { object, digest, mapping, live, force: true }, true);
      }
      if (dry.status !== 200 && dry.status !== 201) {
        const e = refusal({ ...base, object: ref }, dry);
        return { ...base, action: e.action, diff: "", ...(e.error ? { error: e.error } : {}) };
      }
      if (!live)
        return { ...base, action: "created", diff: unifiedDiff("", yamlOf(dry.body), "live", "desired") };
      if (sameObject(dry.body!, live)) return { ...base, action: "unchanged", diff: "" };
      return {
        ...base,
        action: "configured",
        diff: unifiedDiff(yamlOf(live), yamlOf(dry.body), `live/${base.ref}`, `desired/${base.ref}`),
      };
    } catch (error) {
      return {
        ...base,
        action: "failed",
        diff: "",
        error: { code: "E_KUBE_API", message: (error as Error).message },
      };
    }
  });
  const inventory = await readInventory(kube, options.intentId);
  const prunes = await mapConcurrent(
    pruneSet(inventory?.objects ?? [], objects.map(refOf)),
    concurrency,
    async (e) => {
      const ref = subjectOfRef(e);
      const mapping = await mapper.mapping(e.group ? `${e.group}/${e.version}` : e.version, e.kind);
      const got = mapping
        ? await kube.request({ method: "GET", path: objectPath(mapping, e.namespace, e.name) })
        : null;
      const live = got?.status === 200 ? got.body : null;
      return {
        ref,
        action: "deleted" as const,
        digest: e.digest,
        diff: live ? unifiedDiff(yamlOf(live), "", `live/${ref}`, "desired") : "",
      };
    },
  );
  return [...diffs, ...prunes];
}
