import git from "isomorphic-git";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestBytes } from "../../compiler/digest.js";
import { deliverIntent } from "../../pipeline/git/deliverIntent.js";
import { branchHead, openRepo } from "../../pipeline/git/openRepo.js";
import { restoredIntentText } from "../../pipeline/git/restoredIntentText.js";
import { revertCommit } from "../../pipeline/git/revertCommit.js";
import { applyTreeChanges, treeOfCommit, writeBlobs } from "../../pipeline/git/treeOps.js";
import { createIntakeCommitter } from "../../pipeline/intake/commitIntake.js";
import { type GitHttpServer, startGitHttpServer } from "../support/gitHttpServer.js";
import { AUTHOR, cleanupTempDirs, intentDelivery, pinnedDeps, tempDir } from "./helpers.js";

let server: GitHttpServer;
beforeAll(async () => {
  server = await startGitHttpServer();
});
afterAll(async () => {
  await server?.close();
  await cleanupTempDirs();
});

/** The test's stand-in for the compiler's intent digest: a digest of the text. */
const digestOf = async (text: string) => digestBytes(text);

const intentText = (version: string) => `${JSON.stringify({ id: "analytics", version }, null, 2)}\n`;

const kptfile = (text: string) =>
  [
    "apiVersion: kpt.dev/v1",
    "kind: Kptfile",
    "metadata:",
    "  name: analytics",
    "  annotations:",
    `    intentops.io/intent-digest: "${digestBytes(text)}"`,
    "",
  ].join("\n");

/**
 * A delivery repository fed as `intentops serve` feeds it: the intake commits `intents/<id>.json` on its
 * own, then the pipeline delivers the packages rendered from it (with the same intent file).
 */
async function setup(name: string) {
  const remote = await server.createRepo(name);
  const dir = await tempDir();
  const deps = pinnedDeps();
  const intake = createIntakeCommitter({ repo: { dir, remote }, git: deps });
  let request = 0;
  const submit = (text: string) =>
    intake.commit({
      type: "change",
      requestId: `r${++request}`,
      at: "2025-01-02T03:04:05.000Z",
      intentId: "analytics",
      kind: request === 1 ? "create" : "revise",
      text,
      digest: digestBytes(text),
      author: { name: "api", email: "api@example.test", keyId: "k1" },
    });
  /** Delivers packages rendered from `renderedFrom` (by default the intent text itself) to `sites`. */
  const deliver = async (text: string, sites = ["edge1", "edge2"], renderedFrom = text) => {
    const options = intentDelivery(dir, "analytics", sites, { Kptfile: kptfile(renderedFrom) }, 1, {
      remote,
    });
    options.intentFile = { path: "intents/analytics.json", content: text };
    return (await deliverIntent(options, deps)).commit!;
  };
  const revert = async (target: string) => (await revertCommit({ dir, target, remote }, deps)).commit;
  const restored = async (commit: string) =>
    restoredIntentText(await openRepo({ fs: deps.fs, dir, init: false }), commit, "analytics", { digestOf });
  /** A hand-made commit on the local branch that sets one file. */
  const commitFile = async (path: string, content: string) => {
    const repo = await openRepo({ fs: deps.fs, dir, init: false });
    const tip = (await branchHead(repo, "refs/heads/main"))!;
    const [oid] = await writeBlobs(repo, [Buffer.from(content, "utf8")]);
    const tree = await applyTreeChanges(
      repo,
      await treeOfCommit(repo, tip),
      new Map([[path, { oid: oid!, mode: "100644" }]]),
    );
    const signature = { ...AUTHOR, timestamp: 1735787045, timezoneOffset: 0 };
    const commit = await git.writeCommit({
      fs: repo.fs,
      gitdir: repo.gitdir,
      commit: { message: "hand edit\n", tree, parent: [tip], author: signature, committer: signature },
    });
    await git.writeRef({
      fs: repo.fs,
      gitdir: repo.gitdir,
      ref: "refs/heads/main",
      value: commit,
      force: true,
    });
    return commit;
  };
  return { submit, deliver, revert, restored, commitFile };
}

describe("restoredIntentText", () => {
  it("finds the revision the reverted packages were rendered from, not the intent file the intake left", async () => {
    const { submit, deliver, revert, restored } = await setup("restored-intake");
    await submit(intentText("1.4.0"));
    await deliver(intentText("1.4.0"));
    await submit(intentText("1.5.0"));
    const bad = await deliver(intentText("1.5.0"));
    const reverted = await revert(bad);
    // The revert restores the packages; the intent file stays at 1.5.0 (the intake committed it on its own).
    expect(await restored(reverted)).toBe(intentText("1.4.0"));
  });

  it("follows a second rollback on top of an earlier one", async () => {
    const { submit, deliver, revert, restored } = await setup("restored-twice");
    await submit(intentText("1.4.0"));
    await deliver(intentText("1.4.0"));
    await submit(intentText("1.5.0"));
    await revert(await deliver(intentText("1.5.0")));
    await submit(intentText("1.6.0"));
    const third = await deliver(intentText("1.6.0"));
    expect(await restored(third)).toBe(intentText("1.6.0"));
    expect(await restored(await revert(third))).toBe(intentText("1.4.0"));
  });

  it("is undefined when the revert removed the intent's only revision", async () => {
    const { submit, deliver, revert, restored } = await setup("restored-first");
    await submit(intentText("1.4.0"));
    expect(await restored(await revert(await deliver(intentText("1.4.0"))))).toBeUndefined();
  });

  it("refuses when no reachable version of the intent file has the packages' digest", async () => {
    const { deliver, restored } = await setup("restored-missing");
    // Packages rendered from 1.4.0 next to an intent file that says 2.0.0 (written by hand, say).
    const commit = await deliver(intentText("2.0.0"), ["edge1"], intentText("1.4.0"));
    await expect(restored(commit)).rejects.toMatchObject({ code: "E_NOT_FOUND", subject: "analytics" });
  });

  it("refuses when the sites' packages were rendered from different revisions", async () => {
    const { deliver, restored, commitFile } = await setup("restored-split");
    await deliver(intentText("1.5.0"));
    // edge1's Kptfile edited by hand to name another revision.
    const commit = await commitFile("rendered/edge1/analytics/Kptfile", kptfile(intentText("1.4.0")));
    await expect(restored(commit)).rejects.toMatchObject({ code: "E_CONFLICT", subject: "analytics" });
  });
});
