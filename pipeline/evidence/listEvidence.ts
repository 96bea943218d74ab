/** `listEvidence`: the records of one intent, in chain order, as stored. */
import type { GitDeps } from "../git/gitDeps.js";
import { checkIntentId } from "../git/validate.js";
import type { EvidenceRecord } from "./evidenceRecord.js";
import { openEvidence, storedRecords } from "./evidenceStore.js";

/**
 * Reads `evidence/<intent-id>/` from the evidence branch (fetching it first with `remote`). Records are
 * returned as parsed; use `verifyEvidence` to know whether they can be trusted.
 */
export async function listEvidence(
  options: { dir: string; intentId: string; remote?: string },
  deps: GitDeps,
): Promise<EvidenceRecord[]> {
  checkIntentId(options.intentId);
  const { repo, head } = await openEvidence(options, deps);
  const out: EvidenceRecord[] = [];
  for (const stored of await storedRecords(repo, head, options.intentId)) {
    try {
      out.push(JSON.parse(stored.text) as EvidenceRecord);
    } catch {
      // An unparseable file is a finding for `verify`, not a reason to hide the rest.
    }
  }
  return out;
}
