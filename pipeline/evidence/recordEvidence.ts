/**
 * `recordEvidence`: appends one sealed, schema-valid, redacted record to an intent's chain on the
 * evidence branch, and pushes it (rebuilding on the new head — new seq, new prev — when another writer
 * appended first).
 */
import git from "isomorphic-git";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import type { Digest } from "../../compiler/digest.js";
import { IntentopsError } from "../../compiler/errors.js";
import { formatCommitMessage } from "../git/commitMessage.js";
import { type GitDeps, signatureAt } from "../git/gitDeps.js";
import { openRepo } from "../git/openRepo.js";
import { applyTreeChanges, type TreeChanges, treeOfCommit, writeBlobs } from "../git/treeOps.js";
import { updateBranch } from "../git/updateBranch.js";
import { checkIntentId, checkRemoteUrl } from "../git/validate.js";
import { type EvidenceInput, type EvidenceRecord, recordPath, sealRecord } from "./evidenceRecord.js";
import { EVIDENCE_BRANCH, storedRecords } from "./evidenceStore.js";
import { redactSecrets } from "./redactSecrets.js";
import { assertValidEvidence } from "./validateEvidence.js";

export interface RecordEvidenceOptions {
  dir: string;
  remote?: string;
  maxAttempts?: number;
  backoffMs?: number;
  input: EvidenceInput;
  /** Other files for the same evidence commit (e.g. `quarantine/<sha>.json`), path → text. */
  extraFiles?: ReadonlyMap<string, string>;
  /** Secret values to scrub (plus `deps.credentials.token`); see `secretsFromEnv`. */
  secrets?: readonly string[];
}

export interface RecordedEvidence {
  record: EvidenceRecord;
  path: string;
  /** The evidence-branch commit holding the record. */
  commit: string;
  pushed: boolean;
}

/**
 * Records one action. The record is redacted before it is sealed, so its digest covers what is stored.
 *
 * @example
 * await recordEvidence({ dir, input: { intentId: "analytics", action: "deliver", trigger: { kind: "cli" },
 *   commit: outcome.commit, result: "success" } }, deps);
 */
export async function recordEvidence(
  options: RecordEvidenceOptions,
  deps: GitDeps,
): Promise<RecordedEvidence> {
  const { dir, remote, maxAttempts = 6, backoffMs = 50, extraFiles = new Map() } = options;
  checkIntentId(options.input.intentId);
  if (remote) checkRemoteUrl(remote);
  const secrets = [...(options.secrets ?? []), ...(deps.credentials ? [deps.credentials.token] : [])];
  const input = redactSecrets(options.input, secrets);
  const extra = new Map([...extraFiles].map(([path, text]) => [path, redactSecrets(text, secrets)]));
  const repo = await openRepo({ fs: deps.fs, dir, cache: deps.cache ?? {} });
  let sealed: { record: EvidenceRecord; path: string } | null = null;
  const update = await updateBranch(repo, deps, {
    branch: EVIDENCE_BRANCH,
    remote,
    maxAttempts,
    backoffMs,
    build: async ({ tip }) => {
      const stored = await storedRecords(repo, tip, input.intentId);
      const last = stored[stored.length - 1];
      const prev = last ? lastDigest(last.text, last.path) : null;
      const seq = last ? last.seq + 1 : 1;
      const record = sealRecord(input, seq, prev as Digest | null, deps.clock());
      assertValidEvidence(record, record.subject);
      const path = recordPath(input.intentId, seq, input.action);
      sealed = { record, path };
      const files = [[path, stringifyCanonical(record)], ...extra] as [string, string][];
      const oids = await writeBlobs(
        repo,
        files.map(([, text]) => Buffer.from(text, "utf8")),
      );
      const changes: TreeChanges = new Map(files.map(([p], i) => [p, { oid: oids[i]!, mode: "100644" }]));
      const base = tip ? await treeOfCommit(repo, tip) : null;
      const tree = await applyTreeChanges(repo, base, changes);
      const signature = signatureAt(deps.author, deps.clock);
      const message = formatCommitMessage({
        subject: `evidence ${record.subject}: #${seq} ${record.action} ${record.result}`,
        body: "",
        trailers: [
          { key: "Evidence-Intent", value: record.intentId },
          { key: "Evidence-Seq", value: String(seq) },
          { key: "Evidence-Digest", value: record.chain.digest },
        ],
      });
      return git.writeCommit({
        fs: repo.fs,
        gitdir: repo.gitdir,
        commit: { message, tree, parent: tip ? [tip] : [], author: signature, committer: signature },
      });
    },
  });
  const done = sealed as { record: EvidenceRecord; path: string } | null;
  if (!done || !update.commit) throw new Error("evidence commit was not built");
  return { ...done, commit: update.commit, pushed: update.pushed };
}

/** The seal of the newest record; a chain whose tail cannot be read is not appended to blindly. */
function lastDigest(text: string, path: string): Digest {
  try {
    const digest = (JSON.parse(text) as EvidenceRecord).chain?.digest;
    if (typeof digest === "string" && digest.startsWith("sha256:")) return digest;
  } catch {
    // fall through
  }
  throw new IntentopsError(
    "E_EVIDENCE_BROKEN",
    `${path} has no readable seal; run \`intentops evidence verify\``,
    {
      subject: path,
    },
  );
}
