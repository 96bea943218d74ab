/**
 * `runSaga`: runs a plan's steps in order, persisting each step before it runs (with what undoing it will
 * take) and after (with the id of what it made). A step that fails with a transient error (5xx, 409, an
 * unreachable service, a wait timeout) is tried again with exponential backoff; a create step looks for its
 * resource before creating, so a retry never makes a second one. When a step fails for good, or the final
 * verification finds a resource in error, every done step — and what inherited interrupted sagas made — is
 * compensated in reverse order. A compensation that fails is recorded on its step with its error and makes
 * the saga `compensation-failed`: it is surfaced, never swallowed.
 */
import { IntentopsError } from "../../../compiler/errors.js";
import { isTransient } from "../client/openStackErrors.js";
import { applyStep } from "../stack/applyStep.js";
import type { PlannedStep } from "../stack/planStackChanges.js";
import { compensate, deleteStep } from "../stack/removeResource.js";
import type { Compensation, StepContext } from "../stack/stepContext.js";
import { type SagaRecord, type SagaStep, writeSaga } from "./sagaStore.js";

export interface RunSagaOptions {
  dir: string;
  record: SagaRecord;
  ctx: Omit<StepContext, "onCreated" | "checkpoint">;
  /** Attempts per step (1 = no retry). Default 3. */
  attempts?: number;
  /** First backoff, doubled per attempt. Default 1000 ms. */
  backoffMs?: number;
  /** Checked after the last step; a failure compensates the saga. */
  verify?: () => Promise<{ ok: true } | { ok: false; code: string; message: string }>;
  /** ISO timestamps for the record. */
  clock?: () => string;
  /** Test hook: `<point>:<step id>` where the process is to be killed (see `crashHook`). */
  checkpoint?: (point: string) => void | Promise<void>;
  log?: (line: string) => void;
}

/** The compensation a step will need, as far as it is known before the step runs. */
export function plannedCompensation(step: PlannedStep): Compensation {
  if (step.op === "delete") return { do: "none", why: "a delete cannot be undone" };
  switch (step.kind) {
    case "RouterInterface":
      return {
        do: "removeInterface",
        router: String(step.detail.router),
        subnet: String(step.detail.subnet),
      };
    case "SecurityGroupRule":
      return { do: "deleteRule", group: String(step.detail.group), key: step.name };
    case "VolumeAttachment":
      return { do: "detach", volume: String(step.detail.volume), server: String(step.detail.server) };
    case "Server":
      if (step.op === "update") return { do: "resize", server: step.name, flavor: String(step.detail.from) };
      return { do: "delete", kind: "Server", ref: `Server/${step.name}` };
    default:
      return { do: "delete", kind: step.kind, ref: `${step.kind}/${step.name}` };
  }
}

function errorOf(error: unknown): { code: string; message: string } {
  return error instanceof IntentopsError
    ? { code: error.code, message: error.message }
    : { code: "E_OPENSTACK", message: error instanceof Error ? error.message : String(error) };
}

/** @returns the final record (also persisted): `completed`, `compensated` or `compensation-failed` */
export async function runSaga(options: RunSagaOptions): Promise<SagaRecord> {
  const record = options.record;
  const clock = options.clock ?? (() => new Date().toISOString());
  const sleep = options.ctx.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const attempts = Math.max(1, options.attempts ?? 3);
  const backoffMs = options.backoffMs ?? 1000;
  const log = options.log ?? (() => undefined);
  const persist = async () => {
    record.updatedAt = clock();
    await writeSaga(options.dir, record);
  };
  await persist();

  for (const step of record.steps) {
    step.status = "started";
    step.startedAt = clock();
    step.compensation ??= plannedCompensation(step);
    await persist();
    await options.checkpoint?.(`before:${step.id}`);
    const ctx: StepContext = {
      ...options.ctx,
      onCreated: async (compensation) => {
        step.compensation = compensation;
        if (compensation.do === "delete" && compensation.id) step.resourceId = compensation.id;
        await persist();
      },
      checkpoint: (point) => options.checkpoint?.(`${point}:${step.id}`),
    };
    let failure: unknown;
    for (;;) {
      step.attempts++;
      try {
        if (step.op === "delete") {
          await deleteStep(step, ctx);
        } else {
          const result = await applyStep(step, ctx);
          step.compensation = result.compensation;
          step.adopted = result.adopted;
          if (result.resourceId) step.resourceId = result.resourceId;
        }
        failure = undefined;
        break;
      } catch (error) {
        failure = error;
        step.error = errorOf(error);
        if (step.attempts >= attempts || !isTransient(error)) break;
        log(
          `${record.site}/${record.intentId}: ${step.id} attempt ${step.attempts} failed (${step.error.code}); retrying`,
        );
        await persist();
        await sleep(backoffMs * 2 ** (step.attempts - 1));
      }
    }
    step.finishedAt = clock();
    if (failure === undefined) {
      delete step.error;
      step.status = "done";
      await persist();
      await options.checkpoint?.(`after:${step.id}`);
      continue;
    }
    step.status = "failed";
    record.failure = { ...errorOf(failure), step: step.id };
    await persist();
    return compensateSaga(record, ctx, persist, clock, log);
  }

  if (options.verify) {
    const verdict = await options.verify();
    if (!verdict.ok) {
      record.failure = { code: verdict.code, message: verdict.message };
      await persist();
      return compensateSaga(
        record,
        { ...options.ctx, onCreated: async () => undefined },
        persist,
        clock,
        log,
      );
    }
  }
  record.status = "completed";
  await persist();
  return record;
}

/** Undoes done and half-done steps in reverse order, then the inherited ones; records every outcome. */
export async function compensateSaga(
  record: SagaRecord,
  ctx: StepContext,
  persist: () => Promise<void>,
  clock: () => string,
  log: (line: string) => void,
): Promise<SagaRecord> {
  record.status = "compensating";
  for (const step of record.steps) if (step.status === "pending") step.status = "not-run";
  await persist();
  const undo = [...record.steps].reverse().concat([...record.inherited].reverse());
  let failed = 0;
  for (const step of undo) {
    if (step.status !== "done" && step.status !== "failed" && step.status !== "started") continue;
    if (!step.compensation || step.compensation.do === "none") continue;
    try {
      await compensate(step.compensation, ctx);
      step.status = "compensated";
    } catch (error) {
      failed++;
      step.status = "compensation-failed";
      step.compensationError = errorOf(error);
      log(
        `${record.site}/${record.intentId}: compensation of ${step.id} failed: ${step.compensationError.message}`,
      );
    }
    step.finishedAt = clock();
    await persist();
  }
  record.status = failed > 0 ? "compensation-failed" : "compensated";
  await persist();
  return record;
}

/** A new saga record for a plan (steps pending). */
export function newSaga(init: {
  sagaId: string;
  site: string;
  intentId: string;
  commit: string | null;
  steps: readonly PlannedStep[];
  inherited?: SagaStep[];
  resumedFrom?: string;
  now: string;
}): SagaRecord {
  return {
    version: 1,
    sagaId: init.sagaId,
    site: init.site,
    intentId: init.intentId,
    commit: init.commit,
    status: "running",
    ...(init.resumedFrom ? { resumedFrom: init.resumedFrom } : {}),
    inherited: init.inherited ?? [],
    steps: init.steps.map((s) => ({ ...s, status: "pending" as const, attempts: 0 })),
    createdAt: init.now,
    updatedAt: init.now,
  };
}
