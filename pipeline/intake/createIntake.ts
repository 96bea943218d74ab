/**
 * createIntake: the one way an API request becomes work. An accepted change is (1) appended to the intake
 * log (fsync'd) — the only step a 202 waits for — then (2) written as the run's source file and
 * (3) submitted to the runner (journalled) once one of `maxActiveRuns` slots is free, and (4) queued for its
 * Git commit; the TMF921 routes answer 201 after (3) and (4). The slots keep a burst of requests from
 * turning into as many runs compiling, rendering and pushing at once on the event loop that also answers
 * the requests: the intake stays fast and the pipeline works the backlog off at its own pace. A run frees
 * its slot when it starts verifying (mostly waiting) or ends. `recover()` replays the log after a restart:
 * changes without a commit are committed again (a commit of what Git already holds is no commit) and
 * changes without a run are queued for one, so every answered request ends in Git and in a terminal run,
 * once.
 */
import { join } from "node:path";
import pLimit from "p-limit";
import { digestBytes } from "../../compiler/digest.js";
import { IntentopsError } from "../../compiler/errors.js";
import type { Runner } from "../run/createRunner.js";
import { type RunState, TERMINAL } from "../run/runTypes.js";
import type { IntakeCommitter } from "./commitIntake.js";
import { type IntakeChange, type IntakeLog, readIntakeLog } from "./intakeLog.js";

/** The API's view of one intent: its latest accepted document and when it was created and changed. */
export interface IntakeRecord {
  intentId: string;
  text: string;
  body: Record<string, unknown>;
  digest: string;
  createdAt: string;
  updatedAt: string;
  /** Accepted revisions, 1 for a new intent. */
  revisions: number;
  /** The request that made the latest revision. */
  requestId?: string;
}

export interface IntakeDeps {
  cwd: string;
  /** State directory relative to `cwd` (source files go to `<stateDir>/intake/`). */
  stateDir: string;
  logPath: string;
  log: IntakeLog;
  runner: Runner;
  committer: IntakeCommitter;
  clock: () => Date;
  /** Runs submitted and not yet verifying or ended, at most. Default 4. */
  maxActiveRuns?: number;
  /** Where a run that could not be submitted is reported (a restart submits it). */
  report?: (event: Record<string, unknown>) => void;
}

export interface Accepted {
  record: IntakeRecord;
  /**
   * The run, once submitted. Submission follows the intake log append without being awaited by it: the
   * log alone makes the change durable (recover() submits what a crash left unsubmitted).
   */
  run: Promise<RunState>;
  /** Resolves when Git holds the change. */
  committed: Promise<string | null>;
  /** True when an earlier request with the same Idempotency-Key and body was answered instead. */
  replayed: boolean;
}

export interface Intake {
  recover(): Promise<{ committed: number; submitted: number }>;
  /** Accepts a new intent or a revision; `body` must carry `id` equal to `intentId`. */
  accept(input: {
    kind: "create" | "revise";
    intentId: string;
    body: Record<string, unknown>;
    author: IntakeChange["author"];
    requestId: string;
    idempotency?: { key: string; bodyDigest: string };
  }): Promise<Accepted>;
  /** Removes the intent: a delete run (removal commit, then prune on every site) after any run in flight. */
  remove(input: {
    intentId: string;
    author: IntakeChange["author"];
    requestId: string;
  }): Promise<{ run: Promise<RunState> }>;
  /** Resolves with the run once it is terminal. */
  wait(runId: string): Promise<RunState>;
  /** To be told of every run transition: a run frees its slot once it verifies or ends. */
  runPhase(run: RunState): void;
  /** Resolves when every accepted change has been submitted to the runner. */
  submitted(): Promise<void>;
  /** The answer given to an Idempotency-Key, if any. */
  idempotent(key: string): { bodyDigest: string; intentId: string } | undefined;
  get(intentId: string): IntakeRecord | undefined;
  list(): IntakeRecord[];
  runsOf(intentId: string): RunState[];
}

