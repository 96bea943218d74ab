/**
 * Pushes one commit onto one branch of a smart-HTTP remote: the objects the remote lacks
 * (`listObjectsToSend`, a tree diff pruned at unchanged subtrees) packed by isomorphic-git's
 * `packObjects`, sent in one `git-receive-pack` request, and the remote's report read back.
 *
 * Why not `git.push`: isomorphic-git 1.44's push lists the objects to send by reading every tree of the
 * new commit and, for the thin pack, every tree of the merge base (`listObjects`), so a leader delivering
 * one small package per run paid for the whole repository on each push — ~0.2 s of CPU at 100 packages,
 * ~1.3 s at 1,000, ~3.5 s at 3,000 (test/bench/deliveryPush.bench.ts). The git CLI prunes the same walk
 * at unchanged subtrees, and so does this.
 *
 * The update is a compare-and-swap: the command names the remote head we built on (`remoteTip`, from the
 * fetch of the same attempt, so the remote is not asked twice), and receive-pack refuses when the branch
 * has moved since. That refusal is a `RefMovedError`, which `updateBranch` answers by rebuilding.
 */
import git, { type HttpClient } from "isomorphic-git";
import { RefMovedError, RemoteError } from "./gitErrors.js";
import { listObjectsToSend } from "./listObjectsToSend.js";
import { FLUSH, pktFrames, pktLine } from "./pktLine.js";
import type { RepoCtx } from "./treeOps.js";

export interface SendPackOptions {
  /** Smart-HTTP URL of the remote repository (never carries credentials). */
  url: string;
  branch: string;
  /** The commit the branch should point at. */
  head: string;
  /** The remote's branch head that `head` was built on; `null` when the remote lacks the branch. */
  remoteTip: string | null;
  /** Request headers (authentication). */
  headers?: Record<string, string>;
}

/** What was sent: outcomes as data, for logs and tests. */
export interface SentPack {
  objects: number;
  bytes: number;
}

const NO_COMMIT = "0".repeat(40);

/**
 * Sends `head` and what it needs to the remote and moves `refs/heads/<branch>` there from `remoteTip`.
 * Throws `RefMovedError` when the remote's branch is no longer at `remoteTip`, `RemoteError` when the
 * remote refuses for another reason or answers with an HTTP error.
 *
 * @example
 * await sendPack(repo, http, { url, branch: "main", head: commit, remoteTip, headers: authHeaders(creds) });
 */
export async function sendPack(repo: RepoCtx, http: HttpClient, options: SendPackOptions): Promise<SentPack> {
  const { url, branch, head, remoteTip, headers = {} } = options;
  const ref = `refs/heads/${branch}`;
  const oids = await listObjectsToSend(repo, head, remoteTip);
  const { packfile } = await git.packObjects({
    fs: repo.fs,
    gitdir: repo.gitdir,
    oids,
    write: false,
    cache: repo.cache,
  });
  // report-status only: without the receive-pack advertisement we must not ask for what the server may
  // not offer (agent, side-band); every receive-pack implements report-status.
  const command = pktLine(`${remoteTip ?? NO_COMMIT} ${head} ${ref}\0report-status`);
  const failed = `push of ${branch} to ${url} failed`;
  const response = await http.request({
    url: `${url}/git-receive-pack`,
    method: "POST",
    headers: {
      ...headers,
      "Content-Type": "application/x-git-receive-pack-request",
      Accept: "application/x-git-receive-pack-result",
    },
    // An array (not a stream) so isomorphic-git's node client sends a Content-Length, as its own push does.
    // (`packfile` is only absent with `write: true`.)
    body: [command, FLUSH, packfile!] as unknown as AsyncIterableIterator<Uint8Array>,
  });
  const reply = await collect(response.body);
  if (response.statusCode !== 200) {
    const status = `HTTP ${response.statusCode} ${response.statusMessage ?? ""}`.trim();
    throw new RemoteError(`${failed}: ${status}`, { subject: branch });
  }
  const expected = remoteTip === null ? "absent" : `at ${remoteTip.slice(0, 12)}`;
  checkReport(parseReport(reply), ref, failed, `we built on it ${expected}`, branch);
  return { objects: oids.length, bytes: packfile!.byteLength };
}

/** receive-pack's report-status: `unpack ok|<error>`, then `ok <ref>` or `ng <ref> <reason>` per ref. */
interface Report {
  unpack: string | null;
  refs: Map<string, string | null>;
}

function checkReport(report: Report, ref: string, failed: string, builtOn: string, subject: string) {
  if (report.unpack !== "ok")
    throw new RemoteError(`${failed}: unpack ${report.unpack ?? "status missing"}`, { subject });
  if (!report.refs.has(ref)) throw new RemoteError(`${failed}: no status for ${ref}`, { subject });
  const reason = report.refs.get(ref);
  if (reason === null) return;
  if (MOVED.test(reason!)) throw new RefMovedError(`${failed}: ${ref} ${reason} (${builtOn})`, { subject });
  throw new RemoteError(`${failed}: ${ref} ${reason}`, { subject });
}

/**
 * Reasons that mean "the ref is not where you said": receive-pack's compare-and-swap failing ("failed to
 * update ref", "failed to lock", "cannot lock ref … but expected …"), and the non-fast-forward refusals
 * servers and proxies give ("non-fast-forward", "fetch first", "stale info").
 */
const MOVED = /non-fast-forward|fetch first|stale info|failed to (update ref|lock)|cannot lock ref/i;

function parseReport(body: Uint8Array): Report {
  const report: Report = { unpack: null, refs: new Map() };
  for (const line of pktLines(Buffer.from(body.buffer, body.byteOffset, body.byteLength))) {
    if (line.startsWith("unpack ")) report.unpack = line.slice("unpack ".length);
    else if (line.startsWith("ok ")) report.refs.set(line.slice(3), null);
    else if (line.startsWith("ng ")) {
      const [name, ...reason] = line.slice(3).split(" ");
      report.refs.set(name!, reason.join(" ") || "refused");
    }
  }
  return report;
}

/** The payloads of a pkt-line stream's data lines, newline trimmed (flushes skipped). */
function pktLines(body: Buffer): string[] {
  return (pktFrames(body) ?? [])
    .filter((frame) => frame.length > 4)
    .map((frame) => frame.subarray(4).toString("utf8").replace(/\n$/, ""));
}

async function collect(body: AsyncIterableIterator<Uint8Array> | undefined): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}
