/**
 * The change set: what an apply did, one entry per object, as data. Logs, CLI output and evidence are
 * derived from it (`summarizeChangeSet`, `formatChangeSet`), never the other way round.
 */
import type { Digest } from "../../compiler/digest.js";
import type { ObjectRef } from "./objectRef.js";

export type ChangeAction =
  | "created"
  | "configured"
  | "unchanged"
  | "deleted"
  | "skipped"
  | "failed"
  | "conflict";

export interface ChangeSetEntry {
  /** `Kind/namespace/name` (`Kind/name` for cluster-scoped objects). */
  ref: string;
  object: ObjectRef;
  action: ChangeAction;
  /** Digest of the desired object (for `deleted`: of the inventory entry). */
  digest: Digest | null;
  /** Why an object failed, conflicted or was skipped. */
  error?: { code: string; message: string; status?: number; fields?: string[] };
}

export type ChangeSummary = Record<ChangeAction, number>;

export function summarizeChangeSet(entries: readonly ChangeSetEntry[]): ChangeSummary {
  const summary: ChangeSummary = {
    created: 0,
    configured: 0,
    unchanged: 0,
    deleted: 0,
    skipped: 0,
    failed: 0,
    conflict: 0,
  };
  for (const e of entries) summary[e.action]++;
  return summary;
}

/** True when every entry applied (nothing failed, conflicted or was skipped). */
export function changeSetSucceeded(entries: readonly ChangeSetEntry[]): boolean {
  return entries.every((e) => e.action !== "failed" && e.action !== "conflict" && e.action !== "skipped");
}

/** One line per entry: `<action> <ref>[: <error>]`, as `kubectl apply` prints. */
export function formatChangeSet(entries: readonly ChangeSetEntry[]): string {
  return entries
    .map((e) => `${e.ref} ${e.action}${e.error ? `: ${e.error.message} [${e.error.code}]` : ""}\n`)
    .join("");
}
