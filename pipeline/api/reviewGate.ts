/**
 * reviewGate: API intents as pull requests — the approval gate of `intentops serve --review` (like kpt/Porch's
 * Draft → Proposed → Published). A proposed intent is committed to a branch of its own (on top of the
 * delivery branch, pushed without force to the same remote) and a pull request is opened through octokit;
 * nothing reaches the intake, the runner or the delivery branch until a person merges it. `sync()` (also run
 * every `pollMs`) reads each open proposal's pull request: merged → the intent file as the merge commit holds
 * it (a reviewer may have edited it) is accepted by intake like any API change — committed (already there:
 * no commit), run, delivered; closed without merge → withdrawn, nothing delivered.
 *
 * Proposals are kept in `stateFile` (written atomically before and after the pull request is opened), so a
 * restart finds them; one left without a pull request by a crash gets it on the next sync.
 */
import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import git from "isomorphic-git";
import type { Octokit } from "octokit";
import { digestBytes } from "../../compiler/digest.js";
import { IntentopsError } from "../../compiler/errors.js";
import { writeFilesAtomically } from "../fs/writeFilesAtomically.js";
import { formatCommitMessage } from "../git/commitMessage.js";
import { type GitDeps, type RepoOptions, signatureAt } from "../git/gitDeps.js";
import { openRepo } from "../git/openRepo.js";
import { applyTreeChanges, fileAt, treeOfCommit, writeBlobs } from "../git/treeOps.js";
import { fetchBranch, pullBranch, updateBranch } from "../git/updateBranch.js";
import type { Intake } from "../intake/createIntake.js";
import { intentText } from "../intake/createIntake.js";
import type { IntakeChange } from "../intake/intakeLog.js";

/** The TMF921 `lifecycleStatus` of a proposal that waits for its pull request (free text in TMF921 v5). */
export const PENDING_APPROVAL = "pendingApproval";
/** The `lifecycleStatus` of a proposal whose pull request was closed without merge. */
export const WITHDRAWN = "withdrawn";

export interface Proposal {
  intentId: string;
  requestId: string;
  /** The intent document as proposed (canonical JSON). */
  text: string;
  digest: string;
  author: IntakeChange["author"];
  branch: string;
  /** `proposing`: the branch may exist, the pull request not yet. */
  state: "proposing" | "open" | "merged" | "closed";
  pull?: { number: number; url: string };
  proposedAt: string;
  decidedAt?: string;
  mergeCommit?: string;
}

export interface ReviewGateOptions {
  octokit: Octokit;
  /** The GitHub repository holding the delivery branch (`repo.remote` is its Git URL). */
  owner: string;
  repo: string;
  delivery: RepoOptions & { remote: string };
  git: GitDeps;
  intake: Intake;
  /** Absolute path of the proposals file. */
  stateFile: string;
  clock: () => Date;
  /** How often open pull requests are read; 0: only when `sync()` is called. Default 15 000 ms. */
  pollMs?: number;
  /** Called when a proposal is merged (its intake acceptance) or closed (withdrawn). */
  onDecided?: (proposal: Proposal) => void;
  log?: (event: Record<string, unknown>) => void;
}

export interface ReviewGate {
  /** Commits the intent to a new branch and opens a pull request; the intent then waits for approval. */
  propose(input: {
    intentId: string;
    body: Record<string, unknown>;
    author: IntakeChange["author"];
    requestId: string;
  }): Promise<Proposal>;
  /** The latest proposal of an intent. */
  get(intentId: string): Proposal | undefined;
  /** Reads every undecided proposal's pull request and acts on merges and closes. */
  sync(): Promise<{ merged: string[]; closed: string[] }>;
  close(): Promise<void>;
}

interface StateFile {
  proposals: Proposal[];
}

