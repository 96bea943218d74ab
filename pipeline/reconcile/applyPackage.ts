/**
 * `applyPackage`: server-side apply of a whole package, stage by stage (see `planApply`), each wave with
 * bounded concurrency, CRDs established before their custom resources, and one object's failure kept to
 * itself and to the objects that depend on it. Returns the change set in apply order.
 */
import type { KrmObject } from "../../functions/runtime/types.js";
import {
  type ApplyObjectResult,
  applyObject,
  INVENTORY_LABEL,
  inventoryLabelValue,
  prepareObject,
} from "./applyObject.js";
import type { ChangeSetEntry } from "./changeSet.js";
import { computeStatus } from "./computeStatus.js";
import type { KubeClient } from "./kubeClient.js";
import { mapConcurrent } from "./mapConcurrent.js";
import { refOf, subjectOfRef } from "./objectRef.js";
import { type ApplyPlan, dependentsOf, planApply } from "./planApply.js";
import { collectionPath, objectPath, type RestMapper, type RestMapping } from "./restMapper.js";

type Obj = Record<string, unknown>;

export interface ApplyPackageOptions {
  objects: readonly KrmObject[];
  /** Take ownership of fields other managers own (site `forceConflicts`). Default false. */
  force?: boolean;
  /** Requests in flight. Default 24. */
  concurrency?: number;
  /** Recorded on every applied object (`intentops.io/inventory`), e.g. `edge1/embb-slice-edge1`. */
  inventoryId?: string;
  /** How long to wait for a CRD to become Established. Default 60 s. */
  crdTimeoutMs?: number;
  /** A precomputed plan (the caller may have planned already to refuse a cycle early). */
  plan?: ApplyPlan;
}

