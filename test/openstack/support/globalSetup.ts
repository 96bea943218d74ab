/**
 * Starts the OpenStack sandbox once before the OpenStack end-to-end files (or finds it running) and, if
 * this run started it, stops it after them, so nothing is left running. Prints the start time and the
 * sandbox's memory (resident set of its processes) for the closing note.
 */
import { readFile } from "node:fs/promises";
import { SERVICE_NAMES } from "../../../pipeline/sandbox/openstack/openStackServices.js";
import { sandboxLayout } from "../../../pipeline/sandbox/openstack/sandboxLayout.js";
import { readPid } from "../../../pipeline/sandbox/openstack/serviceProcesses.js";
import { startOpenStack } from "../../../pipeline/sandbox/openstack/startOpenStack.js";
import { stopOpenStack } from "../../../pipeline/sandbox/openstack/stopOpenStack.js";

/** Resident memory (KiB) of a process group, from /proc. */
async function groupRssKiB(pgid: number): Promise<number> {
  const { readdir } = await import("node:fs/promises");
  let total = 0;
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      const status = await readFile(`/proc/${entry}/status`, "utf8");
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

export async function sandboxRssMiB(state?: string): Promise<number> {
  const layout = sandboxLayout(state);
  let kib = 0;
  for (const name of SERVICE_NAMES) {
    const pid = await readPid(layout, name);
    if (pid) kib += await groupRssKiB(pid);
  }
  return Math.round(kib / 1024);
}

export default async function setup(): Promise<() => Promise<void>> {
  const t = performance.now();
  const sandbox = await startOpenStack({ log: (line) => console.log(line), timeoutMs: 900_000 });
  const ms = Math.round(performance.now() - t);
  console.log(
    `openstack sandbox: ready in ${ms} ms (setup ${sandbox.started.setupMs} ms, services ${sandbox.started.startMs} ms, ready ${sandbox.started.readyMs} ms; started ${sandbox.started.services.length}, reused ${sandbox.started.reused.length}); RSS ${await sandboxRssMiB()} MiB`,
  );
  const startedHere = sandbox.started.services.length > 0;
  return async () => {
    console.log(`openstack sandbox: RSS ${await sandboxRssMiB()} MiB at the end`);
    if (startedHere) await stopOpenStack();
  };
}
