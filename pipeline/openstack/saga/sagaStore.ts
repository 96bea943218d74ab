/**
 * The saga journal of one intent at one site: `<dir>/<site>/<intent>.saga.json`, rewritten atomically (a
 * temporary sibling, then a rename) at every step transition — before a step runs (its compensation data as
 * far as known) and after (with the id of what it made). Finished sagas are appended to
 * `<dir>/<site>/<intent>.history.jsonl`. A saga still `running` when read was interrupted (SIGKILL, power
 * cut): the next reconcile resumes it.
 */
import { appendFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PlannedStep } from "../stack/planStackChanges.js";
import type { Compensation } from "../stack/stepContext.js";

export type StepStatus =
  | "pending"
  | "started"
  | "done"
  | "failed"
  | "compensated"
  | "compensation-failed"
  | "not-run";

export interface SagaStep extends PlannedStep {
  status: StepStatus;
  attempts: number;
  resourceId?: string;
  adopted?: boolean;
  compensation?: Compensation;
  error?: { code: string; message: string };
  compensationError?: { code: string; message: string };
  startedAt?: string;
  finishedAt?: string;
}

export type SagaStatus = "running" | "completed" | "compensating" | "compensated" | "compensation-failed";

export interface SagaRecord {
  version: 1;
  sagaId: string;
  site: string;
  intentId: string;
  commit: string | null;
  status: SagaStatus;
  /** The saga this one resumed (it was interrupted while running). */
  resumedFrom?: string;
  /** Done creates of the interrupted sagas this one resumed: undone too if this one fails. */
  inherited: SagaStep[];
  steps: SagaStep[];
  /** Why the saga failed (the step error or the health verdict). */
  failure?: { code: string; message: string; step?: string };
  createdAt: string;
  updatedAt: string;
}

/** A site or intent id as one path segment. */
export function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9._-]/g, "_");
}

export function sagaPath(dir: string, site: string, intentId: string): string {
  return join(dir, safe(site), `${safe(intentId)}.saga.json`);
}

export async function readSaga(dir: string, site: string, intentId: string): Promise<SagaRecord | undefined> {
  try {
    return JSON.parse(await readFile(sagaPath(dir, site, intentId), "utf8")) as SagaRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Writes the record atomically (a crash leaves the old or the new record, never half of one). */
export async function writeSaga(dir: string, record: SagaRecord): Promise<void> {
  const path = sagaPath(dir, record.site, record.intentId);
  await mkdir(join(path, ".."), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`);
  await rename(temp, path);
}

/** Appends a finished saga to the intent's history. */
export async function archiveSaga(dir: string, record: SagaRecord): Promise<void> {
  const path = join(dir, safe(record.site), `${safe(record.intentId)}.history.jsonl`);
  await mkdir(join(path, ".."), { recursive: true });
  await appendFile(path, `${JSON.stringify(record)}\n`);
}
