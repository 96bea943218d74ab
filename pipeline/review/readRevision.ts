/**
 * readRevision: the intent files and site registry of one commit, read from the object database (no
 * checkout, nothing written). Files are listed with their blob ids so that a review compiles only the files
 * whose blobs differ between base and head; their text is read on demand.
 */
import git, { type PromiseFsClient } from "isomorphic-git";
import { IntentopsError } from "../../compiler/errors.js";

export interface RevisionFile {
  /** Repository path, e.g. `intents/edge-analytics.json`. */
  path: string;
  oid: string;
}

export interface Revision {
  commit: string;
  /** `*.json` directly in the intents directory, sorted by path. */
  intents: RevisionFile[];
  /** The site registry (`<intents>/sites.yaml`), when the revision has one. */
  registry?: RevisionFile;
  /** The vocabulary mappings beside it (`<intents>/mappings.yaml`), when the revision has them. */
  mappings?: RevisionFile;
  read(oid: string): Promise<string>;
}

export interface ReadRevisionOptions {
  fs: PromiseFsClient;
  gitdir: string;
  /** A commit id (full or abbreviated) or a ref name. */
  rev: string;
  /** Default `intents`. */
  intentsDir?: string;
  cache?: object;
}

/** @throws IntentopsError `E_USAGE_REV` when `rev` names no commit */
export async function readRevision(options: ReadRevisionOptions): Promise<Revision> {
  const { fs, gitdir, rev, intentsDir = "intents", cache = {} } = options;
  const commit = await resolveCommit(fs, gitdir, rev, cache);
  let entries: Array<{ path: string; oid: string; type: string }> = [];
  try {
    const tree = await git.readTree({ fs, gitdir, oid: commit, filepath: intentsDir, cache });
    entries = tree.tree.map((e) => ({ path: `${intentsDir}/${e.path}`, oid: e.oid, type: e.type }));
  } catch (error) {
    // A revision without an intents directory has no intents (e.g. the commit before the first one).
    if ((error as { code?: string }).code !== "NotFoundError") throw error;
  }
  const blobs = entries.filter((e) => e.type === "blob");
  const intents = blobs
    .filter((e) => e.path.endsWith(".json"))
    .map(({ path, oid }) => ({ path, oid }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const registryEntry = blobs.find((e) => e.path === `${intentsDir}/sites.yaml`);
  const mappingsEntry = blobs.find((e) => e.path === `${intentsDir}/mappings.yaml`);
  const decoder = new TextDecoder("utf-8");
  return {
    commit,
    intents,
    ...(registryEntry ? { registry: { path: registryEntry.path, oid: registryEntry.oid } } : {}),
    ...(mappingsEntry ? { mappings: { path: mappingsEntry.path, oid: mappingsEntry.oid } } : {}),
    async read(oid) {
      const { blob } = await git.readBlob({ fs, gitdir, oid, cache });
      return decoder.decode(blob);
    },
  };
}

async function resolveCommit(fs: PromiseFsClient, gitdir: string, rev: string, cache: object) {
  let oid: string | undefined;
  try {
    oid = /^[0-9a-f]{4,40}$/.test(rev)
      ? await git.expandOid({ fs, gitdir, oid: rev, cache })
      : await git.resolveRef({ fs, gitdir, ref: rev });
  } catch {
    oid = await git.resolveRef({ fs, gitdir, ref: rev }).catch(() => undefined);
  }
  if (!oid) throw new IntentopsError("E_USAGE_REV", `no commit ${rev} in ${gitdir}`, { subject: rev });
  try {
    const { commit } = await git.readCommit({ fs, gitdir, oid, cache });
    void commit;
  } catch (error) {
    throw new IntentopsError("E_USAGE_REV", `${rev} is not a commit`, { subject: rev, cause: error });
  }
  return oid;
}
