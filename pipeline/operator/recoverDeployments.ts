/**
 * recoverDeployments: Git, the durable record of what the API accepted, against the `IntentDeployment`
 * resources. For every intent file at the branch's tip, the latest intake commit that wrote it (trailer
 * `Intake: api`; delivery and revert commits rewrite the file too, and are not what was accepted) gives the
 * accepted text; a resource that is missing, or whose `intentops.io/intake-digest` is not that text's
 * digest, is created or has its spec replaced. This is what finishes a change whose replica died between
 * the commit and the resource write. Resources being deleted are left to the controller.
 *
 * The resources are read before Git: a resource whose delete flow finished (its intent file removed, then
 * its finalizer) is never seen as missing while its file is still there. A replace is conditional on the
 * resourceVersion read, so a change accepted meanwhile is never overwritten with an older one.
 */
import git from "isomorphic-git";
import { digestBytes } from "../../compiler/digest.js";
import { IntentopsError } from "../../compiler/errors.js";
import { parseCommitMessage } from "../git/commitMessage.js";
import type { GitDeps, RepoOptions } from "../git/gitDeps.js";
import { openRepo } from "../git/openRepo.js";
import { listFiles, treeOfCommit } from "../git/treeOps.js";
import { pullBranch } from "../git/updateBranch.js";
import { ANNOTATIONS } from "./intentDeployment.js";
import type { ResourceRunner } from "./openResourceRunner.js";

export interface RecoverInput {
  runner: ResourceRunner;
  repo: RepoOptions & { remote: string };
  git: GitDeps;
  log?: (event: Record<string, unknown>) => void;
}

interface Accepted {
  text: string;
  at: string;
  requestId?: string;
}

/** @returns how many resources were created or replaced */
export async function recoverDeployments(input: RecoverInput): Promise<number> {
  const { runner, repo } = input;
  const branch = repo.branch ?? "main";
  const resources = new Map((await runner.list()).map((r) => [r.metadata.name, r]));
  const opened = await openRepo({ fs: input.git.fs, dir: repo.dir, branch });
  const tip = await pullBranch(opened, input.git, branch, repo.remote);
  if (!tip) return 0;
  const files = await listFiles(opened, await treeOfCommit(opened, tip));
  const wanted = new Set<string>();
  for (const path of files.keys()) {
    const m = /^intents\/([a-z0-9][-a-z0-9]*)\.json$/.exec(path);
    if (m) wanted.add(m[1]!);
  }
  const accepted = await latestIntakeCommits(opened, tip, wanted);
  let repaired = 0;
  for (const [name, change] of [...accepted].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const resource = resources.get(name);
    const digest = digestBytes(change.text);
    if (resource?.metadata.deletionTimestamp) continue;
    if (resource?.metadata.annotations?.[ANNOTATIONS.intakeDigest] === digest) continue;
    const notes = resource?.metadata.annotations ?? {};
    try {
      await runner.submit({
        intentId: name,
        source: { file: `intents/${name}.json`, digest },
        text: change.text,
        ...(resource?.metadata.resourceVersion ? { resourceVersion: resource.metadata.resourceVersion } : {}),
        annotations: {
          [ANNOTATIONS.intakeDigest]: digest,
          [ANNOTATIONS.createdAt]: notes[ANNOTATIONS.createdAt] ?? change.at,
          [ANNOTATIONS.updatedAt]: change.at,
          ...(change.requestId ? { [ANNOTATIONS.requestId]: change.requestId } : {}),
        },
      });
      repaired++;
      input.log?.({
        msg: resource ? "resource replaced from Git" : "resource created from Git",
        intentId: name,
      });
    } catch (error) {
      // Written meanwhile (by the replica that accepted it, or by another's recovery): the next pass looks again.
      if (error instanceof IntentopsError && error.code === "E_CONFLICT") continue;
      throw error;
    }
  }
  return repaired;
}

/** Newest first along the history: each wanted intent's latest intake commit and the text it wrote. */
async function latestIntakeCommits(
  repo: Awaited<ReturnType<typeof openRepo>>,
  tip: string,
  wanted: Set<string>,
): Promise<Map<string, Accepted>> {
  const found = new Map<string, Accepted>();
  if (!wanted.size) return found;
  const commits = await git.log({ fs: repo.fs, gitdir: repo.gitdir, ref: tip, cache: repo.cache });
  for (const { oid, commit } of commits) {
    const { trailers } = parseCommitMessage(commit.message);
    if (!trailers.some((t) => t.key === "Intake" && t.value === "api")) continue;
    const ids = trailers.filter((t) => t.key === "Intent-Id").map((t) => t.value);
    const requests = trailers.filter((t) => t.key === "Request-Id").map((t) => t.value);
    for (const id of ids) {
      if (!wanted.has(id) || found.has(id)) continue;
      const blob = await git
        .readBlob({
          fs: repo.fs,
          gitdir: repo.gitdir,
          oid,
          filepath: `intents/${id}.json`,
          cache: repo.cache,
        })
        .catch(() => null);
      // A commit that removed the file (an older intake's deletion): the intent was accepted again later, or not at all.
      if (!blob) {
        found.set(id, { text: "", at: "" });
        continue;
      }
      found.set(id, {
        text: Buffer.from(blob.blob).toString("utf8"),
        at: new Date(commit.committer.timestamp * 1000).toISOString(),
        // A commit of one intent names its request; a group commit's requests cannot be told apart.
        ...(ids.length === 1 && requests.length ? { requestId: requests.at(-1)! } : {}),
      });
    }
    if (found.size === wanted.size) break;
  }
  for (const [id, change] of found) if (!change.text) found.delete(id);
  return found;
}
