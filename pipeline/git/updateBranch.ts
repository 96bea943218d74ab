/**
 * Compare-and-swap update of one branch, locally and (when a remote is given) on the remote: the one loop
 * that delivery, revert and evidence share. Each attempt fetches the remote head, asks `build` for a commit
 * on top of it, and pushes without force; when someone else pushed first the push is refused, and the
 * next attempt rebuilds on their commit after an exponential backoff. Nothing is ever force-pushed, so the
 * other writer's commit is never lost.
 *
 * Writers of one branch of one repository in this thread take turns (fetch, build, push): of several
 * pushes onto one remote head only one can land, so racing ourselves only turns into refusals and rebuilds
 * — a leader delivering 64 runs at once had most of them refused six times (E_PUSH_REJECTED). The retries
 * remain for writers elsewhere (another process, a person).
 */
import { resolve } from "node:path";
import git from "isomorphic-git";
import pLimit, { type LimitFunction } from "p-limit";
import { withAdvertisedHead } from "./advertiseHead.js";
import { authHeaders, type GitDeps } from "./gitDeps.js";
import { DivergedError, PushRejectedError, RefMovedError, RemoteError } from "./gitErrors.js";
import { branchHead } from "./openRepo.js";
import { sendPack } from "./sendPack.js";
import type { RepoCtx } from "./treeOps.js";

/** What `build` is told: the commit to build on (`null`: the branch does not exist yet). */
export interface BuildContext {
  tip: string | null;
  attempt: number;
}

/** Returns the id of a new commit whose parent is `tip`, or `null` when there is nothing to commit. */
export type BuildCommit = (context: BuildContext) => Promise<string | null>;

export interface BranchUpdate {
  /** The branch head after the update (`null`: the branch still does not exist). */
  head: string | null;
  /** The commit `build` made, or `null` when it had nothing to commit. */
  commit: string | null;
  /** True when the remote branch was moved by this call. */
  pushed: boolean;
  attempts: number;
}

/** Name under which fetched heads are kept, so a repository's own `origin` is left alone. */
export const REMOTE_NAME = "intentops";

type UpdateOptions = {
  branch: string;
  remote?: string;
  maxAttempts: number;
  backoffMs: number;
  build: BuildCommit;
};

/** One turn-taker per repository and branch (p-limit with a concurrency of 1). */
const turns = new Map<string, LimitFunction>();

export function updateBranch(repo: RepoCtx, deps: GitDeps, options: UpdateOptions): Promise<BranchUpdate> {
  const key = `${resolve(repo.gitdir)}\0${options.branch}`;
  let turn = turns.get(key);
  if (!turn) {
    turn = pLimit(1);
    turns.set(key, turn);
  }
  return turn(() => updateOnce(repo, deps, options));
}

async function updateOnce(repo: RepoCtx, deps: GitDeps, options: UpdateOptions): Promise<BranchUpdate> {
  const ref = `refs/heads/${options.branch}`;
  if (!options.remote) {
    const tip = await branchHead(repo, ref);
    const commit = await options.build({ tip, attempt: 1 });
    if (commit) await git.writeRef({ fs: repo.fs, gitdir: repo.gitdir, ref, value: commit, force: true });
    return { head: commit ?? tip, commit, pushed: false, attempts: 1 };
  }
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let lastRejection: unknown;
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    const remoteTip = await fetchBranch(repo, deps, options.remote, options.branch);
    const base = await chooseBase(repo, ref, remoteTip, options.branch);
    const commit = await options.build({ tip: base, attempt });
    const head = commit ?? base;
    if (head === remoteTip || head === null) {
      if (head) await git.writeRef({ fs: repo.fs, gitdir: repo.gitdir, ref, value: head, force: true });
      return { head, commit, pushed: false, attempts: attempt };
    }
    try {
      await pushCommit(repo, deps, options.remote, options.branch, head, remoteTip);
      await git.writeRef({ fs: repo.fs, gitdir: repo.gitdir, ref, value: head, force: true });
      return { head, commit, pushed: true, attempts: attempt };
    } catch (error) {
      if (!isRejection(error)) throw error;
      lastRejection = error;
      if (attempt < options.maxAttempts) await sleep(options.backoffMs * 2 ** (attempt - 1));
    }
  }
  throw new PushRejectedError(
    `push to ${options.branch} was refused ${options.maxAttempts} times: the remote kept moving`,
    options.maxAttempts,
    { subject: options.branch, cause: lastRejection },
  );
}

/**
 * Brings a local branch up to date with the remote (fast-forward only) and returns its head; without a
 * remote, returns the local head. Used by readers (evidence listing, quarantine checks).
 */
export async function pullBranch(
  repo: RepoCtx,
  deps: GitDeps,
  branch: string,
  remote?: string,
): Promise<string | null> {
  const ref = `refs/heads/${branch}`;
  if (!remote) return branchHead(repo, ref);
  const remoteTip = await fetchBranch(repo, deps, remote, branch);
  return chooseBase(repo, ref, remoteTip, branch);
}

