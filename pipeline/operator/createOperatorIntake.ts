/**
 * createOperatorIntake: the intake of `intentops serve --operator`. An accepted change is committed to Git
 * as today's intake commits it (commitIntake.ts: the intent file, the API key's author, Intent-Id and
 * Request-Id trailers) and only then made an `IntentDeployment` (created, or its spec replaced: a new
 * revision) through the resource runner; a deletion deletes the resource and the controller's finalizer
 * runs the delete flow. A 201 or 202 is answered after both: the change is in Git and its resource exists.
 *
 * Nothing is kept on this replica's disk. The intents, their revisions, the Idempotency-Key answers and the
 * runs are read from the resources (their spec, annotations and status); Git is the durable record. A
 * replica killed between the commit and the resource write leaves a commit without its resource:
 * `recover()` (on start, and every `recoverEveryMs` on any replica) finds each intent's latest intake commit
 * in Git and creates or replaces the resources that do not carry it (recoverDeployments.ts).
 */
import { digestBytes } from "../../compiler/digest.js";
import { IntentopsError } from "../../compiler/errors.js";
import type { IntakeCommitter } from "../intake/commitIntake.js";
import { changeOf, type Intake, type IntakeRecord, intentText } from "../intake/createIntake.js";
import type { IntakeChange } from "../intake/intakeLog.js";
import type { RunState } from "../run/runTypes.js";
import {
  ANNOTATIONS,
  IDEMPOTENCY_LABEL,
  type IntentDeployment,
  idempotencyLabelOf,
} from "./intentDeployment.js";
import type { ResourceRunner } from "./openResourceRunner.js";

export interface OperatorIntakeDeps {
  runner: ResourceRunner;
  committer: IntakeCommitter;
  clock: () => Date;
  /** How long an accept waits for the commit and the resource (then E_GIT_UNAVAILABLE; the work goes on). */
  waitMs: number;
  /** Git vs the resources (recoverDeployments); returns how many resources it created or replaced. */
  recover: () => Promise<number>;
  /** Where background work that failed is reported. */
  report?: (event: Record<string, unknown>) => void;
  /** Test switch (INTENTOPS_TEST_CRASH_AT=operator:after-commit): SIGKILL between the commit and the resource. */
  crashAt?: string;
}

/** The API's record of an intent, from its resource (undefined while it is being deleted). */
export function recordOf(obj: IntentDeployment | undefined): IntakeRecord | undefined {
  if (!obj || obj.metadata.deletionTimestamp) return undefined;
  const text = intentText(obj.spec.intent);
  const notes = obj.metadata.annotations ?? {};
  const createdAt = notes[ANNOTATIONS.createdAt] ?? obj.metadata.creationTimestamp ?? "";
  return {
    intentId: obj.metadata.name,
    text,
    body: obj.spec.intent,
    digest: notes[ANNOTATIONS.intakeDigest] ?? digestBytes(text),
    createdAt,
    updatedAt: notes[ANNOTATIONS.updatedAt] ?? createdAt,
    revisions: obj.metadata.generation ?? 1,
    ...(notes[ANNOTATIONS.requestId] ? { requestId: notes[ANNOTATIONS.requestId] } : {}),
  };
}

/** The annotations a change leaves on its resource. */
export function annotationsOf(change: IntakeChange, createdAt: string): Record<string, string> {
  return {
    [ANNOTATIONS.intakeDigest]: change.digest!,
    [ANNOTATIONS.createdAt]: createdAt,
    [ANNOTATIONS.updatedAt]: change.at,
    [ANNOTATIONS.requestId]: change.requestId,
    ...(change.idempotency
      ? {
          [ANNOTATIONS.idempotencyKey]: change.idempotency.key,
          [ANNOTATIONS.idempotencyBody]: change.idempotency.bodyDigest,
        }
      : {}),
  };
}

