/**
 * yieldThreadPriority: lowers the scheduling priority of the calling thread only — on Linux, nice values
 * belong to threads, and setpriority(PRIO_PROCESS, tid) changes the one thread whose id is `tid`. The
 * pipeline thread calls it so that on a machine with both cores busy, the thread that answers API requests
 * (validate, append to the intake log, answer) is scheduled before the backlog of compiling, rendering and
 * committing; processes the thread starts inherit its nice value. Returns the thread's nice value after the
 * change, or undefined where threads have no priority of their own (no /proc/thread-self).
 */
import { readlinkSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/** The highest nice value (the lowest priority) Linux allows. */
const LOWEST = 19;

/** @example yieldThreadPriority(10) // in a worker thread: 0 → 10, the main thread stays at 0 */
export function yieldThreadPriority(by: number): number | undefined {
  let tid: number;
  try {
    // "<pid>/task/<tid>"
    tid = Number(readlinkSync("/proc/thread-self").split("/").at(-1));
  } catch {
    return undefined;
  }
  const nice = Math.min(LOWEST, getPriority(tid) + by);
  setPriority(tid, nice);
  return nice;
}
