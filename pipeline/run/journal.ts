/**
 * The run journal: an append-only JSON-lines file, each entry fsync'd before its append resolves, from which
 * the state of every run is rebuilt after a restart. A torn last line (the process died mid-write) is
 * ignored; everything before it is intact because each append is synced before the next phase starts.
 */
import { readFile } from "node:fs/promises";
import { openLineAppender } from "../fs/openLineAppender.js";
import { applyRunEvent } from "./applyRunEvent.js";
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
  // Group commit: the events waiting when a write starts go out in one write and one fsync, in order, and
  // each append resolves once its event is on disk. One fsync per event was ~5 per run: at 100 runs/s,
  // 500 serialised fsyncs a second, which also held up the intake log's fsync the API's answers wait for.
  // `gather`: a write starts one event-loop turn after its first event, so the events of every run that
  // moved in that turn share it (the pipeline thread moves several runs at once); fewer synchronous writes
  // also leave the disk to the intake log's, which the API's answers wait for.
  const lines = await openLineAppender(path, { sync: true, gather: true });
  return {
    append: (event) => lines.append(`${JSON.stringify(event)}\n`),
    close: () => lines.close(),
  };
}

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
    if (event.type === "created") runs.set(event.run.runId, { ...event.run });
    else {
      const run = runs.get(event.runId);
      if (run) applyRunEvent(run, event);
    }
  }
  return [...runs.values()];
}
