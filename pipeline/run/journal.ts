/**
 * The run journal: an append-only JSON-lines file, fsync'd after every entry, from which the state of every
 * run is rebuilt after a restart. A torn last line (the process died mid-write) is ignored; everything
 * before it is intact because each append is synced before the next phase starts.
 */
import { type FileHandle, mkdir, open, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { RunEvent, RunState } from "./runTypes.js";

export interface Journal {
  append(event: RunEvent): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) the journal at `path` for appending.
 * @example const journal = await openJournal(".intentops/journal.jsonl"); await journal.append(event);
 */
export async function openJournal(path: string): Promise<Journal> {
  await mkdir(dirname(path), { recursive: true });
  const handle: FileHandle = await open(path, "a");
  // Appends are serialised: two runs finishing phases at once must not interleave bytes.
  let tail: Promise<void> = Promise.resolve();
  return {
    append(event) {
      const line = `${JSON.stringify(event)}\n`;
      tail = tail.then(async () => {
        await handle.write(line);
        await handle.sync();
      });
      return tail;
    },
    async close() {
      await tail.catch(() => undefined);
      await handle.close();
    },
  };
}

/** Reads every complete entry of the journal at `path` (none if it does not exist). */
export async function readJournal(path: string): Promise<RunEvent[]> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  const events: RunEvent[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      // Only the last line can be torn by a crash; it never completed, so it never happened.
      break;
    }
  }
  return events;
}

/** Folds journal events into the latest state of each run, in creation order. */
export function replayJournal(events: readonly RunEvent[]): RunState[] {
  const runs = new Map<string, RunState>();
  for (const event of events) {
    if (event.type === "created") {
      runs.set(event.run.runId, { ...event.run });
      continue;
    }
    const run = runs.get(event.runId);
    if (!run) continue;
    run.updatedAt = event.at;
    if (event.type === "phase") {
      run.phase = event.phase;
      run.attempt = event.attempt ?? 0;
      delete run.error; // a phase entered after a failure is a retry
    } else if (event.type === "data") {
      run.data = { ...run.data, ...event.data };
    } else if (event.type === "failed") {
      run.phase = event.phase ?? "Failed";
      run.error = event.error;
    } else if (event.type === "superseded") {
      const failedIn = run.phase;
      run.phase = "Failed";
      run.supersededBy = event.by;
      run.error = { code: "E_SUPERSEDED", message: `superseded by run ${event.by}`, failedIn };
    }
  }
  return [...runs.values()];
}
