/**
 * Quarantine: a reverted commit is recorded as `quarantine/<sha>.json` on the evidence branch (pushed
 * with the evidence of the rollback), so the pipeline can refuse to re-apply it automatically.
 */
import git from "isomorphic-git";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import { openEvidence, subtree } from "../evidence/evidenceStore.js";
import type { GitDeps } from "./gitDeps.js";
import { treeOfCommit } from "./treeOps.js";

export interface QuarantineEntry {
  commit: string;
  intentId: string | null;
  revertCommit: string;
  reason: string;
  timestamp: string;
}

/** The file that quarantines `entry.commit`: repository path and canonical JSON text. */
export function quarantineFile(entry: QuarantineEntry): [string, string] {
  return [`quarantine/${entry.commit}.json`, stringifyCanonical(entry)];
}

/** Every quarantined commit, sorted by commit id (fetches the evidence branch first with `remote`). */
export async function listQuarantined(
  options: { dir: string; remote?: string },
  deps: GitDeps,
): Promise<QuarantineEntry[]> {
  const { repo, head } = await openEvidence(options, deps);
  if (!head) return [];
  const dir = await subtree(repo, await treeOfCommit(repo, head), "quarantine");
  if (!dir) return [];
  const { tree } = await git.readTree({ fs: repo.fs, gitdir: repo.gitdir, oid: dir, cache: repo.cache });
  const out: QuarantineEntry[] = [];
  for (const entry of tree) {
    if (entry.type !== "blob" || !/^[0-9a-f]{40}\.json$/.test(entry.path)) continue;
    const { blob } = await git.readBlob({
      fs: repo.fs,
      gitdir: repo.gitdir,
      oid: entry.oid,
      cache: repo.cache,
    });
    out.push(JSON.parse(Buffer.from(blob).toString("utf8")) as QuarantineEntry);
  }
  return out.sort((a, b) => (a.commit < b.commit ? -1 : 1));
}

/** True when `sha` (a full commit id) has been reverted by a rollback and must not be re-applied. */
export async function isQuarantined(
  options: { dir: string; sha: string; remote?: string },
  deps: GitDeps,
): Promise<boolean> {
  return (await listQuarantined(options, deps)).some((q) => q.commit === options.sha);
}