/** Base for the next commit: the remote head, or our unpushed local commits when they extend it. */
async function chooseBase(repo: RepoCtx, ref: string, remoteTip: string | null, branch: string) {
  const local = await branchHead(repo, ref);
  if (remoteTip === null || local === remoteTip) return local;
  if (local === null || (await isAncestor(repo, local, remoteTip))) {
    await git.writeRef({ fs: repo.fs, gitdir: repo.gitdir, ref, value: remoteTip, force: true });
    return remoteTip;
  }
  if (await isAncestor(repo, remoteTip, local)) return local;
  throw new DivergedError(
    `local ${branch} (${local.slice(0, 12)}) and the remote's (${remoteTip.slice(0, 12)}) have diverged; ` +
      "intentops only fast-forwards — reconcile them by hand",
    { subject: branch },
  );
}

async function isAncestor(repo: RepoCtx, ancestor: string, oid: string): Promise<boolean> {
  if (ancestor === oid) return true;
  return git.isDescendent({ fs: repo.fs, gitdir: repo.gitdir, oid, ancestor, depth: -1, cache: repo.cache });
}

/** Fetches one branch; returns its remote head, or `null` when the remote does not have it. */
export async function fetchBranch(
  repo: RepoCtx,
  deps: GitDeps,
  url: string,
  branch: string,
): Promise<string | null> {
  const http = withAdvertisedHead(requireHttp(deps));
  // isomorphic-git stores fetched heads through the remote's refspec, so the remote needs one.
  const refspecKey = `remote.${REMOTE_NAME}.fetch`;
  if (!(await git.getConfig({ fs: repo.fs, gitdir: repo.gitdir, path: refspecKey }))) {
    const value = `+refs/heads/*:refs/remotes/${REMOTE_NAME}/*`;
    await git.setConfig({ fs: repo.fs, gitdir: repo.gitdir, path: refspecKey, value });
  }
  const headers = authHeaders(deps.credentials);
  // The remote's head first, from its ref advertisement alone: when we already hold that commit — the one
  // writer's usual case, its own last push — there is nothing to fetch, and the remote builds no pack
  // (git upload-pack's pack-objects took most of a core per fetch with a leader delivering 16 runs at once).
  const advertised = await remoteHead(http, url, branch, headers);
  if (advertised === null) return null;
  if (await hasCommit(repo, advertised)) return advertised;
  try {
    const result = await git.fetch({
      fs: repo.fs,
      http,
      gitdir: repo.gitdir,
      cache: repo.cache,
      url,
      remote: REMOTE_NAME,
      ref: branch,
      remoteRef: branch,
      singleBranch: true,
      tags: false,
      headers,
    });
    return result.fetchHead ?? null;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "NotFoundError") return null;
    throw remoteError(`fetch of ${branch} from ${url} failed`, error, branch);
  }
}

/** The commit `branch` points at on the remote (`null`: no such branch), from its ref advertisement. */
async function remoteHead(
  http: ReturnType<typeof withAdvertisedHead>,
  url: string,
  branch: string,
  headers: Record<string, string>,
): Promise<string | null> {
  const ref = `refs/heads/${branch}`;
  try {
    const refs = await git.listServerRefs({ http, url, prefix: ref, protocolVersion: 1, headers });
    return refs.find((r) => r.ref === ref)?.oid ?? null;
  } catch (error) {
    throw remoteError(`listing ${branch} on ${url} failed`, error, branch);
  }
}

/** Whether the repository holds commit `oid` (and so, as every commit here came whole, its history). */
async function hasCommit(repo: RepoCtx, oid: string): Promise<boolean> {
  try {
    await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
    return true;
  } catch {
    return false;
  }
}

/** Pushes `head`, built on `remoteTip`, to the remote's branch; a refusal because the branch moved is a rejection. */
async function pushCommit(
  repo: RepoCtx,
  deps: GitDeps,
  url: string,
  branch: string,
  head: string,
  remoteTip: string | null,
) {
  const http = requireHttp(deps);
  try {
    await sendPack(repo, http, { url, branch, head, remoteTip, headers: authHeaders(deps.credentials) });
  } catch (error) {
    if (isRejection(error) || error instanceof RemoteError) throw error;
    throw remoteError(`push of ${branch} to ${url} failed`, error, branch);
  }
}

/** A refusal that a rebuild on the new remote head can fix: the ref moved between our fetch and push. */
function isRejection(error: unknown): boolean {
  return error instanceof RefMovedError;
}

function requireHttp(deps: GitDeps) {
  if (!deps.http) throw new RemoteError("a remote was given but no HTTP client was injected (deps.http)");
  return deps.http;
}

/** Wraps a transport error; its message names the URL (which never carries credentials) and the status. */
function remoteError(message: string, error: unknown, subject: string): RemoteError {
  const detail = error instanceof Error ? error.message : String(error);
  return new RemoteError(`${message}: ${detail}`, { subject, cause: error });
}
