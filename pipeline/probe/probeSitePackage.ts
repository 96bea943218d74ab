/**
 * `probeSitePackage`: would this rendered package be accepted by this site's API server? Every object
 * goes through a server-side apply with `dryRun=All` (field manager `intentops`): the server runs its
 * schema validation, defaulting and admission (quota, namespace lifecycle, validating admission policies)
 * and persists nothing. Refusals are reasons; nothing is ever written.
 *
 * Two things a dry-run cannot see are answered from discovery and the live objects instead:
 * - a kind the server does not serve is a refusal, unless the package itself brings its
 *   CustomResourceDefinition (then it is `not-checked`: the server cannot dry-run a kind before its CRD
 *   exists);
 * - an object already owned by another intent (its `intentops.io/inventory` annotation) is a refusal —
 *   the dry-run alone would accept it, because both intents apply as `intentops`.
 *
 * An object in a namespace that the package creates and that does not exist yet cannot be dry-run there
 * (the server answers "namespace not found"): it is dry-run in the `default` namespace instead, which
 * checks its schema and the cluster-wide admission but not the new namespace's own quota (a new namespace
 * has none unless the package brings it). Such findings carry a note saying so.
 */
import type { KrmObject } from "../../functions/runtime/types.js";
import {
  INVENTORY_ANNOTATION,
  onlyImperativeConflicts,
  prepareObject,
  refusal,
  sendApply,
} from "../reconcile/applyObject.js";
import { sameObject } from "../reconcile/compareObjects.js";
import type { KubeClient } from "../reconcile/kubeClient.js";
import { refOf, subjectOfRef } from "../reconcile/objectRef.js";
import { planApply } from "../reconcile/planApply.js";
import { objectPath, RestMapper } from "../reconcile/restMapper.js";

/** Where objects of a namespace that does not exist yet are dry-run. */
export const STAND_IN_NAMESPACE = "default";

export interface ProbeFinding {
  /** `Kind/namespace/name` */
  ref: string;
  /** `accepted`: the dry-run passed; `refused`: the server (or an owner) would refuse it. */
  outcome: "accepted" | "refused" | "not-checked";
  /** What an apply would do, for accepted objects. */
  action?: "create" | "update" | "unchanged";
  code?: string;
  /** The server's or our reason (refused), or what limited the check (note). */
  reason?: string;
  note?: string;
  status?: number;
}

type Obj = Record<string, unknown>;

/**
 * @example const findings = await probeSitePackage({ site: "edge1", intentId, objects }, { kube });
 */
