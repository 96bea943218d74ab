/**
 * `waitForGone`: a delete is accepted at once but finishes later (a Namespace terminates its contents, a
 * finalizer runs). The delete path waits until every pruned object answers 404, so `Deleted` means gone.
 */
import type { ChangeSetEntry } from "./changeSet.js";
import type { KubeClient } from "./kubeClient.js";
import { objectPath, type RestMapper } from "./restMapper.js";

export interface WaitForGoneOptions {
  entries: readonly ChangeSetEntry[];
  /** Version of each entry's kind, by `refKey`-like `Kind/namespace/name` ref. */
  versions: ReadonlyMap<string, string>;
  timeoutMs: number;
  intervalMs?: number;
}

/** @returns the refs still present when the time ran out (empty: all gone). */
export async function waitForGone(
  options: WaitForGoneOptions,
  deps: { kube: KubeClient; mapper: RestMapper; sleep: (ms: number) => Promise<void>; now: () => number },
): Promise<string[]> {
  const { kube, mapper, sleep, now } = deps;
  const deadline = now() + options.timeoutMs;
  let pending = options.entries.filter((e) => e.action === "deleted");
  for (;;) {
    const still: ChangeSetEntry[] = [];
    for (const entry of pending) {
      const { group, kind, namespace, name } = entry.object;
      const version = options.versions.get(entry.ref);
      const mapping = version ? await mapper.mapping(group ? `${group}/${version}` : version, kind) : null;
      if (!mapping) continue; // the kind itself is gone
      const res = await kube.request({ method: "GET", path: objectPath(mapping, namespace, name) });
      if (res.status !== 404) still.push(entry);
    }
    pending = still;
    if (pending.length === 0 || now() >= deadline) return pending.map((e) => e.ref);
    await sleep(Math.min(options.intervalMs ?? 500, Math.max(0, deadline - now())));
  }
}
