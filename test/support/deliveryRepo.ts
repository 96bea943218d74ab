/**
 * A local delivery repository for e2e tests that apply packages themselves: each `deliver` is one delivery
 * commit (the pipeline's `deliverIntent`), and `revertLast` is the pipeline's rollback — `git revert` of the
 * last delivery — answering the package the revert commit holds, as the reconciler would read it.
 */
import * as fs from "node:fs";
import isoGit from "isomorphic-git";
import { digestBytes, digestJson } from "../../compiler/digest.js";
import { deliverIntent } from "../../pipeline/git/deliverIntent.js";
import type { GitDeps } from "../../pipeline/git/gitDeps.js";
import { openRepo } from "../../pipeline/git/openRepo.js";
import { revertCommit } from "../../pipeline/git/revertCommit.js";
import { listFiles, treeOfCommit } from "../../pipeline/git/treeOps.js";

export interface DeliveryRepo {
  /** Commits the intent text and its package files (name → content) for `site`; answers the commit. */
  deliver(intentText: string, files: Record<string, string>): Promise<string>;
  /** Reverts the last delivery and answers the package files at the revert commit (none: nothing left). */
  revertLast(): Promise<Record<string, string>>;
}

export function openDeliveryRepo(dir: string, site: string, intentId: string): DeliveryRepo {
  const git: GitDeps = {
    fs,
    clock: () => new Date(),
    author: { name: "intentops e2e", email: "e2e@intentops.io" },
  };
  const prefix = `rendered/${site}/${intentId}/`;
  let last: string | undefined;
  return {
    async deliver(intentText, files) {
      const listing = Object.fromEntries(Object.entries(files).map(([n, c]) => [n, digestBytes(c)]));
      const outcome = await deliverIntent(
        {
          dir,
          intentId,
          intentFile: { path: `intents/${intentId}.json`, content: intentText },
          rendered: new Map(Object.entries(files).map(([n, c]) => [`${prefix}${n}`, c])),
          digests: {
            intentDigest: digestBytes(intentText),
            renderedDigests: { [site]: digestJson(listing) },
          },
        },
        git,
      );
      if (!outcome.commit) throw new Error(`delivery of ${site}/${intentId} made no commit`);
      last = outcome.commit;
      return last;
    },
    async revertLast() {
      if (!last) throw new Error("nothing delivered to revert");
      const reverted = await revertCommit({ dir, target: last }, git);
      const repo = await openRepo({ fs: git.fs, dir, init: false });
      const files: Record<string, string> = {};
      for (const [path, entry] of await listFiles(repo, await treeOfCommit(repo, reverted.commit))) {
        if (!path.startsWith(prefix)) continue;
        const { blob } = await isoGit.readBlob({ fs: repo.fs, gitdir: repo.gitdir, oid: entry.oid });
        files[path.slice(prefix.length)] = new TextDecoder().decode(blob);
      }
      return files;
    },
  };
}
