/**
 * restoredIntentText: the text of the intent a commit's rendered packages were made from.
 *
 * After a rollback the rendered packages are the restored revision's, but `intents/<id>.json` need not be:
 * when the intent file was committed on its own (the API's intake, a merged pull request) before the
 * delivery commit, reverting the delivery leaves the file at the reverted revision. So the restored
 * revision is identified by the `intentops.io/intent-digest` its Kptfiles carry, and its text is found by
 * walking back through the intent file's versions (first parents, newest first) until one matches.
 */
import git from "isomorphic-git";
import { parse } from "yaml";
import { IntentopsError } from "../../compiler/errors.js";
import { INTENT_DIGEST_ANNOTATION } from "../../functions/generators/buildMetadata.js";
import { fileAt, type RepoCtx, readTreeEntries, treeOfCommit } from "./treeOps.js";

export interface RestoredIntentDeps {
  /** The digest of an intent text (the compiler's `spec.intentDigest`). */
  digestOf(text: string): Promise<string>;
}

/**
 * The intent text whose digest the rendered packages of `intentId` at `commit` carry, or `undefined` when
 * that commit renders nothing for the intent (its first revision was reverted). Throws `E_NOT_FOUND` when
 * no version of `intents/<id>.json` reachable from `commit` within `maxCommits` has that digest, and
 * `E_CONFLICT` when the sites' packages disagree on it.
 */
export async function restoredIntentText(
  repo: RepoCtx,
  commit: string,
  intentId: string,
  deps: RestoredIntentDeps,
  maxCommits = 10_000,
): Promise<string | undefined> {
  const wanted = await renderedDigests(repo, await treeOfCommit(repo, commit), intentId);
  if (wanted.size === 0) return undefined;
  if (wanted.size > 1) {
    throw new IntentopsError(
      "E_CONFLICT",
      `the sites' packages at ${commit.slice(0, 12)} were rendered from different revisions (${[...wanted].sort().join(", ")})`,
      { subject: intentId },
    );
  }
  const [digest] = wanted;
  const path = `intents/${intentId}.json`;
  const tried = new Set<string>();
  let oid: string | undefined = commit;
  for (let walked = 0; oid && walked < maxCommits; walked++) {
    const { commit: c } = await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
    const entry = await fileAt(repo, c.tree, path);
    if (entry && !tried.has(entry.oid)) {
      tried.add(entry.oid);
      const { blob } = await git.readBlob({
        fs: repo.fs,
        gitdir: repo.gitdir,
        oid: entry.oid,
        cache: repo.cache,
      });
      const text = new TextDecoder().decode(blob);
      // A version that no longer compiles (e.g. refused by a newer compiler) cannot be the restored one.
      if ((await deps.digestOf(text).catch(() => undefined)) === digest) return text;
    }
    oid = c.parent[0];
  }
  throw new IntentopsError(
    "E_NOT_FOUND",
    `no version of ${path} reachable from ${commit.slice(0, 12)} has the restored packages' digest ${digest}`,
    { subject: intentId },
  );
}

/** The intent digests of `intentId`'s Kptfiles under `rendered/<site>/<intentId>/` in a tree. */
async function renderedDigests(repo: RepoCtx, tree: string, intentId: string): Promise<Set<string>> {
  const digests = new Set<string>();
  const rendered = (await readTreeEntries(repo, tree)).find(
    (e) => e.path === "rendered" && e.type === "tree",
  );
  if (!rendered) return digests;
  for (const site of await readTreeEntries(repo, rendered.oid)) {
    if (site.type !== "tree") continue;
    const kptfile = await fileAt(repo, site.oid, `${intentId}/Kptfile`);
    if (!kptfile) continue;
    const { blob } = await git.readBlob({
      fs: repo.fs,
      gitdir: repo.gitdir,
      oid: kptfile.oid,
      cache: repo.cache,
    });
    const doc = parse(new TextDecoder().decode(blob)) as {
      metadata?: { annotations?: Record<string, string> };
    };
    const digest = doc?.metadata?.annotations?.[INTENT_DIGEST_ANNOTATION];
    if (digest) digests.add(digest);
  }
  return digests;
}
