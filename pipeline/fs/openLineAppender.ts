/**
 * openLineAppender: appends lines to a file with group commit — every line waiting when a write starts
 * goes out in one write (with `sync`, a synchronous write: on disk when it returns), and each append
 * resolves only once its own line is written (and on disk). Lines land in append order. A failed write fails its lines and every later
 * append: after a torn write, a line appended behind it would be unreadable to a reader that stops at the
 * first torn line, so nothing more is written (and nothing more reported durable).
 *
 * The intake log, the run journal and the request records use it: under load one fsync per line was
 * hundreds of fsyncs a second competing for the disk, and each answer waited for its own.
 */
import { type FileHandle, mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { performance } from "node:perf_hooks";

export interface LineAppender {
  /** `line` must end with a newline. */
  append(line: string): Promise<void>;
  /** Waits for the writes under way, then closes the file. */
  close(): Promise<void>;
}

export interface LineAppenderOptions {
  /** Synchronous writes (O_SYNC): an append resolves once its line is on disk. */
  sync: boolean;
  /**
   * Start a write one event-loop turn after the first waiting line (more lines per write), instead of at
   * once. For logs no answer waits for.
   */
  gather?: boolean;
  /** Told of each write once it returns: how long it took (with `sync`, until on disk) and how many lines it held. */
  onWrite?: (seconds: number, lines: number) => void;
}

/** @example const log = await openLineAppender("state/journal.jsonl", { sync: true }); await log.append("{}\n"); */
export async function openLineAppender(path: string, options: LineAppenderOptions): Promise<LineAppender> {
  await mkdir(dirname(path), { recursive: true });
  // With `sync` the file is opened O_SYNC ("as"): each write returns once its lines are on disk, as a write
  // followed by fsync would, in one call to the thread pool instead of two.
  const handle: FileHandle = await open(path, options.sync ? "as" : "a");
  let waiting: Array<{ line: string; done: () => void; failed: (e: unknown) => void }> = [];
  let writing: Promise<void> | null = null;
  let broken: unknown;
  const flush = async () => {
    while (waiting.length) {
      const batch = waiting;
      waiting = [];
      if (broken === undefined) {
        try {
          const started = performance.now();
          await handle.write(batch.map((b) => b.line).join(""));
          options.onWrite?.((performance.now() - started) / 1000, batch.length);
          for (const b of batch) b.done();
          continue;
        } catch (error) {
          broken = error;
        }
      }
      for (const b of batch) b.failed(broken);
    }
    writing = null;
  };
  return {
    append(line) {
      return new Promise<void>((done, failed) => {
        waiting.push({ line, done, failed });
        writing ??= options.gather ? new Promise<void>((turn) => setImmediate(turn)).then(flush) : flush();
      });
    },
    async close() {
      await writing;
      await handle.close();
    },
  };
}
