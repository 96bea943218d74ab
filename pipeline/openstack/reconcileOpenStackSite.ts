/**
 * `reconcileOpenStackSite`: brings one OpenStack site to the packages of a commit — the OpenStack
 * counterpart of `reconcileSite`, returning the same outcome (a change set as data per intent). Per intent
 * it reads like a script: manifests → resume an interrupted saga → live resources (by our tags) → plan →
 * saga (steps persisted, retried, compensated on failure) → health from the live APIs → evidence.
 */
import { randomUUID } from "node:crypto";
import type { Digest } from "../../compiler/digest.js";
import { digestJson } from "../../compiler/digest.js";
import { IntentopsError } from "../../compiler/errors.js";
import type { Site } from "../../compiler/types.js";
import type { EvidenceInput, EvidenceResult } from "../evidence/evidenceRecord.js";
import type { ChangeSetEntry } from "../reconcile/changeSet.js";
import type { IntentOutcome, ReconcileSiteOutcome, SitePackage } from "../reconcile/reconcileSite.js";
import { evidenceOf } from "../reconcile/reconcileSite.js";
import type { HealthReport } from "../reconcile/waitForHealth.js";
import {
  createOpenStackClient,
  type OpenStackClient,
  type TokenCache,
} from "./client/createOpenStackClient.js";
import { siteClientOptions } from "./client/siteClientOptions.js";
import { withDnsRecords } from "./dns/withDnsRecords.js";
import { adoptableOf } from "./saga/adoptableOf.js";
import { crashHook } from "./saga/crashHook.js";
import { compensateSaga, newSaga, runSaga } from "./saga/runSaga.js";
import { archiveSaga, readSaga, type SagaRecord, type SagaStep, writeSaga } from "./saga/sagaStore.js";
import { planStackChanges } from "./stack/planStackChanges.js";
import { type DesiredStack, readDesiredStack } from "./stack/readDesiredStack.js";
import { liveResources, readLiveStack } from "./stack/readLiveStack.js";
import { type ResourceStatus, readStackStatus } from "./stack/readStackStatus.js";
import { DEFAULT_WAITS, type StepWaits } from "./stack/stepContext.js";

export const OPENSTACK_GROUP = "openstack.intentops.io";

export interface ReconcileOpenStackSiteOptions {
  site: Site;
  packages: readonly SitePackage[];
  commit?: string | null;
  /** Also remove intents that have resources at the site but no package (their resources are orphans). */
  pruneMissing?: boolean;
  minServersPerTier?: number;
  /** Health wait after the saga. Default 3 minutes. */
  healthTimeoutMs?: number;
  waits?: Partial<StepWaits>;
  /** Attempts per saga step. Default 3. */
  attempts?: number;
  backoffMs?: number;
  trigger?: EvidenceInput["trigger"];
}

