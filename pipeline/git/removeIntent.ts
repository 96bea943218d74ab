/**
 * removeIntent: the Git side of deleting an intent — one commit that removes `intents/<id>.json` and every
 * `rendered/<site>/<id>/` package, pushed like any delivery (compare-and-swap, never forced). Site agents
 * and the pipeline then prune the intent's objects: an intent whose file is gone from Git is a deletion,
 * not a broken render, so pruning its whole inventory is allowed.
 */
import git from "isomorphic-git";
import { formatCommitMessage } from "./commitMessage.js";
import { type GitDeps, type RepoOptions, signatureAt } from "./gitDeps.js";
import { openRepo } from "./openRepo.js";
import { applyTreeChanges, readTreeEntries, type TreeChanges, treeDiff, treeOfCommit } from "./treeOps.js";
import { pullBranch, updateBranch } from "./updateBranch.js";
import { checkIntentId, checkRemoteUrl } from "./validate.js";

export interface RemoveIntentOptions extends RepoOptions {
  intentId: string;
  /** Recorded as a `Run-Id` trailer. */
  runId?: string;
}

export interface RemoveIntentOutcome {
  /** The removal commit, or null when the intent was already gone. */
  commit: string | null;
  head: string | null;
  pushed: boolean;
  /** Files removed. */
  removed: string[];
}

/** The sites that hold a rendered package of `intentId` at the branch head (fetched first). */
export async function sitesOfIntent(
  options: RepoOptions & { intentId: string },
  deps: GitDeps,
): Promise<string[]> {
  const repo = await openRepo({ fs: deps.fs, dir: options.dir, init: false, cache: deps.cache ?? {} });
  const head = await pullBranch(repo, deps, options.branch ?? "main", options.remote);
  if (!head) return [];
  const rendered = (await readTreeEntries(repo, await treeOfCommit(repo, head))).find(
    (e) => e.path === "rendered" && e.type === "tree",
  );
  if (!rendered) return [];
  const sites: string[] = [];
  for (const site of await readTreeEntries(repo, rendered.oid)) {
    if (site.type !== "tree") continue;
    const entries = await readTreeEntries(repo, site.oid);
    if (entries.some((e) => e.path === options.intentId && e.type === "tree")) sites.push(site.path);
  }
  return sites.sort();
}

/**
 * @example await removeIntent({ dir: "/srv/delivery", intentId: "analytics-edge" }, deps)
 */
export async function removeIntent(
  options: RemoveIntentOptions,
  deps: GitDeps,
): Promise<RemoveIntentOutcome> {
  const { dir, intentId, branch = "main", remote, maxAttempts = 6, backoffMs = 50 } = options;
  checkIntentId(intentId);
  if (remote) checkRemoteUrl(remote);
  const repo = await openRepo({ fs: deps.fs, dir, branch, init: !!remote, cache: deps.cache ?? {} });
  let removed: string[] = [];
  const update = await updateBranch(repo, deps, {
    branch,
    remote,
    maxAttempts,
    backoffMs,
    build: async ({ tip }) => {
      if (!tip) return null;
      const tree = await treeOfCommit(repo, tip);
      const changes: TreeChanges = new Map();
      for (const [path] of await treeDiff(repo, null, tree)) {
        const parts = path.split("/");
        const mine =
          path === `intents/${intentId}.json` || (parts[0] === "rendered" && parts[2] === intentId);
        if (mine) changes.set(path, null);
      }
      removed = [...changes.keys()].sort();
      if (changes.size === 0) return null;
      const sites = [
        ...new Set(removed.filter((p) => p.startsWith("rendered/")).map((p) => p.split("/")[1]!)),
      ];
      const signature = signatureAt(deps.author, deps.clock);
      return git.writeCommit({
        fs: repo.fs,
        gitdir: repo.gitdir,
        commit: {
          message: formatCommitMessage({
            subject: `intent ${intentId}: delete from ${sites.length ? sites.join(", ") : "the repository"}`,
            body: `Removes intent ${intentId} and its rendered packages (${removed.length} file(s)); the sites prune its objects.`,
            trailers: [
              { key: "Intent-Id", value: intentId },
              { key: "Intent-Action", value: "delete" },
              ...(options.runId ? [{ key: "Run-Id", value: options.runId }] : []),
            ],
          }),
          tree: await applyTreeChanges(repo, tree, changes),
          parent: [tip],
          author: signature,
          committer: deps.committer ? signatureAt(deps.committer, deps.clock) : signature,
        },
      });
    },
  });
  return {
    commit: update.commit,
    head: update.head,
    pushed: update.pushed,
    removed: update.commit ? removed : [],
  };
}
