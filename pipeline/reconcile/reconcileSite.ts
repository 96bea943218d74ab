/**
 * `reconcileSite`: brings one Kubernetes site to the packages of a commit. Push mode (the pipeline, right
 * after delivery), pull mode (`intentops agent`) and `intentops apply` all call it. Per intent it reads
 * like a script: plan → inventory → prune safety → apply → prune → inventory → health → evidence; one
 * helper turns any failure into the intent's outcome, and one intent's failure does not stop the others.
 */
import { isDeepStrictEqual } from "node:util";
import type { Digest } from "../../compiler/digest.js";
import { IntentopsError } from "../../compiler/errors.js";
import type { Site } from "../../compiler/types.js";
import type { KrmObject } from "../../functions/runtime/types.js";
import type { EvidenceInput, EvidenceResult } from "../evidence/evidenceRecord.js";
import { abortableSleep } from "../support/abortable.js";
import { prepareObject } from "./applyObject.js";
import { applyPackage } from "./applyPackage.js";
import { type ChangeSetEntry, changeSetSucceeded, summarizeChangeSet } from "./changeSet.js";
import { checkPruneSafety } from "./checkPruneSafety.js";
import {
  deleteInventory,
  type InventoryEntry,
  listInventories,
  readInventory,
  writeInventory,
} from "./inventory.js";
import { createKubeClient, type KubeClient } from "./kubeClient.js";
import { compareRefs, refKey, refOf, subjectOfRef } from "./objectRef.js";
import { planApply } from "./planApply.js";
import { pruneObjects, pruneSet } from "./pruneObjects.js";
import { PruneUnsafeError, SiteConfigError } from "./reconcileErrors.js";
import { RestMapper } from "./restMapper.js";
import { waitForGone } from "./waitForGone.js";
import { type HealthReport, waitForHealth } from "./waitForHealth.js";

/** The desired objects of one intent at one site. */
export interface SitePackage {
  intentId: string;
  objects: KrmObject[];
  renderedDigest?: Digest;
  /**
   * The intent was deleted through Git (its intent file is gone): pruning its whole inventory is the
   * explicit delete path, not a broken render, so prune safety does not hold it back.
   */
  deleted?: boolean;
}

export interface ReconcileSiteOptions {
  site: Site;
  packages: readonly SitePackage[];
  /** The delivery commit the packages come from; `null` for a work directory. */
  commit?: string | null;
  /** Also prune intents that have an inventory in the cluster but no package (pull mode). Default false. */
  pruneMissing?: boolean;
  /**
   * With `pruneMissing`: the intents whose intent file exists at the commit. An inventory whose intent is
   * not among them was deleted through Git and is pruned whole; one whose intent still exists (its package
   * is missing: a broken render or a wrong path) stays under prune safety.
   */
  presentIntents?: ReadonlySet<string>;
  /** Wait until pruned objects are gone (404), within the health timeout: the delete path. Default false. */
  waitForDeletion?: boolean;
  /** Stops the reconcile between objects and during the health wait (the phase's time limit, a shutdown). */
  signal?: AbortSignal;
  /** Allow pruning past the safety limits. Default false. */
  forcePrune?: boolean;
  /** Largest share of an inventory one run may prune. Default 0.5. */
  maxPruneShare?: number;
  /** Health wait per site. Default 5 minutes; 0 skips the wait. */
  healthTimeoutMs?: number;
  healthIntervalMs?: number;
  concurrency?: number;
  trigger?: EvidenceInput["trigger"];
}

