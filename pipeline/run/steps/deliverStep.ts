/**
 * Delivering: one commit with the intent file and its rendered packages, pushed (never forced). The commit
 * carries the run's id (`Run-Id` trailer), so a run resumed after the push knows the head is its own
 * delivery and that compensation must revert it. A quarantined revision (rolled back before) is refused.
 */
import isoGit from "isomorphic-git";
import { IntentopsError } from "../../../compiler/errors.js";
import { trailerValue } from "../../git/commitMessage.js";
import { deliverIntent } from "../../git/deliverIntent.js";
import type { GitDeps, RepoOptions } from "../../git/gitDeps.js";
import { openRepo } from "../../git/openRepo.js";
import { listQuarantined } from "../../git/quarantine.js";
import type { Step, StepResult } from "../advanceRun.js";
import { type StepKit, since } from "./stepKit.js";

export function deliverStep(kit: StepKit): Step {
  const { repo, git } = kit.options;
  return async (run, { signal, checkpoint }) => {
    const started = performance.now();
    const { compiled: c, text, packages } = await kit.packages(run);
    // Again against the branch as it is now: another run may have delivered a claim since Compiling.
    await kit.checkOwnership(run);
    // The evidence so far goes out before the delivery does; the push also brings the remote's quarantine.
    await kit.pushEvidence();
    if (await isRevisionQuarantined(repo, git, run.intentId, c.spec.intentDigest)) {
      throw new IntentopsError(
        "E_QUARANTINED",
        `revision ${c.spec.intentDigest} of ${run.intentId} was rolled back; it is not delivered again automatically`,
        { subject: run.intentId },
      );
    }
    signal.throwIfAborted();
    const rendered = new Map<string, string>();
    for (const pkg of packages) {
      for (const [path, content] of Object.entries(pkg.files))
        rendered.set(`rendered/${pkg.subject}/${path}`, content);
    }
    const renderedDigests = Object.fromEntries(packages.map((p) => [p.site, p.renderedDigest]));
    const outcome = await deliverIntent(
      {
        ...repo,
        intentId: run.intentId,
        intentFile: { path: `intents/${run.intentId}.json`, content: text },
        rendered,
        digests: { intentDigest: c.spec.intentDigest, renderedDigests },
        runId: run.runId,
      },
      git,
    );
    // After a crash between the push and the journal, the re-run finds the tree unchanged and the head
    // carrying this run's id: the commit is still ours to undo.
    const committed =
      outcome.commit !== null ||
      (outcome.head !== null && (await madeByRun(repo, git, outcome.head, run.runId)));
    const facts = {
      deliveryCommit: outcome.commit ?? outcome.head,
      deliveryHead: outcome.head,
      deliveryCommitted: committed,
    };
    await checkpoint(facts);
    const data: StepResult = { ...facts };
    data.evidence = await kit.evidence(
      run,
      {
        action: "deliver",
        intentDigest: c.spec.intentDigest,
        renderedDigests,
        commit: outcome.head,
        result: outcome.status === "committed" ? "success" : "noop",
        durations: { totalMs: since(started) },
        details: { changes: outcome.changes, pushed: outcome.pushed, attempts: outcome.attempts },
      },
      signal,
    );
    return data;
  };
}

async function madeByRun(repo: RepoOptions, git: GitDeps, commit: string, runId: string): Promise<boolean> {
  const opened = await openRepo({ fs: git.fs, dir: repo.dir, init: false });
  const { commit: c } = await isoGit.readCommit({ fs: opened.fs, gitdir: opened.gitdir, oid: commit });
  return trailerValue(c.message, "Run-Id") === runId;
}

/** Whether a commit delivering this very revision (same Intent-Digest) was reverted by a rollback. */
async function isRevisionQuarantined(
  repo: RepoOptions,
  git: GitDeps,
  intentId: string,
  intentDigest: string,
): Promise<boolean> {
  // Local: the evidence push just before brought the remote's quarantine entries in.
  const entries = await listQuarantined({ dir: repo.dir }, git);
  const mine = entries.filter((q) => q.intentId === intentId);
  if (mine.length === 0) return false;
  const opened = await openRepo({
    fs: git.fs,
    dir: repo.dir,
    ...(repo.branch ? { branch: repo.branch } : {}),
  });
  for (const entry of mine) {
    const { commit } = await isoGit.readCommit({ fs: opened.fs, gitdir: opened.gitdir, oid: entry.commit });
    if (trailerValue(commit.message, "Intent-Digest") === intentDigest) return true;
  }
  return false;
}
