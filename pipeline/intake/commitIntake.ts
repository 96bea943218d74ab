/**
 * commitIntake: the Git side of intake. Accepted changes are queued and committed in groups — one commit
 * per author holding every change of that author waiting at the time, pushed without force through the
 * same compare-and-swap loop as delivery — so a burst of requests costs a few pushes, not one each.
 * Trailers name every intent and request (`Intent-Id:`, `Request-Id:`), so `git log` answers "which
 * commit recorded request X".
 */
import git from "isomorphic-git";
import { formatCommitMessage, type Trailer } from "../git/commitMessage.js";
import { type GitDeps, type RepoOptions, signatureAt } from "../git/gitDeps.js";
import { openRepo } from "../git/openRepo.js";
import { applyTreeChanges, type TreeChanges, treeOfCommit, writeBlobs } from "../git/treeOps.js";
import { updateBranch } from "../git/updateBranch.js";
import type { IntakeChange } from "./intakeLog.js";

export interface IntakeCommitter {
  /** Queues a change; resolves with the commit that recorded it (null: Git already held it). */
  commit(change: IntakeChange): Promise<string | null>;
  /** Resolves when the queue is empty. */
  drain(): Promise<void>;
}

export interface CommitIntakeOptions {
  repo: RepoOptions & { remote: string };
  git: GitDeps;
  /** Called after each commit with the request ids it recorded (to mark them committed). */
  onCommitted?: (requestIds: string[], commit: string | null) => Promise<void>;
  /** Most changes in one commit. Default 500. */
  maxBatch?: number;
  /** Pause between failed attempts at a batch (the remote is down); doubles up to 30 s. Default 500 ms. */
  retryMs?: number;
  log?: (event: Record<string, unknown>) => void;
}

interface Waiting {
  change: IntakeChange;
  done: (commit: string | null) => void;
}

/** @example const committer = createIntakeCommitter({ repo, git }); await committer.commit(change); */
export function createIntakeCommitter(options: CommitIntakeOptions): IntakeCommitter {
  const { repo, maxBatch = 500, retryMs = 500 } = options;
  let queue: Waiting[] = [];
  let running: Promise<void> | null = null;
  const idleWaiters: Array<() => void> = [];

  const run = async () => {
    let delay = retryMs;
    while (queue.length) {
      const author = queue[0]!.change.author;
      const batch = queue.filter((w) => sameAuthor(w.change.author, author)).slice(0, maxBatch);
      try {
        const commit = await commitBatch(batch.map((w) => w.change));
        const ids = batch.map((w) => w.change.requestId);
        await options.onCommitted?.(ids, commit);
        queue = queue.filter((w) => !batch.includes(w));
        for (const w of batch) w.done(commit);
        delay = retryMs;
      } catch (error) {
        // The entries are in the intake log: nothing is lost by waiting for the remote to come back.
        options.log?.({
          msg: "intake commit failed; retrying",
          err: error instanceof Error ? error.message : String(error),
          retryInMs: delay,
        });
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 30_000);
      }
    }
    running = null;
    for (const w of idleWaiters.splice(0)) w();
  };

  const commitBatch = async (changes: IntakeChange[]): Promise<string | null> => {
    const opened = await openRepo({ fs: options.git.fs, dir: repo.dir, branch: repo.branch ?? "main" });
    // The last change of an intent in the batch wins (changes are queued in acceptance order).
    const latest = new Map<string, IntakeChange>();
    for (const change of changes) latest.set(change.intentId, change);
    const texts = [...latest.values()].filter((c) => c.text !== null);
    const oids = await writeBlobs(
      opened,
      texts.map((c) => Buffer.from(c.text!, "utf8")),
    );
    const tree: TreeChanges = new Map();
    for (const change of latest.values()) tree.set(`intents/${change.intentId}.json`, null);
    for (const [i, c] of texts.entries())
      tree.set(`intents/${c.intentId}.json`, { oid: oids[i]!, mode: "100644" });
    const author = changes[0]!.author;
    const update = await updateBranch(opened, options.git, {
      branch: repo.branch ?? "main",
      remote: repo.remote,
      maxAttempts: repo.maxAttempts ?? 8,
      backoffMs: repo.backoffMs ?? 50,
      build: async ({ tip }) => {
        const base = tip ? await treeOfCommit(opened, tip) : null;
        const next = await applyTreeChanges(opened, base, tree);
        if (next === base) return null;
        const signature = signatureAt({ name: author.name, email: author.email }, options.git.clock);
        return git.writeCommit({
          fs: opened.fs,
          gitdir: opened.gitdir,
          commit: {
            message: intakeMessage(changes),
            tree: next,
            parent: tip ? [tip] : [],
            author: signature,
            committer: options.git.committer
              ? signatureAt(options.git.committer, options.git.clock)
              : signatureAt(options.git.author, options.git.clock),
          },
        });
      },
    });
    return update.commit;
  };

  return {
    commit(change) {
      return new Promise((done) => {
        queue.push({ change, done });
        running ??= run();
      });
    },
    drain() {
      if (!running) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}

function sameAuthor(a: IntakeChange["author"], b: IntakeChange["author"]): boolean {
  return a.keyId === b.keyId && a.name === b.name && a.email === b.email;
}

function intakeMessage(changes: IntakeChange[]): string {
  const ids = [...new Set(changes.map((c) => c.intentId))].sort();
  const verbs = { create: 0, revise: 0, delete: 0 };
  for (const c of changes) verbs[c.kind]++;
  const trailers: Trailer[] = [
    ...ids.map((id) => ({ key: "Intent-Id", value: id })),
    ...changes.map((c) => ({ key: "Request-Id", value: c.requestId })),
    { key: "Intake", value: "api" },
  ];
  const subject =
    ids.length === 1
      ? `intake ${ids[0]}: ${changes[changes.length - 1]!.kind} via the API`
      : `intake: ${ids.length} intents via the API`;
  return formatCommitMessage({
    subject,
    body: `Accepted by intentops serve: ${verbs.create} created, ${verbs.revise} revised, ${verbs.delete} deleted.`,
    trailers,
  });
}
