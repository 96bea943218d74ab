/**
 * The run store: where the runner keeps every run's state so that a restart (or another controller replica)
 * resumes it. Two implementations:
 *   - the file journal (`fileRunStore`, journal.ts): JSON lines on one machine's disk, the embedded default;
 *   - `IntentDeployment` resources' status in a management cluster (pipeline/operator/kubeRunStore.ts), for
 *     operator mode: etcd is the store, every write is conditional on the resourceVersion it read.
 * An append resolves only once the event is durable; the runner acts on a transition only after that.
 */
import { type Journal, openJournal, readJournal, replayJournal } from "./journal.js";
import type { RunEvent, RunState } from "./runTypes.js";

export interface RunStore extends Journal {
  /** Every run the store holds, in creation order (the runner resumes the unfinished ones). */
  load(): Promise<RunState[]>;
  append(event: RunEvent): Promise<void>;
  close(): Promise<void>;
}

/**
 * The file journal as a run store (`<state>/journal.jsonl`).
 * @example const store = await fileRunStore(".intentops/journal.jsonl");
 */
export async function fileRunStore(path: string): Promise<RunStore> {
  const previous = replayJournal(await readJournal(path));
  const journal = await openJournal(path);
  return {
    load: async () => previous.map((run) => ({ ...run })),
    append: (event) => journal.append(event),
    close: () => journal.close(),
  };
}