/** The intake's record of an accepted create or revision (its text canonical, its digest the run's source digest). */
export function changeOf(input: Parameters<Intake["accept"]>[0], at: string): IntakeChange {
  const text = intentText(input.body);
  return {
    type: "change",
    requestId: input.requestId,
    at,
    intentId: input.intentId,
    kind: input.kind,
    text,
    digest: digestBytes(text),
    author: input.author,
    ...(input.idempotency ? { idempotency: input.idempotency } : {}),
  };
}

/** Canonical text of an intent document: sorted keys, two-space indent, final newline. */
export function intentText(body: Record<string, unknown>): string {
  return `${JSON.stringify(sortKeys(body), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

export async function createIntake(deps: IntakeDeps): Promise<Intake> {
  const { runner, committer, log, clock } = deps;
  const records = new Map<string, IntakeRecord>();
  const keys = new Map<string, { bodyDigest: string; intentId: string }>();
  const changes: IntakeChange[] = [];
  const committedIds = new Set<string>();
  for (const entry of await readIntakeLog(deps.logPath)) {
    if (entry.type === "committed") for (const id of entry.requestIds) committedIds.add(id);
    else {
      changes.push(entry);
      apply(entry);
    }
  }
  const locks = new Map<string, Promise<unknown>>();
  const pending = new Map<string, Promise<RunState>>();
  const slots = pLimit(deps.maxActiveRuns ?? 4);
  /** runId → frees the run's slot. */
  const releases = new Map<string, () => void>();

  function apply(change: IntakeChange) {
    if (change.idempotency)
      keys.set(change.idempotency.key, { ...change.idempotency, intentId: change.intentId });
    if (change.kind === "delete" || change.text === null) {
      records.delete(change.intentId);
      return;
    }
    const before = records.get(change.intentId);
    records.set(change.intentId, {
      intentId: change.intentId,
      text: change.text,
      body: JSON.parse(change.text) as Record<string, unknown>,
      digest: change.digest!,
      createdAt: before?.createdAt ?? change.at,
      updatedAt: change.at,
      revisions: (before?.revisions ?? 0) + 1,
      requestId: change.requestId,
    });
  }

  /** One change of an intent at a time: a PATCH racing a DELETE sees one order. */
  const locked = <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const before = locks.get(name) ?? Promise.resolve();
    const next = before.catch(() => undefined).then(work);
    locks.set(name, next);
    const forget = () => {
      if (locks.get(name) === next) locks.delete(name);
    };
    next.then(forget, forget);
    return next;
  };

  const sourceFile = (change: IntakeChange) =>
    join(deps.stateDir, "intake", change.intentId, `${change.digest!.replace(/^sha256:/, "")}.json`);

  const submitRun = async (change: IntakeChange): Promise<RunState> => {
    if (change.kind === "delete") {
      return runner.submit({
        intentId: change.intentId,
        source: { file: `intents/${change.intentId}.json`, digest: "delete" },
        operation: "delete",
      });
    }
    // The runner writes the source file where it runs (the pipeline thread, under serve).
    return runner.submit({
      intentId: change.intentId,
      source: { file: sourceFile(change), digest: change.digest! },
      text: change.text!,
    });
  };

  /** Submits the run once a slot is free; the slot is held until the run verifies or ends. */
  const submitInSlot = (change: IntakeChange): Promise<RunState> =>
    new Promise<RunState>((resolveRun, rejectRun) => {
      void slots(async () => {
        let run: RunState;
        try {
          run = await submitRun(change);
        } catch (error) {
          rejectRun(error);
          return;
        }
        resolveRun(run);
        await new Promise<void>((free) => {
          releases.set(run.runId, free);
          runner.wait(run.runId).then(() => free(), free);
        });
        releases.delete(run.runId);
      });
    });

  /** Runs of one intent are submitted in acceptance order. */
  const queueRun = (change: IntakeChange): Promise<RunState> => {
    const before = pending.get(change.intentId) ?? Promise.resolve(undefined);
    const run = before.catch(() => undefined).then(() => submitInSlot(change));
    pending.set(change.intentId, run);
    const forget = () => {
      if (pending.get(change.intentId) === run) pending.delete(change.intentId);
    };
    run.then(forget, forget);
    return run;
  };

  const runOf = (change: IntakeChange) =>
    change.kind === "delete"
      ? runner.runsOf(change.intentId).find((r) => r.operation === "delete" && r.createdAt >= change.at)
      : runner.runsOf(change.intentId).find((r) => r.source.digest === change.digest);

  const runsOf = (intentId: string) => runner.runsOf(intentId);

  type AcceptInput = Parameters<Intake["accept"]>[0];
  const acceptNow = async (input: AcceptInput): Promise<Accepted> => {
    if (input.idempotency) {
      const earlier = keys.get(input.idempotency.key);
      if (earlier) {
        if (earlier.bodyDigest !== input.idempotency.bodyDigest) {
          throw new IntentopsError(
            "E_IDEMPOTENCY_MISMATCH",
            "this Idempotency-Key was used with a different request body",
          );
        }
        const record = records.get(earlier.intentId);
        const run = pending.get(earlier.intentId) ?? Promise.resolve(runsOf(earlier.intentId).at(-1));
        if (record) {
          return {
            record,
            run: run.then((r) => r ?? Promise.reject(new Error(`no run of ${earlier.intentId}`))),
            committed: Promise.resolve(null),
            replayed: true,
          };
        }
      }
    }
    const exists = records.has(input.intentId);
    if (input.kind === "create" && exists) {
      throw new IntentopsError("E_CONFLICT", `intent ${input.intentId} already exists`, {
        subject: input.intentId,
      });
    }
    if (input.kind === "revise" && !exists) {
      throw new IntentopsError("E_NOT_FOUND", `no intent ${input.intentId}`, { subject: input.intentId });
    }
    const change = changeOf(input, clock().toISOString());
    await log.append(change);
    changes.push(change);
    apply(change);
    const run = queueRun(change);
    const committed = committer.commit(change);
    return { record: records.get(input.intentId)!, run, committed, replayed: false };
  };

  return {
    async recover() {
      let committed = 0;
      let submitted = 0;
      const latest = new Map<string, IntakeChange>();
      for (const change of changes) latest.set(change.intentId, change);
      for (const change of changes) {
        // Deletions are committed by the runner's delete flow, not here.
        if (change.kind !== "delete" && !committedIds.has(change.requestId)) {
          void committer.commit(change);
          committed++;
        }
      }
      // Only an intent's latest change (revision or deletion) still needs a run; older ones were superseded.
      // Queued, not awaited: the service listens at once and the slots work the backlog off.
      for (const change of latest.values()) {
        if (!runOf(change)) {
          queueRun(change).catch((error: unknown) =>
            deps.report?.({
              msg: "recovered change not submitted; the next restart submits it",
              intentId: change.intentId,
              err: error instanceof Error ? error.message : String(error),
            }),
          );
          submitted++;
        }
      }
      return { committed, submitted };
    },

    accept(input) {
      // Requests with one Idempotency-Key are answered one after the other, so the second sees the first.
      const now = () => locked(input.intentId, () => acceptNow(input));
      return input.idempotency ? locked(`key:${input.idempotency.key}`, now) : now();
    },

    remove(input) {
      return locked(input.intentId, async () => {
        if (!records.has(input.intentId)) {
          throw new IntentopsError("E_NOT_FOUND", `no intent ${input.intentId}`, { subject: input.intentId });
        }
        const change: IntakeChange = {
          type: "change",
          requestId: input.requestId,
          at: clock().toISOString(),
          intentId: input.intentId,
          kind: "delete",
          text: null,
          digest: null,
          author: input.author,
        };
        await log.append(change);
        changes.push(change);
        apply(change);
        // The runner's delete flow makes the removal commit and prunes the sites, after any run in flight.
        return { run: queueRun(change) };
      });
    },

    wait: (runId) => runner.wait(runId),
    runPhase(run) {
      if (run.phase === "Verifying" || TERMINAL.has(run.phase)) releases.get(run.runId)?.();
    },
    async submitted() {
      while (pending.size) await Promise.allSettled([...pending.values()]);
    },
    idempotent: (key) => keys.get(key),
    get: (intentId) => records.get(intentId),
    list: () =>
      [...records.values()].sort((a, b) =>
        a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.intentId < b.intentId ? -1 : 1,
      ),
    runsOf,
  };
}

/** A run whose phase the runner will not change any more. */
export function isTerminal(run: RunState): boolean {
  return TERMINAL.has(run.phase);
}
