/**
 * `deliverIntent`: one commit per intent change on the delivery branch, holding the intent file and the
 * complete rendered package of every site (files that left a package are removed), then a fast-forward
 * push with rebuild-and-retry when another writer got there first.
 */
import git from "isomorphic-git";
import { type Digest, shortDigest } from "../../compiler/digest.js";
import { formatCommitMessage, type Trailer } from "./commitMessage.js";
import { type GitDeps, type RepoOptions, signatureAt } from "./gitDeps.js";
import { ConflictError, GitUsageError } from "./gitErrors.js";
import { openRepo } from "./openRepo.js";
import {
  applyTreeChanges,
  type FileEntry,
  fileAt,
  type RepoCtx,
  readTreeEntries,
  type TreeChanges,
  treeDiff,
  treeOfCommit,
  writeBlobs,
} from "./treeOps.js";
import { updateBranch } from "./updateBranch.js";
import { checkIntentId, checkRemoteUrl, checkRepoPath } from "./validate.js";

export interface DeliverIntentOptions extends RepoOptions {
  intentId: string;
  /** The intent document, at a path under `intents/`. */
  intentFile: { path: string; content: string | Uint8Array };
  /**
   * The complete rendered packages of this intent: repository path (`rendered/<site>/<intent-id>/…`) →
   * content. Any file already under `rendered/<any site>/<intent-id>/` that is not here is removed.
   */
  rendered: ReadonlyMap<string, string | Uint8Array>;
  /** Digests linking the commit to the compiled intent and to each site's rendered package. */
  digests: { intentDigest: Digest; renderedDigests: Readonly<Record<string, Digest>> };
  /** The pipeline run delivering it, recorded as a `Run-Id` trailer (how a resumed run knows the commit is its own). */
  runId?: string;
}

/** Outcome of a delivery: data that evidence and logs are built from. */
export interface DeliveryOutcome {
  status: "committed" | "unchanged";
  intentId: string;
  /** Subject in the project format, one per site: `edge1/<intent-id>`. */
  subjects: string[];
  branch: string;
  /** The delivery commit, or `null` when nothing changed. */
  commit: string | null;
  /** Branch head after delivery. */
  head: string | null;
  pushed: boolean;
  attempts: number;
  changes: { added: string[]; modified: string[]; removed: string[] };
  message: string | null;
}

/**
 * Delivers one intent revision. Re-delivering identical content makes no commit (`status: "unchanged"`).
 *
 * Trailers: `Intent-Id`, `Intent-Digest`, and one `Rendered-Digest: <site>=sha256:…` per site, sorted.
 *
 * @example
 * await deliverIntent({ dir: "/srv/delivery", intentId: "analytics-edge", intentFile, rendered, digests },
 *   { fs, http, clock: () => new Date(), author: { name: "intentops", email: "intentops@localhost" } });
 */
export async function deliverIntent(options: DeliverIntentOptions, deps: GitDeps): Promise<DeliveryOutcome> {
  const { dir, intentId, intentFile, rendered, digests } = options;
  const { branch = "main", remote, maxAttempts = 6, backoffMs = 50 } = options;
  checkIntentId(intentId);
  if (remote) checkRemoteUrl(remote);
  checkRepoPath(intentFile.path, "intents/");
  const sites = Object.keys(digests.renderedDigests).sort();
  if (sites.length === 0)
    throw new GitUsageError("digests.renderedDigests names no site", { subject: intentId });
  for (const path of rendered.keys()) {
    checkRepoPath(path, "rendered/");
    const site = path.split("/")[1]!;
    if (path.split("/")[2] !== intentId || !path.split("/")[3]) {
      throw new GitUsageError(`${path} is not under rendered/<site>/${intentId}/`, { subject: intentId });
    }
    if (!(site in digests.renderedDigests)) {
      throw new GitUsageError(`${path} belongs to site ${site}, which has no rendered digest`, {
        subject: `${site}/${intentId}`,
      });
    }
  }
  const repo = await openRepo({ fs: deps.fs, dir, branch, cache: deps.cache ?? {} });
  return deliver(repo, deps, {
    intentId,
    intentFile,
    rendered,
    digests,
    sites,
    branch,
    remote,
    maxAttempts,
    backoffMs,
    ...(options.runId ? { runId: options.runId } : {}),
  });
}