/** @example const intake = createOperatorIntake({ runner, committer, clock, waitMs: 30_000, recover }); */
export function createOperatorIntake(deps: OperatorIntakeDeps): Intake {
  const { runner, committer, clock } = deps;
  const locks = new Map<string, Promise<unknown>>();
  const background = new Set<Promise<unknown>>();

  const locked = <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const next = (locks.get(name) ?? Promise.resolve()).catch(() => undefined).then(work);
    locks.set(name, next);
    const forget = () => {
      if (locks.get(name) === next) locks.delete(name);
    };
    next.then(forget, forget);
    return next;
  };

  const answerOf = (key: string, objects: Iterable<IntentDeployment>) => {
    for (const obj of objects) {
      const notes = obj.metadata.annotations ?? {};
      if (notes[ANNOTATIONS.idempotencyKey] === key && !obj.metadata.deletionTimestamp) {
        return { bodyDigest: notes[ANNOTATIONS.idempotencyBody] ?? "", intentId: obj.metadata.name };
      }
    }
    return undefined;
  };
  const idempotent = (key: string) => answerOf(key, runner.resources());

  /** Waits for `work` at most `waitMs`; after that it goes on in the background and the caller hears 503. */
  const within = async <T>(work: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((r) => {
      timer = setTimeout(() => r("timeout"), deps.waitMs);
    });
    const outcome = await Promise.race([work, timeout]).finally(() => clearTimeout(timer));
    if (outcome !== "timeout") return outcome;
    background.add(work);
    work.then(
      () => background.delete(work),
      (error: unknown) => {
        background.delete(work);
        deps.report?.({ msg: "accepted change not finished; recovery finishes it", err: String(error) });
      },
    );
    throw new IntentopsError(
      "E_GIT_UNAVAILABLE",
      "the Git commit or the IntentDeployment write has not completed yet; it goes on, and recovery finishes it",
    );
  };

  type AcceptInput = Parameters<Intake["accept"]>[0];
  const acceptNow = async (input: AcceptInput) => {
    if (input.idempotency) {
      // Asked of the API server (by the key's label), not the informer: the first answer may be another replica's.
      const { key } = input.idempotency;
      const earlier = answerOf(key, await runner.list(`${IDEMPOTENCY_LABEL}=${idempotencyLabelOf(key)}`));
      if (earlier) {
        if (earlier.bodyDigest !== input.idempotency.bodyDigest) {
          throw new IntentopsError(
            "E_IDEMPOTENCY_MISMATCH",
            "this Idempotency-Key was used with a different request body",
          );
        }
        const record = recordOf(await runner.read(earlier.intentId));
        const run = runner.runsOf(earlier.intentId).at(-1);
        if (record && run) {
          return { record, run: Promise.resolve(run), committed: Promise.resolve(null), replayed: true };
        }
      }
    }
    // The API server's copy, not the informer's: another replica may have written a moment ago.
    const current = await runner.read(input.intentId);
    const exists = current !== undefined && !current.metadata.deletionTimestamp;
    if (input.kind === "create" && current) {
      throw new IntentopsError(
        "E_CONFLICT",
        `intent ${input.intentId} ${exists ? "already exists" : "is being deleted"}`,
        { subject: input.intentId },
      );
    }
    if (input.kind === "revise" && !exists) {
      throw new IntentopsError("E_NOT_FOUND", `no intent ${input.intentId}`, { subject: input.intentId });
    }
    const change = changeOf(input, clock().toISOString());
    const text = change.text!;
    const createdAt = recordOf(current)?.createdAt ?? change.at;
    const work = (async () => {
      const commit = await committer.commit(change);
      if (deps.crashAt === "operator:after-commit") process.kill(process.pid, "SIGKILL");
      let run: RunState;
      try {
        run = await runner.submit({
          intentId: change.intentId,
          source: { file: `intents/${change.intentId}.json`, digest: change.digest! },
          text,
          mode: input.kind === "create" ? "create" : "replace",
          annotations: annotationsOf(change, createdAt),
          ...(change.idempotency
            ? { labels: { [IDEMPOTENCY_LABEL]: idempotencyLabelOf(change.idempotency.key) } }
            : {}),
        });
      } catch (error) {
        // Another replica created this intent between our check and our create: Git holds our text now,
        // so the winner's is committed again — Git and the resource agree, and this request is refused.
        if (error instanceof IntentopsError && error.code === "E_CONFLICT" && input.kind === "create") {
          const winner = await runner.read(change.intentId);
          if (winner && !winner.metadata.deletionTimestamp) {
            await committer.commit({
              ...change,
              requestId: `${change.requestId}.restore`,
              text: intentText(winner.spec.intent),
              digest: digestBytes(intentText(winner.spec.intent)),
            });
          }
        }
        throw error;
      }
      return { commit, run };
    })();
    const { commit, run } = await within(work);
    const record = recordOf(runner.resource(change.intentId))!;
    return { record, run: Promise.resolve(run), committed: Promise.resolve(commit), replayed: false };
  };

  return {
    async recover() {
      return { committed: 0, submitted: await deps.recover() };
    },
    accept(input) {
      const now = () => locked(input.intentId, () => acceptNow(input));
      return input.idempotency ? locked(`key:${input.idempotency.key}`, now) : now();
    },
    remove(input) {
      return locked(input.intentId, async () => {
        const current = await runner.read(input.intentId);
        if (!current || current.metadata.deletionTimestamp) {
          throw new IntentopsError("E_NOT_FOUND", `no intent ${input.intentId}`, { subject: input.intentId });
        }
        // The deletion is the resource's: its finalizer holds it until the controller's delete flow is done.
        const run = await within(
          runner.submit({
            intentId: input.intentId,
            source: { file: `intents/${input.intentId}.json`, digest: "delete" },
            operation: "delete",
          }),
        );
        return { run: Promise.resolve(run) };
      });
    },
    wait: (runId) => runner.wait(runId),
    runPhase() {
      // Runs are the controller's: there are no slots here.
    },
    async submitted() {
      while (background.size) await Promise.allSettled([...background]);
    },
    idempotent,
    get: (intentId) => recordOf(runner.resource(intentId)),
    list: () =>
      runner
        .resources()
        .map(recordOf)
        .filter((r): r is IntakeRecord => r !== undefined)
        .sort((a, b) =>
          a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.intentId < b.intentId ? -1 : 1,
        ),
    runsOf: (intentId) => runner.runsOf(intentId),
  };
}