export interface ApplyPackageDeps {
  kube: KubeClient;
  mapper: RestMapper;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Applies `objects` and returns one change-set entry per object, in apply order.
 *
 * @example
 * const changes = await applyPackage({ objects }, { kube, mapper: new RestMapper(kube) });
 * changes.filter((c) => c.action === "failed")
 */
export async function applyPackage(
  options: ApplyPackageOptions,
  deps: ApplyPackageDeps,
): Promise<ChangeSetEntry[]> {
  const { objects, force = false, concurrency = 24, inventoryId, crdTimeoutMs = 60_000 } = options;
  const { kube, mapper, sleep = defaultSleep } = deps;
  const plan = options.plan ?? planApply(objects);
  const results = new Array<ApplyObjectResult | undefined>(objects.length);
  const prepared = objects.map((o) => prepareObject(o, inventoryId));
  let crdsPending: number[] = [];

  for (const wave of plan.waves) {
    if (wave.stage !== "crds" && crdsPending.length > 0) {
      await waitForCrds(crdsPending, results, { kube, mapper, sleep, timeoutMs: crdTimeoutMs });
      crdsPending = [];
    }
    const pending = wave.items.filter((i) => results[i] === undefined);
    const mappings = await mapConcurrent(pending, concurrency, (i) =>
      mapper.mapping(objects[i]!.apiVersion, objects[i]!.kind).catch((e: Error) => e),
    );
    const selector = inventoryId ? `${INVENTORY_LABEL}=${inventoryLabelValue(inventoryId)}` : undefined;
    const lives = await fetchLive(pending, mappings, prepared, kube, concurrency, selector);
    const waveResults = await mapConcurrent(pending, concurrency, async (i, k) => {
      const { object, digest } = prepared[i]!;
      const ref = refOf(object);
      const base = { ref: subjectOfRef(ref), object: ref, digest };
      const mapping = mappings[k]!;
      const fail = (code: string, message: string): ApplyObjectResult => ({
        entry: { ...base, action: "failed", error: { code, message } },
      });
      if (mapping instanceof Error) return fail("E_KUBE_API", mapping.message);
      if (!mapping)
        return fail("E_NO_MAPPING", `the server does not serve kind ${object.kind} in ${object.apiVersion}`);
      if (!ref.name) return fail("E_PACKAGE_OBJECT", "object has no metadata.name");
      if (mapping.namespaced !== (ref.namespace !== "")) {
        return fail(
          "E_PACKAGE_OBJECT",
          mapping.namespaced
            ? `namespaced ${object.kind} has no metadata.namespace`
            : `cluster-scoped ${object.kind} has a namespace`,
        );
      }
      const live = lives[k]!;
      if (live instanceof Error) return fail("E_KUBE_API", live.message);
      return applyObject(kube, { object, digest, mapping, live, force });
    });
    pending.forEach((i, k) => {
      const r = waveResults[k]!;
      results[i] = r;
      const { action } = r.entry;
      if (action === "failed" || action === "conflict" || action === "skipped") {
        for (const d of dependentsOf(plan, i)) {
          if (results[d] !== undefined) continue;
          const ref = refOf(prepared[d]!.object);
          results[d] = {
            entry: {
              ref: subjectOfRef(ref),
              object: ref,
              digest: prepared[d]!.digest,
              action: "skipped",
              error: {
                code: "E_DEPENDENCY_FAILED",
                message: `depends on ${r.entry.ref}, which was ${action}`,
              },
            },
          };
        }
      }
      if (
        wave.stage === "crds" &&
        (action === "created" || action === "configured" || action === "unchanged")
      ) {
        crdsPending.push(i);
      }
    });
  }
  return plan.order.map((i) => results[i]!.entry);
}

/**
 * Reads the live objects of a wave with few requests. With an inventory label (`selector`), one
 * label-selected LIST per resource across all namespaces (a re-apply of 100 namespaces × 9 ConfigMaps
 * costs 2 LISTs); without one, one LIST per resource and namespace. A group of one object is a GET.
 * An object missing from a LIST (it exists without our label) counts as absent: it is applied without a
 * dry-run, which is correct, only not free.
 */
async function fetchLive(
  pending: readonly number[],
  mappings: readonly (RestMapping | null | Error)[],
  prepared: readonly { object: KrmObject }[],
  kube: KubeClient,
  concurrency: number,
  selector: string | undefined,
): Promise<(Obj | null | Error)[]> {
  const out = new Array<Obj | null | Error>(pending.length).fill(null);
  const groups = new Map<string, { mapping: RestMapping; namespace: string | null; slots: number[] }>();
  const nsOf = (k: number, m: RestMapping) =>
    m.namespaced ? (prepared[pending[k]!]!.object.metadata.namespace ?? "") : "";
  pending.forEach((_i, k) => {
    const m = mappings[k];
    if (!m || m instanceof Error) return;
    const ns = selector ? null : nsOf(k, m);
    const key = `${m.base}/${m.resource}|${ns ?? "*"}`;
    const g = groups.get(key) ?? { mapping: m, namespace: ns, slots: [] };
    g.slots.push(k);
    groups.set(key, g);
  });
  await mapConcurrent([...groups.values()], concurrency, async (g) => {
    try {
      if (g.slots.length === 1) {
        const k = g.slots[0]!;
        const obj = prepared[pending[k]!]!.object;
        const path = objectPath(g.mapping, nsOf(k, g.mapping), obj.metadata.name ?? "");
        const res = await kube.request({ method: "GET", path });
        if (res.status === 200) out[k] = res.body;
        else if (res.status !== 404) {
          out[k] = new Error(`GET ${obj.kind}: HTTP ${res.status} ${String(res.body?.["message"] ?? "")}`);
        }
        return;
      }
      const path =
        g.namespace === null
          ? `${g.mapping.base}/${g.mapping.resource}?labelSelector=${encodeURIComponent(selector!)}`
          : collectionPath(g.mapping, g.namespace);
      const res = await kube.request({ method: "GET", path });
      if (res.status === 404) return;
      if (res.status !== 200) {
        throw new Error(
          `LIST ${g.mapping.resource}: HTTP ${res.status} ${String(res.body?.["message"] ?? "")}`,
        );
      }
      const byKey = new Map<string, Obj>();
      for (const item of (res.body?.["items"] ?? []) as Obj[]) {
        const meta = item["metadata"] as Obj;
        byKey.set(`${String(meta["namespace"] ?? "")}/${String(meta["name"])}`, item);
      }
      for (const k of g.slots) {
        const obj = prepared[pending[k]!]!.object;
        const item = byKey.get(`${nsOf(k, g.mapping)}/${obj.metadata.name ?? ""}`);
        // List items omit apiVersion and kind; the list is of the desired group-version.
        out[k] = item ? { ...item, apiVersion: obj.apiVersion, kind: obj.kind } : null;
      }
    } catch (error) {
      for (const k of g.slots) out[k] = error as Error;
    }
  });
  return out;
}

/** Waits until every applied CRD is Established (or the timeout passes), then refreshes discovery. */
async function waitForCrds(
  crds: readonly number[],
  results: (ApplyObjectResult | undefined)[],
  o: { kube: KubeClient; mapper: RestMapper; sleep: (ms: number) => Promise<void>; timeoutMs: number },
): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  let waiting = crds.filter((i) => computeStatus(results[i]?.result ?? null).status !== "Current");
  while (waiting.length > 0 && Date.now() < deadline) {
    await o.sleep(100);
    const still: number[] = [];
    for (const i of waiting) {
      const name = results[i]!.entry.object.name;
      const res = await o.kube.request({
        method: "GET",
        path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(name)}`,
      });
      if (res.status !== 200 || computeStatus(res.body).status !== "Current") still.push(i);
    }
    waiting = still;
  }
  // Custom resources of a CRD that never became Established fail with E_NO_MAPPING, one by one.
  o.mapper.reset();
}
