/**
 * The intake log: every accepted API request (a new intent, a revision, a deletion), appended and fsync'd
 * before the request is answered. It is what makes a 202 durable before the Git commit lands: on restart,
 * entries without a `committed` mark are committed to Git again (idempotently) and entries without a run
 * are submitted. It also holds the Idempotency-Key answers. JSON lines; a torn last line never happened.
 */
import { readFile } from "node:fs/promises";
import { openLineAppender } from "../fs/openLineAppender.js";

/** An accepted change of one intent. `text` is the exact intent document committed to Git (null: removal). */
export interface IntakeChange {
  type: "change";
  requestId: string;
  at: string;
  intentId: string;
  kind: "create" | "revise" | "delete";
  /** The intent document (canonical JSON), or null for a deletion. */
  text: string | null;
  /** sha256 digest of `text` (the run's source digest). */
  digest: string | null;
  /** Who asked: the API key's identity, used as the commit author. */
  author: { name: string; email: string; keyId: string };
  /** Idempotency-Key scope (`<keyId>:<key>`) and the digest of the request body it was given with. */
  idempotency?: { key: string; bodyDigest: string };
}

/** The Git commit that recorded some changes. */
export interface IntakeCommitted {
  type: "committed";
  at: string;
  requestIds: string[];
  commit: string | null;
}

export type IntakeEntry = IntakeChange | IntakeCommitted;

export interface IntakeLog {
  append(entry: IntakeEntry): Promise<void>;
  close(): Promise<void>;
}

/**
 * @example const log = await openIntakeLog(".intentops/intake.jsonl"); await log.append(entry);
 */
export async function openIntakeLog(
  path: string,
  options: { onWrite?: (seconds: number, entries: number) => void } = {},
): Promise<IntakeLog> {
  // Group commit: every entry waiting when a write starts goes out in one synchronous write; an append
  // resolves (and the request is answered) only once its entry is on disk.
  const lines = await openLineAppender(path, { sync: true, ...options });
  return {
    append: (entry) => lines.append(`${JSON.stringify(entry)}\n`),
    close: () => lines.close(),
  };
}

/** Every complete entry of the log at `path` (none when it does not exist). */
export async function readIntakeLog(path: string): Promise<IntakeEntry[]> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  const entries: IntakeEntry[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      entries.push(JSON.parse(line) as IntakeEntry);
    } catch {
      break; // only the last line can be torn by a crash
    }
  }
  return entries;
}
