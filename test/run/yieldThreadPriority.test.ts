/**
 * yieldThreadPriority lowers one thread's priority, not the process's: a worker thread (loading the built
 * module, as serve's pipeline thread does) calls it, and the kernel's own view (/proc/<pid>/task/<tid>/stat)
 * shows that thread 10 nice steps below the main thread, which keeps its priority.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { expect, it } from "vitest";

const built = join(
  resolve(import.meta.dirname, "..", ".."),
  "dist",
  "pipeline",
  "run",
  "yieldThreadPriority.js",
);

/** A thread's nice value as the kernel reports it (field 19 of its stat line). */
function niceOf(tid: number): number {
  const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}

it("a worker thread that yields runs 10 nice steps below the main thread, which keeps its own", async () => {
  const before = niceOf(process.pid);
  const code = `
    import { readlinkSync } from "node:fs";
    import { parentPort } from "node:worker_threads";
    import { yieldThreadPriority } from ${JSON.stringify(pathToFileURL(built).href)};
    const nice = yieldThreadPriority(10);
    const tid = Number(readlinkSync("/proc/thread-self").split("/").at(-1));
    parentPort.postMessage({ nice, tid });
    parentPort.once("message", () => process.exit(0));`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  try {
    const { nice, tid } = await new Promise<{ nice: number; tid: number }>((res, rej) => {
      worker.once("message", res);
      worker.once("error", rej);
    });
    const expected = Math.min(19, before + 10);
    expect(nice).toBe(expected);
    expect(tid).not.toBe(process.pid);
    expect(niceOf(tid)).toBe(expected);
    expect(niceOf(process.pid)).toBe(before);
  } finally {
    await worker.terminate();
  }
});