export async function probeSitePackage(
  options: { site: string; intentId: string; objects: readonly KrmObject[]; force?: boolean },
  deps: { kube: KubeClient },
): Promise<ProbeFinding[]> {
  const { kube } = deps;
  const force = options.force ?? false;
  const inventoryId = `${options.site}/${options.intentId}`;
  const mapper = new RestMapper(kube);
  const plan = planApply(options.objects);
  const ordered = plan.order.map((i) => options.objects[i]!);
  const crdKinds = new Set<string>();
  const packageNamespaces = new Set<string>();
  for (const o of ordered) {
    if (o.kind === "CustomResourceDefinition") {
      const spec = (o as Obj)["spec"] as { group?: string; names?: { kind?: string } } | undefined;
      crdKinds.add(`${spec?.group ?? ""}/${spec?.names?.kind ?? ""}`);
    }
    if (o.kind === "Namespace" && o.apiVersion === "v1") packageNamespaces.add(o.metadata.name ?? "");
  }
  const namespaceState = new Map<string, Promise<"exists" | "missing" | "terminating">>();
  const stateOf = (ns: string) => {
    let state = namespaceState.get(ns);
    if (!state) {
      state = kube
        .request({ method: "GET", path: `/api/v1/namespaces/${encodeURIComponent(ns)}` })
        .then((res) => {
          if (res.status === 404) return "missing";
          if (res.status !== 200) throw new Error(`GET namespace ${ns}: HTTP ${res.status}`);
          const phase = ((res.body?.["status"] as Obj | undefined)?.["phase"] ?? "") as string;
          return phase === "Terminating" ? "terminating" : "exists";
        });
      namespaceState.set(ns, state);
    }
    return state;
  };

  const findings: ProbeFinding[] = [];
  for (const desired of ordered) {
    const { object, digest } = prepareObject(desired, inventoryId);
    const ref = refOf(object);
    const subject = subjectOfRef(ref);
    const group = object.apiVersion.includes("/") ? object.apiVersion.split("/")[0]! : "";
    const mapping = await mapper.mapping(object.apiVersion, object.kind);
    if (!mapping) {
      findings.push(
        crdKinds.has(`${group}/${object.kind}`)
          ? {
              ref: subject,
              outcome: "not-checked",
              action: "create",
              note: `its CustomResourceDefinition is in this package; ${object.apiVersion} ${object.kind} cannot be dry-run before it exists`,
            }
          : {
              ref: subject,
              outcome: "refused",
              code: "E_UNKNOWN_KIND",
              reason: `the API server does not serve ${object.apiVersion} ${object.kind} (no such kind, and the package brings no CustomResourceDefinition for it)`,
            },
      );
      continue;
    }
    let target = object;
    let note: string | undefined;
    if (mapping.namespaced && ref.namespace) {
      const state = await stateOf(ref.namespace);
      if (state === "terminating") {
        findings.push({
          ref: subject,
          outcome: "refused",
          code: "E_NAMESPACE_TERMINATING",
          reason: `namespace ${ref.namespace} is being deleted`,
        });
        continue;
      }
      if (state === "missing") {
        if (!packageNamespaces.has(ref.namespace)) {
          findings.push({
            ref: subject,
            outcome: "refused",
            code: "E_NO_NAMESPACE",
            reason: `namespace ${ref.namespace} does not exist and the package does not create it`,
          });
          continue;
        }
        target = { ...object, metadata: { ...object.metadata, namespace: STAND_IN_NAMESPACE } };
        note = `dry-run in namespace ${STAND_IN_NAMESPACE}: ${ref.namespace} does not exist yet (this package creates it), so its own quota and limits are not checked`;
      }
    }
    const path = objectPath(mapping, target.metadata.namespace ?? "", target.metadata.name ?? "");
    const got = await kube.request({ method: "GET", path });
    if (got.status !== 200 && got.status !== 404) {
      throw new Error(`GET ${subject}: HTTP ${got.status} ${String(got.body?.["message"] ?? "")}`);
    }
    const live = got.status === 200 ? got.body : null;
    if (live && note) {
      // The stand-in namespace holds an object of that name: its answer would be about that object.
      findings.push({
        ref: subject,
        outcome: "not-checked",
        action: "create",
        note: `${ref.namespace} does not exist yet and ${STAND_IN_NAMESPACE} already holds an object of this name`,
      });
      continue;
    }
    const owner = ((live?.["metadata"] as Obj | undefined)?.["annotations"] as Obj | undefined)?.[
      INVENTORY_ANNOTATION
    ];
    if (typeof owner === "string" && owner !== inventoryId) {
      findings.push({
        ref: subject,
        outcome: "refused",
        code: "E_OWNED_BY_OTHER",
        reason: `the live object belongs to intent ${owner}`,
      });
      continue;
    }
    const input = { object: target, digest, mapping, live, force };
    let dry = await sendApply(kube, input, true);
    if (dry.status === 409 && !force && live && onlyImperativeConflicts(dry, live)) {
      dry = await sendApply(kube, { ...input, force: true }, true);
    }
    if (dry.status !== 200 && dry.status !== 201) {
      const e = refusal({ ref: subject, object: ref, digest }, dry);
      findings.push({
        ref: subject,
        outcome: "refused",
        code: e.error?.code ?? "E_KUBE_API",
        reason: e.error?.message ?? `HTTP ${dry.status}`,
        status: dry.status,
      });
      continue;
    }
    const action = !live ? "create" : sameObject(dry.body!, live) ? "unchanged" : "update";
    findings.push({ ref: subject, outcome: "accepted", action, ...(note ? { note } : {}) });
  }
  return findings;
}
