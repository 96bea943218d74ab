/**
 * `waitForStatus`: polls a resource until its status is one of the wanted ones (or it is gone, when gone is
 * what is wanted), fails at once on an error status, and gives up after a timeout — with the last status
 * seen in the error. Polling starts fast (what FakeDriver and Cinder's fake driver finish in ~1–6 s) and
 * slows to the given interval.
 */
import { OpenStackWaitError } from "../client/openStackErrors.js";

export interface WaitOptions<T> {
  subject: string;
  /** Reads the resource; `undefined` = gone. */
  read: () => Promise<T | undefined>;
  status: (resource: T) => string;
  /** Wanted statuses; `"GONE"` waits for the resource to disappear. */
  want: readonly string[];
  /** Statuses that end the wait with an error. */
  failOn?: readonly string[];
  /** Extra text for an error status (e.g. a server's fault message). */
  describe?: (resource: T) => string;
  timeoutMs: number;
  intervalMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** @returns the resource in a wanted status (undefined when `GONE` was wanted and reached) */
export async function waitForStatus<T>(options: WaitOptions<T>): Promise<T | undefined> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = now();
  const maxInterval = options.intervalMs ?? 1000;
  let interval = Math.min(250, maxInterval);
  let last = "unknown";
  for (;;) {
    const resource = await options.read();
    if (resource === undefined) {
      if (options.want.includes("GONE")) return undefined;
      last = "GONE";
    } else {
      last = options.status(resource);
      if (options.want.includes(last)) return resource;
      if (options.failOn?.includes(last)) {
        throw new OpenStackWaitError(
          "E_OPENSTACK_RESOURCE_ERROR",
          `${options.subject} is ${last}${options.describe ? `: ${options.describe(resource)}` : ""}`,
          last,
          { subject: options.subject },
        );
      }
    }
    if (now() - started > options.timeoutMs) {
      throw new OpenStackWaitError(
        "E_OPENSTACK_TIMEOUT",
        `${options.subject} did not become ${options.want.join("|")} in ${options.timeoutMs} ms (last: ${last})`,
        last,
        { subject: options.subject },
      );
    }
    await sleep(interval);
    interval = Math.min(maxInterval, interval * 2);
  }
}
