/**
 * The evidence record (schemas/evidence.v1.schema.json) and its seal: each record carries the digest of
 * the previous record of the same intent and its own digest, so a chain of records shows any edit,
 * removal, insertion or reordering.
 */
import { type Digest, digestJson } from "../../compiler/digest.js";

export const EVIDENCE_SCHEMA_VERSION = "intentops.evidence/v1";

export type EvidenceResult =
  | "success"
  | "noop"
  | "failure"
  | "conflict"
  | "rejected"
  | "inconclusive"
  | "rolled-back";

export interface EvidenceArtifact {
  name: string;
  digest: Digest;
}

/** What a caller says about one action; `seq`, `timestamp` and `chain` are filled in when recorded. */
export interface EvidenceInput {
  intentId: string;
  /** `compile`, `render`, `deliver`, `reconcile`, `verify`, `rollback`, or a later action's name. */
  action: string;
  /** Sites the action concerned; the subject is `site/intent-id` for one, the intent id otherwise. */
  sites?: string[];
  trigger: { kind: string; by?: string; detail?: string };
  intentDigest?: Digest | null;
  renderedDigests?: Record<string, Digest>;
  commit?: string | null;
  inputs?: EvidenceArtifact[];
  outputs?: EvidenceArtifact[];
  metrics?: Record<string, unknown>;
  durations?: { totalMs: number } & Record<string, number>;
  result: EvidenceResult;
  restoredVersion?: string | null;
  error?: { code: string; message: string; paths?: string[] };
  details?: Record<string, unknown>;
}

/** A sealed record, as stored in `evidence/<intent-id>/<seq>-<action>.json`. */
export interface EvidenceRecord {
  schemaVersion: typeof EVIDENCE_SCHEMA_VERSION;
  seq: number;
  intentId: string;
  action: string;
  subject: string;
  timestamp: string;
  trigger: { kind: string; by?: string; detail?: string };
  intent: { id: string; digest: Digest | null };
  renderedDigests: Record<string, Digest>;
  commit: string | null;
  actions: { action: string; commit: string | null; sites: string[]; timestamp: string }[];
  inputs: EvidenceArtifact[];
  outputs: EvidenceArtifact[];
  metrics: Record<string, unknown>;
  durations: { totalMs: number } & Record<string, number>;
  result: EvidenceResult;
  // The old demo's field name, kept so its readers still find it.
  restored_version: string | null;
  error?: { code: string; message: string; paths?: string[] };
  details?: Record<string, unknown>;
  chain: { prev: Digest | null; digest: Digest };
}

/** Builds and seals record number `seq` after `prev` (the previous record's `chain.digest`). */
export function sealRecord(
  input: EvidenceInput,
  seq: number,
  prev: Digest | null,
  now: Date,
): EvidenceRecord {
  const timestamp = now.toISOString();
  const sites = [...(input.sites ?? Object.keys(input.renderedDigests ?? {}))].sort();
  const unsealed: Omit<EvidenceRecord, "chain"> & { chain: { prev: Digest | null } } = {
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
    seq,
    intentId: input.intentId,
    action: input.action,
    subject: sites.length === 1 ? `${sites[0]}/${input.intentId}` : input.intentId,
    timestamp,
    trigger: input.trigger,
    intent: { id: input.intentId, digest: input.intentDigest ?? null },
    renderedDigests: input.renderedDigests ?? {},
    commit: input.commit ?? null,
    actions: [{ action: input.action, commit: input.commit ?? null, sites, timestamp }],
    inputs: input.inputs ?? [],
    outputs: input.outputs ?? [],
    metrics: input.metrics ?? {},
    durations: input.durations ?? { totalMs: 0 },
    result: input.result,
    restored_version: input.restoredVersion ?? null,
    error: input.error,
    details: input.details,
    chain: { prev },
  };
  return { ...unsealed, chain: { prev, digest: recordDigest(unsealed) } } as EvidenceRecord;
}

/** The digest a record is sealed with: canonical JSON of the record without `chain.digest`. */
export function recordDigest(record: { chain: { prev: Digest | null; digest?: Digest } }): Digest {
  const { digest: _omit, ...chain } = record.chain;
  return digestJson({ ...record, chain });
}

/** Repository path of a record: `evidence/<intent-id>/<seq, 6 digits>-<action>.json`. */
export function recordPath(intentId: string, seq: number, action: string): string {
  return `evidence/${intentId}/${String(seq).padStart(6, "0")}-${action}.json`;
}

export const RECORD_FILE = /^(\d{6})-([a-z][a-z0-9-]*)\.json$/;