async function deliver(
  repo: RepoCtx,
  deps: GitDeps,
  o: Omit<DeliverIntentOptions, "dir"> & {
    sites: string[];
    branch: string;
    maxAttempts: number;
    backoffMs: number;
  },
): Promise<DeliveryOutcome> {
  const paths = [o.intentFile.path, ...[...o.rendered.keys()].sort()];
  const contents = [o.intentFile.content, ...paths.slice(1).map((p) => o.rendered.get(p)!)];
  const oids = await writeBlobs(
    repo,
    contents.map((c) => (typeof c === "string" ? Buffer.from(c, "utf8") : c)),
  );
  const desired = new Map<string, FileEntry>(paths.map((p, i) => [p, { oid: oids[i]!, mode: "100644" }]));

  // The change is computed once, against the first head we build on; a retry re-applies the same change
  // on the new head, and refuses when the other writer touched the same paths.
  let first: { tree: string | null; changes: TreeChanges } | null = null;
  let summary = { added: [] as string[], modified: [] as string[], removed: [] as string[] };
  let message: string | null = null;

  const update = await updateBranch(repo, deps, {
    branch: o.branch,
    remote: o.remote,
    maxAttempts: o.maxAttempts,
    backoffMs: o.backoffMs,
    build: async ({ tip }) => {
      const tipTree = tip ? await treeOfCommit(repo, tip) : null;
      if (!first) {
        const { changes, added, modified, removed } = await changesFor(repo, tipTree, o.intentId, desired);
        first = { tree: tipTree, changes };
        summary = { added, modified, removed };
      } else if (first.tree !== tipTree) {
        const theirs = await treeDiff(repo, first.tree, tipTree);
        const clashes = [...first.changes].filter(
          ([p, ours]) => theirs.has(p) && !sameEntry(theirs.get(p)!, ours),
        );
        if (clashes.length) {
          throw new ConflictError(
            "E_DELIVERY_CONFLICT",
            `another writer changed the same files of intent ${o.intentId} first`,
            clashes.map(([p]) => p),
            { subject: o.intentId },
          );
        }
      }
      if (first.changes.size === 0) return null;
      const tree = await applyTreeChanges(repo, tipTree, first.changes);
      if (tree === tipTree) return null;
      message = deliveryMessage(o.intentId, o.digests, o.sites, summary, o.runId);
      const signature = signatureAt(deps.author, deps.clock);
      return git.writeCommit({
        fs: repo.fs,
        gitdir: repo.gitdir,
        commit: {
          message,
          tree,
          parent: tip ? [tip] : [],
          author: signature,
          committer: deps.committer ? signatureAt(deps.committer, deps.clock) : signature,
        },
      });
    },
  });
  const committed = update.commit !== null;
  return {
    status: committed ? "committed" : "unchanged",
    intentId: o.intentId,
    subjects: o.sites.map((s) => `${s}/${o.intentId}`),
    branch: o.branch,
    commit: update.commit,
    head: update.head,
    pushed: update.pushed,
    attempts: update.attempts,
    changes: committed ? summary : { added: [], modified: [], removed: [] },
    message: committed ? message : null,
  };
}

function sameEntry(a: FileEntry | null, b: FileEntry | null): boolean {
  return a === b || (a !== null && b !== null && a.oid === b.oid && a.mode === b.mode);
}

/** Changes that make the tree hold exactly `desired` for this intent's rendered packages and intent file. */
async function changesFor(
  repo: RepoCtx,
  tree: string | null,
  intentId: string,
  desired: Map<string, FileEntry>,
) {
  const existing = await packageFiles(repo, tree, intentId);
  for (const path of desired.keys()) {
    if (path.startsWith("intents/")) {
      const entry = await fileAtTree(repo, tree, path);
      if (entry) existing.set(path, entry);
    }
  }
  const changes: TreeChanges = new Map();
  const added: string[] = [];
  const modified: string[] = [];
  const removed: string[] = [];
  for (const [path, entry] of desired) {
    const before = existing.get(path);
    if (!before) added.push(path);
    else if (!sameEntry(before, entry)) modified.push(path);
    else continue;
    changes.set(path, entry);
  }
  for (const path of existing.keys()) {
    if (!desired.has(path) && path.startsWith("rendered/")) {
      removed.push(path);
      changes.set(path, null);
    }
  }
  return { changes, added: added.sort(), modified: modified.sort(), removed: removed.sort() };
}

/** Files under `rendered/<every site>/<intentId>/`, read without walking other intents' packages. */
async function packageFiles(
  repo: RepoCtx,
  tree: string | null,
  intentId: string,
): Promise<Map<string, FileEntry>> {
  const out = new Map<string, FileEntry>();
  const renderedDir = (await readTreeEntries(repo, tree)).find(
    (e) => e.path === "rendered" && e.type === "tree",
  );
  if (!renderedDir) return out;
  for (const site of await readTreeEntries(repo, renderedDir.oid)) {
    if (site.type !== "tree") continue;
    const pkg = (await readTreeEntries(repo, site.oid)).find((e) => e.path === intentId && e.type === "tree");
    if (!pkg) continue;
    for (const [path, entry] of await treeDiff(repo, null, pkg.oid)) {
      if (entry) out.set(`rendered/${site.path}/${intentId}/${path}`, entry);
    }
  }
  return out;
}

async function fileAtTree(repo: RepoCtx, tree: string | null, path: string): Promise<FileEntry | null> {
  return tree === null ? null : fileAt(repo, tree, path);
}

function deliveryMessage(
  intentId: string,
  digests: DeliverIntentOptions["digests"],
  sites: string[],
  s: { added: string[]; modified: string[]; removed: string[] },
  runId?: string,
): string {
  const trailers: Trailer[] = [
    { key: "Intent-Id", value: intentId },
    { key: "Intent-Digest", value: digests.intentDigest },
    ...sites.map((site) => ({ key: "Rendered-Digest", value: `${site}=${digests.renderedDigests[site]}` })),
    ...(runId ? [{ key: "Run-Id", value: runId }] : []),
  ];
  return formatCommitMessage({
    subject: `intent ${intentId}: deliver ${shortDigest(digests.intentDigest)} to ${sites.join(", ")}`,
    body:
      `Delivers intent ${intentId} (${digests.intentDigest}) rendered for ${sites.length} site(s): ` +
      `${s.added.length} file(s) added, ${s.modified.length} modified, ${s.removed.length} removed.`,
    trailers,
  });
}
