/**
 * `verifyEvidence`: checks every record of an intent (or of all intents) three ways —
 * 1. its own seal (`chain.digest` recomputed from its bytes),
 * 2. the chain (`chain.prev` equals the previous record's digest, `seq` equals the file's number),
 * 3. the ledger: the evidence branch's history, where each append commit names the record's intent, seq
 *    and digest in trailers. The ledger catches what a self-consistent chain cannot: a removed last
 *    record, or a whole chain re-sealed after an edit. The remote refuses history rewrites
 *    (non-fast-forward pushes), which is what makes the ledger trustworthy.
 */
import git from "isomorphic-git";
import type { Digest } from "../../compiler/digest.js";
import { parseCommitMessage } from "../git/commitMessage.js";
import type { GitDeps } from "../git/gitDeps.js";
import type { RepoCtx } from "../git/treeOps.js";
import { checkIntentId } from "../git/validate.js";
import { type EvidenceRecord, recordDigest } from "./evidenceRecord.js";
import { intentsWithEvidence, openEvidence, storedRecords } from "./evidenceStore.js";
import { evidenceProblems } from "./validateEvidence.js";

export type EvidenceProblemKind = "edited" | "removed" | "inserted" | "reordered" | "broken-link" | "invalid";

export interface EvidenceProblem {
  kind: EvidenceProblemKind;
  intentId: string;
  seq: number | null;
  path: string | null;
  message: string;
}

export interface EvidenceVerification {
  ok: boolean;
  intents: { intentId: string; records: number; ok: boolean }[];
  problems: EvidenceProblem[];
}

/**
 * Verifies one intent's chain, or every intent's when `intentId` is omitted.
 *
 * @example
 * const v = await verifyEvidence({ dir, intentId: "analytics" }, deps);
 * if (!v.ok) for (const p of v.problems) console.log(`${p.kind} #${p.seq}: ${p.message}`);
 */
export async function verifyEvidence(
  options: { dir: string; intentId?: string; remote?: string },
  deps: GitDeps,
): Promise<EvidenceVerification> {
  if (options.intentId !== undefined) checkIntentId(options.intentId);
  const { repo, head } = await openEvidence(options, deps);
  const ledger = await readLedger(repo, head);
  const ids = options.intentId
    ? [options.intentId]
    : [...new Set([...(await intentsWithEvidence(repo, head)), ...ledger.keys()])].sort();
  const intents: EvidenceVerification["intents"] = [];
  const problems: EvidenceProblem[] = [];
  for (const intentId of ids) {
    const found = await verifyIntent(repo, head, intentId, ledger.get(intentId) ?? new Map());
    intents.push({ intentId, records: found.records, ok: found.problems.length === 0 });
    problems.push(...found.problems);
  }
  return { ok: problems.length === 0, intents, problems };
}

/** intent → seq → digest, from the append commits' trailers (the first append of a seq wins). */
async function readLedger(repo: RepoCtx, head: string | null): Promise<Map<string, Map<number, Digest>>> {
  const ledger = new Map<string, Map<number, Digest>>();
  if (!head) return ledger;
  const commits = await git.log({ fs: repo.fs, gitdir: repo.gitdir, ref: head, cache: repo.cache });
  for (const { commit } of commits.reverse()) {
    const trailers = parseCommitMessage(commit.message).trailers;
    const get = (key: string) => trailers.find((t) => t.key === key)?.value;
    const intentId = get("Evidence-Intent");
    const seq = Number(get("Evidence-Seq"));
    const digest = get("Evidence-Digest") as Digest | undefined;
    if (!intentId || !Number.isInteger(seq) || !digest) continue;
    const bySeq = ledger.get(intentId) ?? new Map<number, Digest>();
    ledger.set(intentId, bySeq);
    if (!bySeq.has(seq)) bySeq.set(seq, digest);
  }
  return ledger;
}

async function verifyIntent(
  repo: RepoCtx,
  head: string | null,
  intentId: string,
  ledger: Map<number, Digest>,
) {
  const problems: EvidenceProblem[] = [];
  const problem = (kind: EvidenceProblemKind, seq: number | null, path: string | null, message: string) =>
    problems.push({ kind, intentId, seq, path, message });
  const stored = await storedRecords(repo, head, intentId);
  const seqOfDigest = new Map([...ledger].map(([seq, digest]) => [digest, seq]));
  const present = new Set<number>();
  let previous: { seq: number; digest: Digest } | null = null;
  for (const file of stored) {
    if (!Number.isInteger(file.seq)) {
      problem("inserted", null, file.path, "file is not a record of this chain");
      continue;
    }
    present.add(file.seq);
    let record: EvidenceRecord;
    try {
      record = JSON.parse(file.text) as EvidenceRecord;
    } catch {
      problem("edited", file.seq, file.path, "record is not valid JSON");
      continue;
    }
    const schema = evidenceProblems(record);
    if (schema.length) problem("invalid", file.seq, file.path, `does not match the schema: ${schema[0]}`);
    const actual = record?.chain?.digest;
    const recomputed = record?.chain ? recordDigest(record) : null;
    const expected = ledger.get(file.seq);
    if (expected === undefined) {
      problem("inserted", file.seq, file.path, "no append of this record is in the evidence branch history");
    } else if (recomputed !== actual || (actual !== expected && !seqOfDigest.has(actual))) {
      problem("edited", file.seq, file.path, "content differs from what was recorded (digest mismatch)");
    } else if (actual !== expected || record.seq !== file.seq) {
      const was = seqOfDigest.get(actual) ?? record.seq;
      problem("reordered", file.seq, file.path, `holds record #${was}, recorded at another position`);
    }
    if (previous && record?.chain && record.chain.prev !== previous.digest) {
      problem("broken-link", file.seq, file.path, `chain.prev does not match record #${previous.seq}`);
    } else if (!previous && record?.chain && record.chain.prev !== null && file.seq === 1) {
      problem("broken-link", file.seq, file.path, "first record must have chain.prev null");
    }
    previous = typeof actual === "string" ? { seq: file.seq, digest: actual } : null;
  }
  for (const seq of [...ledger.keys()].sort((a, b) => a - b)) {
    if (!present.has(seq)) problem("removed", seq, null, `record #${seq} was recorded but is missing`);
  }
  problems.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return { records: stored.length, problems };
}
