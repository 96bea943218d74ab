/**
 * Deleting: an intent removed everywhere, through Git. (1) the sites that hold its packages are noted,
 * (2) one commit removes its intent file and packages (none when already removed), (3) each site prunes the
 * intent's whole inventory — allowed because the intent is gone from Git, the explicit delete path — and
 * each site gets its own evidence. Every sub-step is checkpointed; a resumed delete goes on where it was.
 */
import { IntentopsError } from "../../../compiler/errors.js";
import { removeIntent, sitesOfIntent } from "../../git/removeIntent.js";
import type { Step, StepResult } from "../advanceRun.js";
import { type StepKit, since, unhealthySites } from "./stepKit.js";

export function deleteStep(kit: StepKit): Step {
  const { repo, git } = kit.options;
  return async (run, { signal, checkpoint }) => {
    const started = performance.now();
    let sites = run.data.sites;
    if (!sites) {
      sites = await sitesOfIntent({ ...repo, intentId: run.intentId }, git);
      await checkpoint({ sites });
    }
    let commit = run.data.deleteCommit;
    if (commit === undefined) {
      signal.throwIfAborted();
      const removal = await removeIntent({ ...repo, intentId: run.intentId, runId: run.runId }, git);
      commit = removal.head;
      await checkpoint({ deleteCommit: commit });
    }
    if (!commit)
      throw new IntentopsError("E_NOT_FOUND", "the delivery branch has no commits", {
        subject: run.intentId,
      });
    const result = await kit.options.reconcile({ run, commit, sites, signal, mode: "delete" });
    const deleted = Object.fromEntries(
      Object.entries(result.sites).map(([site, s]) => [site, { pruned: s.pruned ?? 0, ok: s.healthy }]),
    );
    const failed = unhealthySites(result.sites, run.intentId);
    const data: StepResult = { deleted };
    // One record per site: what was pruned there, and whether anything is left.
    for (const site of sites) {
      const outcome = deleted[site];
      data.evidence = await kit.evidence(
        { ...run, data: { ...run.data, ...data } },
        {
          action: "delete",
          sites: [site],
          commit,
          result: outcome?.ok ? "success" : "failure",
          durations: { totalMs: since(started) },
          metrics: { pruned: outcome?.pruned ?? 0 },
          ...(outcome?.ok
            ? {}
            : { error: { code: "E_DELETE", message: `objects left on ${site}/${run.intentId}` } }),
          details: { subject: `${site}/${run.intentId}`, ...(result.details ?? {}) },
        },
        signal,
      );
    }
    if (failed.length) {
      await checkpoint(data);
      throw new IntentopsError("E_DELETE", `objects left on: ${failed.join(", ")}`, {
        subject: run.intentId,
      });
    }
    return data;
  };
}