export interface ReconcileSiteDeps {
  /** A connected client; otherwise one is made from the site's kubeconfig context (and closed after). */
  kube?: KubeClient;
  /** Kubeconfig to use when the site names none (the CLI passes `--kubeconfig` / `$KUBECONFIG`). */
  kubeconfig?: string;
  /** Writes one evidence record per intent (e.g. `recordEvidence` bound to a repository). */
  recordEvidence?: (input: EvidenceInput) => Promise<void>;
  log?: (line: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface IntentOutcome {
  /** `site/intent-id`. */
  subject: string;
  intentId: string;
  result: EvidenceResult;
  changeSet: ChangeSetEntry[];
  health: HealthReport | null;
  prune: { refused: boolean; reason: string; count: number };
  error?: { code: string; message: string };
  durations: { totalMs: number; applyMs: number; pruneMs: number; healthMs: number };
}

export interface ReconcileSiteOutcome {
  site: string;
  commit: string | null;
  intents: IntentOutcome[];
  /** `success` when every intent succeeded or had nothing to do. */
  ok: boolean;
}

/**
 * @example
 * const outcome = await reconcileSite({ site, packages: [{ intentId: "embb-slice-edge1", objects }],
 *   commit: sha }, { kubeconfig: "/tmp/kubeconfig", recordEvidence: (input) => recordEvidence({ dir, input }, gitDeps).then(() => {}) });
 */
export async function reconcileSite(
  options: ReconcileSiteOptions,
  deps: ReconcileSiteDeps = {},
): Promise<ReconcileSiteOutcome> {
  const { site, commit = null } = options;
  if (site.kind !== "kubernetes" || !site.kubernetes?.context) {
    throw new SiteConfigError(`site ${site.id} is not a kubernetes site with a context`, site.id);
  }
  const kubeconfig = site.kubernetes.kubeconfig ?? deps.kubeconfig;
  const kube =
    deps.kube ??
    (await createKubeClient({
      context: site.kubernetes.context,
      ...(kubeconfig ? { kubeconfig } : {}),
      maxSockets: options.concurrency ?? 24,
    }));
  try {
    const packages = [...options.packages];
    if (options.pruneMissing) {
      const present = new Set(packages.map((p) => p.intentId));
      for (const id of await listInventories(kube)) {
        if (present.has(id)) continue;
        const deleted = options.presentIntents !== undefined && !options.presentIntents.has(id);
        packages.push({ intentId: id, objects: [], ...(deleted ? { deleted } : {}) });
      }
    }
    packages.sort((a, b) => (a.intentId < b.intentId ? -1 : a.intentId > b.intentId ? 1 : 0));
    const intents: IntentOutcome[] = [];
    for (const pkg of packages) {
      options.signal?.throwIfAborted();
      const outcome = await reconcileIntent(pkg, options, { ...deps, kube, commit });
      deps.log?.(
        `${outcome.subject}: ${outcome.result}${outcome.error ? ` (${outcome.error.code}: ${outcome.error.message})` : ""}`,
      );
      if (deps.recordEvidence)
        await deps.recordEvidence(evidenceOf(outcome, site.id, commit, pkg, options.trigger));
      intents.push(outcome);
    }
    return {
      site: site.id,
      commit,
      intents,
      ok: intents.every((i) => i.result === "success" || i.result === "noop"),
    };
  } finally {
    if (!deps.kube) kube.close();
  }
}

async function reconcileIntent(
  pkg: SitePackage,
  options: ReconcileSiteOptions,
  deps: ReconcileSiteDeps & { kube: KubeClient; commit: string | null },
): Promise<IntentOutcome> {
  const { kube, commit } = deps;
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const subject = `${options.site.id}/${pkg.intentId}`;
  const mapper = new RestMapper(kube);
  const durations = { totalMs: 0, applyMs: 0, pruneMs: 0, healthMs: 0 };
  const outcome: IntentOutcome = {
    subject,
    intentId: pkg.intentId,
    result: "success",
    changeSet: [],
    health: null,
    prune: { refused: false, reason: "nothing to prune", count: 0 },
    durations,
  };
  const finish = (result: EvidenceResult, error?: unknown): IntentOutcome => {
    outcome.result = result;
    if (error !== undefined) {
      outcome.error =
        error instanceof IntentopsError
          ? { code: error.code, message: error.message }
          : { code: "E_RECONCILE", message: error instanceof Error ? error.message : String(error) };
    }
    durations.totalMs = Math.round(now() - started);
    return outcome;
  };

  try {
    // plan: a cycle or an unreadable depends-on refuses the package before anything is written.
    const plan = planApply(pkg.objects);
    const desired = pkg.objects.map(refOf);

    // inventory diff and prune safety, before any write.
    const inventory = await readInventory(kube, pkg.intentId);
    const toPrune = pruneSet(inventory?.objects ?? [], desired);
    const safety = checkPruneSafety({
      inventorySize: inventory?.objects.length ?? 0,
      pruneCount: toPrune.length,
      ...(options.maxPruneShare !== undefined ? { maxShare: options.maxPruneShare } : {}),
      force: (options.forcePrune ?? false) || pkg.deleted === true,
    });
    outcome.prune = { refused: !safety.allowed, reason: safety.reason, count: toPrune.length };
    if (!safety.allowed) {
      return finish(
        "rejected",
        new PruneUnsafeError(
          `${subject}: ${safety.reason}`,
          toPrune.map((e) => `${e.kind}/${e.namespace ? `${e.namespace}/` : ""}${e.name}`),
          inventory?.objects.length ?? 0,
          subject,
        ),
      );
    }

    // apply
    options.signal?.throwIfAborted();
    let t = now();
    const applied = await applyPackage(
      {
        objects: pkg.objects,
        plan,
        inventoryId: subject,
        force: options.site.kubernetes?.forceConflicts ?? false,
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      },
      { kube, mapper, ...(deps.sleep ? { sleep: deps.sleep } : {}) },
    );
    durations.applyMs = Math.round(now() - t);
    outcome.changeSet = applied;

    // prune, only after a clean apply: a half-applied package keeps its old objects.
    t = now();
    let pruned: ChangeSetEntry[] = [];
    if (toPrune.length > 0 && changeSetSucceeded(applied)) {
      pruned = await pruneObjects({ entries: toPrune, inventoryId: subject }, { kube, mapper });
      outcome.changeSet = [...applied, ...pruned];
    } else if (toPrune.length > 0) {
      outcome.prune.reason = "prune postponed: the apply did not succeed";
    }
    if (options.waitForDeletion && pruned.length > 0) {
      const left = await waitForGone(
        {
          entries: pruned,
          versions: new Map(toPrune.map((e) => [subjectOfRef(e), e.version])),
          timeoutMs: options.healthTimeoutMs ?? 300_000,
          ...(options.healthIntervalMs ? { intervalMs: options.healthIntervalMs } : {}),
        },
        {
          kube,
          mapper,
          now,
          sleep: abortableSleep(
            deps.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms))),
            options.signal,
          ),
        },
      );
      if (left.length > 0) {
        durations.pruneMs = Math.round(now() - t);
        return finish(
          "failure",
          new IntentopsError("E_DELETE_PENDING", `still present after the delete: ${left.join(", ")}`, {
            subject,
          }),
        );
      }
    }
    durations.pruneMs = Math.round(now() - t);

