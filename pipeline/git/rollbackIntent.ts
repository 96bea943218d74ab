/**
 * `rollbackIntent`: the operator's and the pipeline's rollback — revert, quarantine the reverted commit,
 * and record evidence of the attempt whatever its outcome (a refused revert is evidence too).
 */
import { performance } from "node:perf_hooks";
import git from "isomorphic-git";
import { IntentopsError } from "../../compiler/errors.js";
import type { EvidenceInput } from "../evidence/evidenceRecord.js";
import { type RecordedEvidence, recordEvidence } from "../evidence/recordEvidence.js";
import type { GitDeps } from "./gitDeps.js";
import { ConflictError } from "./gitErrors.js";
import { openRepo } from "./openRepo.js";
import { quarantineFile } from "./quarantine.js";
import { type RevertCommitOptions, type RevertOutcome, revertCommit } from "./revertCommit.js";

export interface RollbackOptions extends RevertCommitOptions {
  trigger?: EvidenceInput["trigger"];
  /** Why (e.g. the SLO breach); stored in the quarantine entry and the evidence. */
  reason?: string;
  /** Secret values to scrub from evidence. */
  secrets?: readonly string[];
}

export interface RollbackResult {
  outcome: RevertOutcome;
  evidence: RecordedEvidence;
}

/**
 * Reverts `target`, quarantines the reverted commit and records `rollback` evidence. On a refused revert
 * (conflict, nothing to revert) evidence of the attempt is recorded and the error is rethrown; the error
 * carries the evidence as `error.evidence` when it could be recorded.
 */
export async function rollbackIntent(options: RollbackOptions, deps: GitDeps): Promise<RollbackResult> {
  const started = performance.now();
  const { trigger = { kind: "cli" }, reason = "rollback requested", secrets } = options;
  const evidenceOptions = { dir: options.dir, remote: options.remote, secrets };
  let outcome: RevertOutcome;
  try {
    outcome = await revertCommit(options, deps);
  } catch (error) {
    const intentId = error instanceof IntentopsError ? error.subject : undefined;
    if (
      error instanceof IntentopsError &&
      intentId &&
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(intentId) &&
      error.code !== "E_NOT_FOUND" &&
      // Refused over the user's uncommitted work: nothing happened to the intent, so nothing is recorded.
      error.code !== "E_LOCAL_CHANGES"
    ) {
      const evidence = await recordEvidence(
        {
          ...evidenceOptions,
          input: {
            intentId,
            action: "rollback",
            trigger,
            result: error instanceof ConflictError ? "conflict" : "failure",
            error: {
              code: error.code,
              message: error.message,
              ...(error instanceof ConflictError ? { paths: [...error.paths] } : {}),
            },
            durations: { totalMs: Math.round(performance.now() - started) },
            details: { target: options.target, reason },
          },
        },
        deps,
      );
      Object.assign(error, { evidence });
    }
    throw error;
  }
  const intentId = outcome.intentId ?? "unattributed";
  const restored = await parentOf(options.dir, outcome.reverted, deps);
  const evidence = await recordEvidence(
    {
      ...evidenceOptions,
      input: {
        intentId,
        action: "rollback",
        trigger,
        commit: outcome.commit,
        result: "rolled-back",
        restoredVersion: restored,
        durations: { totalMs: Math.round(performance.now() - started) },
        details: { target: options.target, reverted: outcome.reverted, reason, changes: outcome.changes },
      },
      extraFiles: new Map([
        quarantineFile({
          commit: outcome.reverted,
          intentId: outcome.intentId,
          revertCommit: outcome.commit,
          reason,
          timestamp: deps.clock().toISOString(),
        }),
      ]),
    },
    deps,
  );
  return { outcome, evidence };
}

async function parentOf(dir: string, oid: string, deps: GitDeps): Promise<string | null> {
  const repo = await openRepo({ fs: deps.fs, dir, init: false });
  const { commit } = await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid });
  return commit.parent[0] ?? null;
}
