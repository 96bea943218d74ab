/**
 * pushEvidence: sends the evidence a run recorded locally to the remote in one push. A run records its
 * evidence into the local evidence branch as it goes (a local commit, no network) and pushes once at the
 * end of the run and before it delivers, instead of one fetch and push per record.
 *
 * When another writer pushed evidence meanwhile (the branches diverged), the local-only records are
 * re-chained on top of the remote's: each is appended again with the next sequence number and the remote
 * tail as `prev` (the record's content is kept; its seal, seq and time are new), and the local branch is
 * moved to the result. Nothing is force-pushed, so the other writer's records are kept.
 */
import git from "isomorphic-git";
import type { Digest } from "../../compiler/digest.js";
import type { GitDeps } from "../git/gitDeps.js";
import { DivergedError } from "../git/gitErrors.js";
import { branchHead, openRepo } from "../git/openRepo.js";
import { type RepoCtx, treeDiff } from "../git/treeOps.js";
import { fetchBranch, REMOTE_NAME, updateBranch } from "../git/updateBranch.js";
import type { EvidenceInput, EvidenceRecord } from "./evidenceRecord.js";
import { EVIDENCE_BRANCH } from "./evidenceStore.js";
import { recordEvidence } from "./recordEvidence.js";

export interface PushEvidenceOptions {
  dir: string;
  remote: string;
}

export interface PushEvidenceOutcome {
  pushed: boolean;
  /** Records appended again on top of another writer's (0 when the push was a fast-forward). */
  rechained: number;
}

/** @example await pushEvidence({ dir: "/srv/delivery", remote: "http://127.0.0.1:8080/delivery.git" }, deps) */
export async function pushEvidence(
  options: PushEvidenceOptions,
  deps: GitDeps,
): Promise<PushEvidenceOutcome> {
  const repo = await openRepo({ fs: deps.fs, dir: options.dir, init: false, cache: deps.cache ?? {} });
  // Nothing recorded here (no local evidence branch), or nothing since the last fetch or push (the local
  // head is the remote head we last saw): nothing to push, so no network — a run that recorded no evidence
  // (an intent that does not compile) costs no round trip. A later record on a missing local branch that
  // the remote has is re-chained on top of the remote's at its push (below).
  const head = await branchHead(repo, `refs/heads/${EVIDENCE_BRANCH}`);
  if (head === null || head === (await branchHead(repo, `refs/remotes/${REMOTE_NAME}/${EVIDENCE_BRANCH}`))) {
    return { pushed: false, rechained: 0 };
  }
  try {
    // Nothing to build: the update pushes the local head when it extends the remote's.
    const update = await updateBranch(repo, deps, {
      branch: EVIDENCE_BRANCH,
      remote: options.remote,
      maxAttempts: 6,
      backoffMs: 50,
      build: async () => null,
    });
    return { pushed: update.pushed, rechained: 0 };
  } catch (error) {
    if (!(error instanceof DivergedError)) throw error;
  }
  const ref = `refs/heads/${EVIDENCE_BRANCH}`;
  const local = (await branchHead(repo, ref))!;
  const remoteTip = (await fetchBranch(repo, deps, options.remote, EVIDENCE_BRANCH))!;
  const [base] = await git.findMergeBase({
    fs: repo.fs,
    gitdir: repo.gitdir,
    oids: [local, remoteTip],
    cache: repo.cache,
  });
  const mine = await localOnly(repo, local, base ?? null);
  // Start from the remote's head, then append each local-only record again, oldest first.
  await git.writeRef({ fs: repo.fs, gitdir: repo.gitdir, ref, value: remoteTip, force: true });
  for (const commit of mine) {
    for (const { record, extraFiles } of await recordsOf(repo, commit)) {
      await recordEvidence({ ...options, input: inputOf(record), extraFiles }, deps);
    }
  }
  return { pushed: true, rechained: mine.length };
}

/** Commits reachable from `head` but not from `base`, oldest first (the evidence branch is linear). */
async function localOnly(repo: RepoCtx, head: string, base: string | null) {
  const out: string[] = [];
  let oid: string | undefined = head;
  while (oid && oid !== base) {
    out.push(oid);
    const { commit } = await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
    oid = commit.parent[0];
  }
  return out.reverse();
}

/** The records a commit added, with the other files it added beside them (quarantine entries). */
async function recordsOf(repo: RepoCtx, oid: string) {
  const { commit } = await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
  const parentTree = commit.parent[0]
    ? (await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid: commit.parent[0], cache: repo.cache }))
        .commit.tree
    : null;
  const records: EvidenceRecord[] = [];
  const extraFiles = new Map<string, string>();
  for (const [path, entry] of await treeDiff(repo, parentTree, commit.tree)) {
    if (!entry) continue;
    const { blob } = await git.readBlob({
      fs: repo.fs,
      gitdir: repo.gitdir,
      oid: entry.oid,
      cache: repo.cache,
    });
    const text = Buffer.from(blob).toString("utf8");
    if (path.startsWith("evidence/")) records.push(JSON.parse(text) as EvidenceRecord);
    else extraFiles.set(path, text);
  }
  return records.map((record, i) => ({
    record,
    extraFiles: i === 0 ? extraFiles : new Map<string, string>(),
  }));
}

/** What a sealed record was recorded from: everything but its place in the chain. */
function inputOf(record: EvidenceRecord): EvidenceInput {
  return {
    intentId: record.intentId,
    action: record.action,
    trigger: record.trigger,
    sites: record.actions[0]?.sites ?? [],
    ...(record.intent.digest ? { intentDigest: record.intent.digest as Digest } : {}),
    renderedDigests: record.renderedDigests,
    commit: record.commit,
    inputs: record.inputs,
    outputs: record.outputs,
    metrics: record.metrics,
    durations: record.durations,
    result: record.result,
    restoredVersion: record.restored_version,
    ...(record.error ? { error: record.error } : {}),
    ...(record.details ? { details: { ...record.details, rechainedFrom: record.chain.digest } } : {}),
  };
}