    // inventory: everything desired, plus what is still there from before (prune postponed or failed).
    const gone = new Set(pruned.filter((p) => p.action === "deleted").map((p) => refKey(p.object)));
    const desiredKeys = new Set(desired.map(refKey));
    const objects: InventoryEntry[] = [
      ...pkg.objects.map((o, i) => ({
        ...desired[i]!,
        version: o.apiVersion.split("/").pop()!,
        digest: prepareObject(o, subject).digest,
      })),
      ...(inventory?.objects ?? []).filter((e) => !desiredKeys.has(refKey(e)) && !gone.has(refKey(e))),
    ];
    const next = { site: options.site.id, intentId: pkg.intentId, commit, objects: sortInventory(objects) };
    if (objects.length === 0) await deleteInventory(kube, pkg.intentId);
    else if (
      !inventory ||
      !isDeepStrictEqual(next, { ...inventory, objects: sortInventory(inventory.objects) })
    ) {
      await writeInventory(kube, next);
    }

    // health of what this package holds now
    options.signal?.throwIfAborted();
    t = now();
    const timeoutMs = options.healthTimeoutMs ?? 300_000;
    const targets = pkg.objects
      .map((o, i) => ({
        ...desired[i]!,
        apiVersion: o.apiVersion,
        action: applied.find((a) => refKey(a.object) === refKey(desired[i]!))?.action,
      }))
      .filter((x) => x.action === "created" || x.action === "configured" || x.action === "unchanged")
      .map(({ action: _a, ...target }) => target);
    if (timeoutMs > 0 && targets.length > 0) {
      outcome.health = await waitForHealth(
        { targets, timeoutMs, ...(options.healthIntervalMs ? { intervalMs: options.healthIntervalMs } : {}) },
        {
          kube,
          mapper,
          ...(deps.now ? { now: deps.now } : {}),
          sleep: abortableSleep(
            deps.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms))),
            options.signal,
          ),
        },
      );
    }
    durations.healthMs = Math.round(now() - t);

    const all = outcome.changeSet;
    if (all.some((e) => e.action === "conflict")) return finish("conflict");
    if (!changeSetSucceeded(all) || (outcome.health && outcome.health.result !== "healthy")) {
      const firstBad = all.find((e) => e.error);
      return finish(
        "failure",
        firstBad?.error
          ? new IntentopsError(firstBad.error.code, `${firstBad.ref}: ${firstBad.error.message}`, {
              subject: firstBad.ref,
            })
          : new IntentopsError(
              "E_HEALTH",
              `health ${outcome.health?.result}: ${outcome.health?.objects
                .filter((o) => o.status !== "Current")
                .map((o) => `${o.ref} ${o.status} (${o.message})`)
                .join("; ")}`,
              { subject },
            ),
      );
    }
    return finish(all.every((e) => e.action === "unchanged") ? "noop" : "success");
  } catch (error) {
    // An abort is not this intent's failure: the caller stops the whole reconcile.
    if (options.signal?.aborted) throw error;
    return finish("failure", error);
  }
}