export interface ReconcileOpenStackSiteDeps {
  /** Where saga journals live. Default `.intentops/openstack`. */
  stateDir?: string;
  client?: OpenStackClient;
  tokenCache?: TokenCache;
  env?: Readonly<Record<string, string | undefined>>;
  recordEvidence?: (input: EvidenceInput) => Promise<void>;
  log?: (line: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  clock?: () => string;
  /** Test hook (defaults to `INTENTOPS_TEST_OPENSTACK_CRASH_AT`). */
  checkpoint?: (point: string) => void | Promise<void>;
}

export interface OpenStackIntentOutcome extends IntentOutcome {
  saga: {
    sagaId: string;
    status: SagaRecord["status"] | "none";
    resumedFrom?: string;
    compensated: string[];
    compensationFailed: Array<{ step: string; code: string; message: string }>;
  } | null;
  resources: ResourceStatus[];
}

export interface ReconcileOpenStackSiteOutcome extends ReconcileSiteOutcome {
  intents: OpenStackIntentOutcome[];
}

/** @example const outcome = await reconcileOpenStackSite({ site, packages, commit }, { stateDir }); */
export async function reconcileOpenStackSite(
  options: ReconcileOpenStackSiteOptions,
  deps: ReconcileOpenStackSiteDeps = {},
): Promise<ReconcileOpenStackSiteOutcome> {
  const { site, commit = null } = options;
  const client =
    deps.client ??
    createOpenStackClient(siteClientOptions(site, deps.env), {
      ...(deps.tokenCache ? { tokenCache: deps.tokenCache } : {}),
    });
  const packages = [...options.packages];
  if (options.pruneMissing) {
    const present = new Set(packages.map((p) => p.intentId));
    const live = liveResources(await readLiveStack(client, { site: site.id }));
    for (const id of [...new Set(live.map((r) => r.intentId))].sort()) {
      if (id && !present.has(id)) packages.push({ intentId: id, objects: [] });
    }
  }
  packages.sort((a, b) => (a.intentId < b.intentId ? -1 : a.intentId > b.intentId ? 1 : 0));
  const intents: OpenStackIntentOutcome[] = [];
  for (const pkg of packages) {
    // DNS records (RecordSet) go to the site's DNS server; the rest to the stack saga.
    const outcome = await withDnsRecords(
      pkg,
      site,
      (stackPackage) => reconcileIntent(stackPackage, options, deps, client, commit),
      { ...(deps.env ? { env: deps.env } : {}), ...(deps.now ? { now: deps.now } : {}) },
    );
    deps.log?.(
      `${outcome.subject}: ${outcome.result}${outcome.error ? ` (${outcome.error.code}: ${outcome.error.message})` : ""}`,
    );
    if (deps.recordEvidence) {
      const input = evidenceOf(outcome, site.id, commit, pkg, options.trigger);
      await deps.recordEvidence({
        ...input,
        details: { ...(input.details ?? {}), saga: outcome.saga, resources: outcome.resources },
      });
    }
    intents.push(outcome);
  }
  return {
    site: site.id,
    commit,
    intents,
    ok: intents.every((i) => i.result === "success" || i.result === "noop"),
  };
}

function entry(
  kind: string,
  name: string,
  action: ChangeSetEntry["action"],
  digest: Digest | null,
  error?: { code: string; message: string },
): ChangeSetEntry {
  return {
    ref: `${kind}/${name}`,
    object: { group: OPENSTACK_GROUP, kind, namespace: "", name },
    action,
    digest,
    ...(error ? { error } : {}),
  };
}

async function reconcileIntent(
  pkg: SitePackage,
  options: ReconcileOpenStackSiteOptions,
  deps: ReconcileOpenStackSiteDeps,
  client: OpenStackClient,
  commit: string | null,
): Promise<OpenStackIntentOutcome> {
  const now = deps.now ?? (() => performance.now());
  const clock = deps.clock ?? (() => new Date().toISOString());
  const started = now();
  const site = options.site.id;
  const subject = `${site}/${pkg.intentId}`;
  const stateDir = deps.stateDir ?? ".intentops/openstack";
  const outcome: OpenStackIntentOutcome = {
    subject,
    intentId: pkg.intentId,
    result: "success",
    changeSet: [],
    health: null,
    prune: { refused: false, reason: "resources found by tags", count: 0 },
    durations: { totalMs: 0, applyMs: 0, pruneMs: 0, healthMs: 0 },
    saga: null,
    resources: [],
  };
  const finish = (result: EvidenceResult, error?: unknown) => {
    outcome.result = result;
    if (error !== undefined) {
      outcome.error =
        error instanceof IntentopsError
          ? { code: error.code, message: error.message }
          : { code: "E_RECONCILE", message: error instanceof Error ? error.message : String(error) };
    }
    outcome.durations.totalMs = Math.round(now() - started);
    return outcome;
  };
  let desired: DesiredStack;
  try {
    desired = readDesiredStack(pkg.objects);
  } catch (error) {
    return finish("rejected", error);
  }
  const digests = new Map<string, Digest>(
    pkg.objects
      .filter((o) => o.kind !== "Kptfile")
      .map((o) => [`${o.kind}/${o.metadata.name}`, digestJson(o)]),
  );
  const waits: StepWaits = { ...DEFAULT_WAITS, ...(options.waits ?? {}) };
  const checkpoint = deps.checkpoint ?? crashHook();
  const baseCtx = {
    client,
    site,
    intentId: pkg.intentId,
    desired,
    ids: new Map<string, string>(),
    adoptable: new Map<string, string | undefined>(),
    waits,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  };
  const log = deps.log ?? (() => undefined);
  try {
    // An interrupted saga: a compensation is finished; a deployment's made resources are inherited.
    const previous = await readSaga(stateDir, site, pkg.intentId);
    let inherited: SagaStep[] = [];
    if (previous && previous.status === "compensating") {
      const persist = async () => writeSaga(stateDir, previous);
      const done = await compensateSaga(
        previous,
        { ...baseCtx, onCreated: async () => undefined },
        persist,
        clock,
        log,
      );
      await archiveSaga(stateDir, done);
      outcome.saga = sagaSummary(done);
      return finish(
        "failure",
        new IntentopsError(
          "E_OPENSTACK_SAGA_COMPENSATED",
          `${subject}: an interrupted compensation was completed (${done.status}); retry to deploy again`,
          { subject },
        ),
      );
    }
    if (previous && previous.status === "running") {
      inherited = [
        ...previous.inherited,
        ...previous.steps.filter(
          (s) =>
            s.op !== "delete" && (s.status === "done" || s.status === "started" || s.status === "failed"),
        ),
      ];
      log(
        `${subject}: resuming interrupted saga ${previous.sagaId} (${inherited.length} step(s) it had begun)`,
      );
    }
    // What they began to make may lack its tags (killed between create and tagging): adopt it, by the
    // journalled id or name, rather than make it again.
    for (const [ref, id] of adoptableOf(inherited)) baseCtx.adoptable.set(ref, id);

    let t = now();
    const live = await readLiveStack(client, { site, intentId: pkg.intentId });
    for (const [ref, id] of liveResources(live).map((r) => [`${r.kind}/${r.name}`, r.resource.id] as const)) {
      baseCtx.ids.set(ref, id);
    }
    const plan = planStackChanges(desired, live, {
      ...(options.minServersPerTier !== undefined ? { minServersPerTier: options.minServersPerTier } : {}),
    });
    outcome.prune.count = plan.steps.filter((s) => s.op === "delete").length;
    const healthTimeoutMs = options.healthTimeoutMs ?? 180_000;
    let statuses: ResourceStatus[] = [];
    const verify = async () => {
      const h = now();
      const deadline = h + healthTimeoutMs;
      for (;;) {
        statuses = readStackStatus(desired, await readLiveStack(client, { site, intentId: pkg.intentId }));
        const failed = statuses.filter((s) => s.status === "Failed" || s.status === "NotFound");
        const pending = statuses.filter((s) => s.status === "InProgress" || s.status === "Terminating");
        if (failed.length > 0 || pending.length === 0 || now() > deadline) {
          outcome.durations.healthMs = Math.round(now() - h);
          const bad = [...failed, ...pending];
          outcome.health = healthReport(
            statuses,
            failed.length > 0 ? "failed" : pending.length > 0 ? "timeout" : "healthy",
            outcome.durations.healthMs,
          );
          if (bad.length === 0) return { ok: true as const };
          return {
            ok: false as const,
            code: "E_HEALTH",
            message: `health ${outcome.health.result}: ${bad.map((s) => `${s.ref} ${s.status} (${s.message})`).join("; ")}`,
          };
        }
        await (deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))))(1000);
      }
    };

    if (plan.steps.length === 0 && inherited.length === 0) {
      for (const ref of plan.unchanged) {
        const [kind, name] = [ref.slice(0, ref.indexOf("/")), ref.slice(ref.indexOf("/") + 1)];
        outcome.changeSet.push(entry(kind, name, "unchanged", digests.get(ref) ?? null));
      }
      const verdict = await verify();
      outcome.resources = statuses;
      outcome.saga = null;
      return verdict.ok
        ? finish("noop")
        : finish("failure", new IntentopsError(verdict.code, `${subject}: ${verdict.message}`, { subject }));
    }

    const record = newSaga({
      sagaId: randomUUID(),
      site,
      intentId: pkg.intentId,
      commit,
      steps: plan.steps,
      inherited,
      ...(previous?.status === "running" ? { resumedFrom: previous.sagaId } : {}),
      now: clock(),
    });
    const done = await runSaga({
      dir: stateDir,
      record,
      ctx: baseCtx,
      ...(options.attempts !== undefined ? { attempts: options.attempts } : {}),
      ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
      verify,
      clock,
      ...(checkpoint ? { checkpoint } : {}),
      log,
    });
    outcome.durations.applyMs = Math.round(now() - t - outcome.durations.healthMs);
    t = now();
    await archiveSaga(stateDir, done);
    outcome.saga = sagaSummary(done);
    outcome.resources = statuses;
    for (const ref of plan.unchanged) {
      const [kind, name] = [ref.slice(0, ref.indexOf("/")), ref.slice(ref.indexOf("/") + 1)];
      outcome.changeSet.push(entry(kind, name, "unchanged", digests.get(ref) ?? null));
    }
    for (const step of done.steps) {
      const digest = digests.get(`${step.kind}/${step.name}`) ?? null;
      const action: ChangeSetEntry["action"] =
        step.status === "not-run" || step.status === "pending"
          ? "skipped"
          : step.status === "failed" || step.error
            ? "failed"
            : step.op === "create"
              ? "created"
              : step.op === "update"
                ? "configured"
                : "deleted";
      outcome.changeSet.push(entry(step.kind, step.name, action, digest, step.error));
    }
    if (done.status === "completed") return finish("success");
    const failure = done.failure ?? { code: "E_OPENSTACK_SAGA", message: "the saga did not complete" };
    if (done.status === "compensation-failed") {
      const bad = [...done.steps, ...done.inherited].filter((s) => s.status === "compensation-failed");
      return finish(
        "failure",
        new IntentopsError(
          "E_OPENSTACK_COMPENSATION_FAILED",
          `${subject}: ${failure.message}; compensation failed for ${bad.map((s) => `${s.id} (${s.compensationError?.message})`).join("; ")}`,
          { subject },
        ),
      );
    }
    return finish(
      "failure",
      new IntentopsError(
        failure.code,
        `${subject}: ${failure.message} (compensated: every resource this change made was removed)`,
        { subject },
      ),
    );
  } catch (error) {
    return finish(
      error instanceof IntentopsError &&
        (error.code === "E_OPENSTACK_BELOW_MINIMUM" || error.code === "E_OPENSTACK_SUBNET_IMMUTABLE")
        ? "rejected"
        : "failure",
      error,
    );
  }
}

function sagaSummary(record: SagaRecord): NonNullable<OpenStackIntentOutcome["saga"]> {
  const all = [...record.steps, ...record.inherited];
  return {
    sagaId: record.sagaId,
    status: record.status,
    ...(record.resumedFrom ? { resumedFrom: record.resumedFrom } : {}),
    compensated: all.filter((s) => s.status === "compensated").map((s) => s.id),
    compensationFailed: all
      .filter((s) => s.status === "compensation-failed")
      .map((s) => ({
        step: s.id,
        code: s.compensationError?.code ?? "E_OPENSTACK",
        message: s.compensationError?.message ?? "",
      })),
  };
}

function healthReport(
  statuses: readonly ResourceStatus[],
  result: HealthReport["result"],
  elapsedMs: number,
): HealthReport {
  return {
    result,
    timeline: [],
    objects: statuses.map((s) => ({ ref: s.ref, status: s.status, message: s.message })),
    elapsedMs,
  };
}