/** @example const gate = await createReviewGate({ octokit, owner: "acme", repo: "intents", delivery, git, intake, stateFile, clock }); */
export async function createReviewGate(options: ReviewGateOptions): Promise<ReviewGate> {
  const { octokit, owner, repo, delivery, intake } = options;
  const base = delivery.branch ?? "main";
  const proposals: Proposal[] = await readState(options.stateFile);
  const log = options.log ?? (() => undefined);
  const latest = (intentId: string) => proposals.filter((p) => p.intentId === intentId).at(-1);
  const save = () =>
    writeFilesAtomically(
      dirname(options.stateFile),
      new Map([[basename(options.stateFile), `${JSON.stringify({ proposals }, null, 2)}\n`]]),
    );
  // One proposal or sync at a time: they share the state file and the repository's refs.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.catch(() => undefined).then(work);
    queue = next;
    return next;
  };

  const openRepoCtx = () => openRepo({ fs: options.git.fs, dir: delivery.dir, branch: base });

  /** The proposal's branch: the delivery branch's head plus the intent file (no commit when it holds it). */
  const pushBranch = async (proposal: Proposal) => {
    const opened = await openRepoCtx();
    const baseTip = await pullBranch(opened, options.git, base, delivery.remote);
    if (!baseTip) {
      throw new IntentopsError("E_REVIEW_NO_BASE", `the remote has no ${base} branch to propose against`, {
        subject: proposal.intentId,
      });
    }
    const [blob] = await writeBlobs(opened, [Buffer.from(proposal.text, "utf8")]);
    await updateBranch(opened, options.git, {
      branch: proposal.branch,
      remote: delivery.remote,
      maxAttempts: delivery.maxAttempts ?? 8,
      backoffMs: delivery.backoffMs ?? 50,
      build: async ({ tip }) => {
        const parent = tip ?? baseTip;
        const before = await treeOfCommit(opened, parent);
        const tree = await applyTreeChanges(
          opened,
          before,
          new Map([[`intents/${proposal.intentId}.json`, { oid: blob!, mode: "100644" }]]),
        );
        if (tree === before) return null;
        const signature = signatureAt(
          { name: proposal.author.name, email: proposal.author.email },
          options.git.clock,
        );
        return git.writeCommit({
          fs: opened.fs,
          gitdir: opened.gitdir,
          commit: {
            message: formatCommitMessage({
              subject: `propose ${proposal.intentId} via the API`,
              body: "Posted to intentops serve with review: delivered when this pull request is merged.",
              trailers: [
                { key: "Intent-Id", value: proposal.intentId },
                { key: "Request-Id", value: proposal.requestId },
                { key: "Intake", value: "api-review" },
              ],
            }),
            tree,
            parent: [parent],
            author: signature,
            committer: signatureAt(options.git.committer ?? options.git.author, options.git.clock),
          },
        });
      },
    });
  };

  /** Opens the pull request, or finds the one an interrupted earlier attempt opened. */
  const openPull = async (proposal: Proposal) => {
    const { data: open } = await octokit.rest.pulls.list({
      owner,
      repo,
      state: "all",
      head: `${owner}:${proposal.branch}`,
      per_page: 100,
    });
    const found = open.find((p) => p.head.ref === proposal.branch && p.base.ref === base);
    const pull =
      found ??
      (
        await octokit.rest.pulls.create({
          owner,
          repo,
          head: proposal.branch,
          base,
          title: `intent ${proposal.intentId}: review before delivery`,
          body: [
            `Posted to the intent API by ${proposal.author.name} (key \`${proposal.author.keyId}\`), request \`${proposal.requestId}\`.`,
            "",
            `Merging delivers intent \`${proposal.intentId}\` (compile → render → deliver → reconcile → verify); closing withdraws it.`,
          ].join("\n"),
        })
      ).data;
    proposal.pull = { number: pull.number, url: pull.html_url };
    proposal.state = "open";
    await save();
  };

  /** The intent file as the merge commit holds it, or null when the merge removed it. */
  const mergedText = async (proposal: Proposal, mergeCommit: string): Promise<string | null> => {
    const opened = await openRepoCtx();
    await fetchBranch(opened, options.git, delivery.remote, base);
    const entry = await fileAt(
      opened,
      await treeOfCommit(opened, mergeCommit),
      `intents/${proposal.intentId}.json`,
    );
    if (!entry) return null;
    const { blob } = await git.readBlob({ fs: opened.fs, gitdir: opened.gitdir, oid: entry.oid });
    return Buffer.from(blob).toString("utf8");
  };

  const decide = async (proposal: Proposal): Promise<"merged" | "closed" | undefined> => {
    if (proposal.state === "proposing") {
      await pushBranch(proposal);
      await openPull(proposal);
    }
    const { data: pull } = await octokit.rest.pulls.get({ owner, repo, pull_number: proposal.pull!.number });
    if (pull.state !== "closed") return undefined;
    if (pull.merged_at && pull.merge_commit_sha) {
      const text = await mergedText(proposal, pull.merge_commit_sha);
      if (text !== null) {
        const accepted = await intake.accept({
          kind: intake.get(proposal.intentId) ? "revise" : "create",
          intentId: proposal.intentId,
          body: { ...(JSON.parse(text) as Record<string, unknown>), id: proposal.intentId },
          author: proposal.author,
          requestId: proposal.requestId,
        });
        await accepted.run;
        Object.assign(proposal, { state: "merged", mergeCommit: pull.merge_commit_sha });
      } else proposal.state = "closed";
    } else proposal.state = "closed";
    proposal.decidedAt = (pull.merged_at ?? pull.closed_at ?? options.clock().toISOString()) as string;
    await save();
    options.onDecided?.(proposal);
    return proposal.state === "merged" ? "merged" : "closed";
  };

  const sync = () =>
    serial(async () => {
      const out = { merged: [] as string[], closed: [] as string[] };
      for (const proposal of proposals.filter((p) => p.state === "proposing" || p.state === "open")) {
        try {
          const outcome = await decide(proposal);
          if (outcome) out[outcome].push(proposal.intentId);
        } catch (error) {
          // GitHub or the remote is down: the proposal stays undecided and is read again next time.
          log({
            msg: "review sync failed; retrying on the next sync",
            subject: proposal.intentId,
            err: error instanceof Error ? error.message : String(error),
          });
        }
      }
      return out;
    });

  const pollMs = options.pollMs ?? 15_000;
  const timer = pollMs > 0 ? setInterval(() => void sync(), pollMs) : undefined;
  timer?.unref();

  return {
    propose: (input) =>
      serial(async () => {
        const undecided = latest(input.intentId);
        if (intake.get(input.intentId) || (undecided && ["proposing", "open"].includes(undecided.state))) {
          throw new IntentopsError(
            "E_CONFLICT",
            intake.get(input.intentId)
              ? `intent ${input.intentId} already exists`
              : `intent ${input.intentId} already waits for approval in pull request #${undecided!.pull?.number ?? "?"}`,
            { subject: input.intentId },
          );
        }
        const text = intentText(input.body);
        const n = proposals.filter((p) => p.intentId === input.intentId).length + 1;
        const proposal: Proposal = {
          intentId: input.intentId,
          requestId: input.requestId,
          text,
          digest: digestBytes(text),
          author: input.author,
          branch: `intentops/${input.intentId}-${n}`,
          state: "proposing",
          proposedAt: options.clock().toISOString(),
        };
        proposals.push(proposal);
        await save();
        try {
          await pushBranch(proposal);
          await openPull(proposal);
        } catch (error) {
          // Refused while the client waits: forget it (a crash instead leaves it to the next sync).
          proposals.splice(proposals.indexOf(proposal), 1);
          await save();
          throw error;
        }
        return proposal;
      }),
    get: latest,
    sync,
    async close() {
      if (timer) clearInterval(timer);
      await queue.catch(() => undefined);
    },
  };
}

async function readState(file: string): Promise<Proposal[]> {
  try {
    return (JSON.parse(await readFile(file, "utf8")) as StateFile).proposals;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}