/** The evidence record of one intent's reconcile, derived from its outcome. */
export function evidenceOf(
  outcome: IntentOutcome,
  site: string,
  commit: string | null,
  pkg: SitePackage,
  trigger: EvidenceInput["trigger"] = { kind: "cli" },
): EvidenceInput {
  const summary = summarizeChangeSet(outcome.changeSet);
  return {
    intentId: outcome.intentId,
    action: "reconcile",
    sites: [site],
    trigger,
    commit: commit && /^[0-9a-f]{40}$/.test(commit) ? commit : null,
    ...(pkg.renderedDigest ? { renderedDigests: { [site]: pkg.renderedDigest } } : {}),
    outputs: outcome.changeSet
      .filter((e) => e.digest && e.action !== "failed" && e.action !== "skipped" && e.action !== "conflict")
      .map((e) => ({ name: `${e.action}:${e.ref}`, digest: e.digest! })),
    metrics: { ...summary, objects: pkg.objects.length },
    durations: outcome.durations,
    result: outcome.result,
    ...(outcome.error ? { error: outcome.error } : {}),
    details: {
      subject: outcome.subject,
      syncedCommit: commit,
      changeSet: outcome.changeSet.map((e) => ({
        ref: e.ref,
        action: e.action,
        digest: e.digest,
        ...(e.error ? { error: e.error } : {}),
      })),
      prune: outcome.prune,
      health: outcome.health,
    },
  };
}

/** Inventory entries in ref order, one per object (the stored form, so two inventories compare equal). */
function sortInventory(entries: readonly InventoryEntry[]): InventoryEntry[] {
  const seen = new Set<string>();
  return [...entries]
    .sort(compareRefs)
    .filter((e) => !seen.has(refKey(e)) && seen.add(refKey(e)))
    .map((e) => ({
      group: e.group,
      kind: e.kind,
      namespace: e.namespace,
      name: e.name,
      version: e.version,
      digest: e.digest,
    }));
}
