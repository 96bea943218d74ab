/**
 * `waitForHealth`: polls the applied objects with the kstatus rules until all are Current, one is
 * Failed, or the timeout passes. Returns the timeline (every status change, with its time since the
 * start) as data.
 *
 * Healthy takes one pass in which every object is Current: an object already Current can be changed by
 * another one getting there (an HPA acting on a raised `minReplicas` scales its Deployment up), so once the
 * last pending object turns Current, every object is read once more.
 */
import { computeStatus, type HealthStatus } from "./computeStatus.js";
import type { KubeClient } from "./kubeClient.js";
import { mapConcurrent } from "./mapConcurrent.js";
import { type ObjectRef, subjectOfRef } from "./objectRef.js";
import { objectPath, type RestMapper } from "./restMapper.js";

export interface HealthTarget extends ObjectRef {
  apiVersion: string;
}

export interface HealthEvent {
  /** Milliseconds since the wait started. */
  atMs: number;
  ref: string;
  status: HealthStatus;
  message: string;
}

export interface HealthReport {
  /** `healthy`: all Current; `failed`: one is Failed; `timeout`: not all Current in time. */
  result: "healthy" | "failed" | "timeout";
  timeline: HealthEvent[];
  /** The last status of each object, in target order. */
  objects: { ref: string; status: HealthStatus; message: string }[];
  elapsedMs: number;
}

export interface WaitForHealthOptions {
  targets: readonly HealthTarget[];
  /** Default 5 minutes (the Reconciling phase timeout). */
  timeoutMs?: number;
  /** Default 500 ms. */
  intervalMs?: number;
  concurrency?: number;
}

export interface WaitForHealthDeps {
  kube: KubeClient;
  mapper: RestMapper;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * @example
 * const report = await waitForHealth({ targets, timeoutMs: 60_000 }, { kube, mapper });
 * if (report.result !== "healthy") console.log(report.objects.filter((o) => o.status !== "Current"));
 */
export async function waitForHealth(
  options: WaitForHealthOptions,
  deps: WaitForHealthDeps,
): Promise<HealthReport> {
  const { targets, timeoutMs = 300_000, intervalMs = 500, concurrency = 24 } = options;
  const now = deps.now ?? (() => performance.now());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const start = now();
  const last = targets.map(() => ({ status: "InProgress" as HealthStatus, message: "not checked yet" }));
  const timeline: HealthEvent[] = [];
  let pending = targets.map((_, i) => i);
  for (;;) {
    const statuses = await mapConcurrent(pending, concurrency, async (i) => {
      const t = targets[i]!;
      try {
        const mapping = await deps.mapper.mapping(t.apiVersion, t.kind);
        if (!mapping) return { status: "NotFound" as HealthStatus, message: `kind ${t.kind} is not served` };
        const res = await deps.kube.request({
          method: "GET",
          path: objectPath(mapping, t.namespace, t.name),
        });
        if (res.status === 404) return computeStatus(null);
        if (res.status !== 200)
          return { status: "InProgress" as HealthStatus, message: `HTTP ${res.status}` };
        return computeStatus(res.body);
      } catch (error) {
        return { status: "InProgress" as HealthStatus, message: (error as Error).message };
      }
    });
    const at = Math.round(now() - start);
    pending.forEach((i, k) => {
      const s = statuses[k]!;
      if (s.status !== last[i]!.status || timeline.every((e) => e.ref !== subjectOfRef(targets[i]!))) {
        timeline.push({ atMs: at, ref: subjectOfRef(targets[i]!), status: s.status, message: s.message });
      }
      last[i] = s;
    });
    // While others are pending, a Current object is not polled again: the wait is for the rollout this
    // apply started. When none is left, the result stands only if this pass read every object.
    const fullPass = pending.length === targets.length;
    pending = pending.filter((i) => last[i]!.status !== "Current");
    const report = (result: HealthReport["result"]): HealthReport => ({
      result,
      timeline,
      objects: targets.map((t, i) => ({ ref: subjectOfRef(t), ...last[i]! })),
      elapsedMs: Math.round(now() - start),
    });
    if (pending.length === 0 && fullPass) return report("healthy");
    if (pending.some((i) => last[i]!.status === "Failed")) return report("failed");
    if (pending.length === 0) {
      // Confirm at once: whatever made the last object Current has already changed the others it touches.
      pending = targets.map((_, i) => i);
      continue;
    }
    if (now() - start >= timeoutMs) return report("timeout");
    await sleep(Math.min(intervalMs, Math.max(0, timeoutMs - (now() - start))));
  }
}
