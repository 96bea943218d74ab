/**
 * `verifyOpenStackSite`: the Verifying phase of an OpenStack site, where the site's health is the
 * resources' status. At each interval of the window the intent's stack is read from the live APIs (by our
 * tags, as the driver reads it) and compared with the rendered stack: the `availability` target's sample is
 * the share of the stack's resources in their serving state (servers ACTIVE with their flavor, volumes
 * available / in-use, networks and routers ACTIVE with their interfaces, subnets and security groups
 * present). The samples go to the same pure `evaluateSlo` as Prometheus' samples do.
 *
 * Nothing here turns missing data into a pass: an API that cannot be read, a stack with nothing to
 * measure, or a target that resource status cannot measure (latency, error rate… need the workload's own
 * metrics) gives a sample without a value and a note saying why, and `evaluateSlo` makes it inconclusive.
 */
import { IntentopsError } from "../../compiler/errors.js";
import { evaluateSlo } from "../../functions/slo/evaluateSlo.js";
import type { SloDecision, SloPolicy, SloSample, SloTarget } from "../../functions/slo/types.js";
import type { OpenStackClient } from "./client/createOpenStackClient.js";
import type { DesiredStack } from "./stack/readDesiredStack.js";
import { type LiveStack, readLiveStack } from "./stack/readLiveStack.js";
import { readStackStatus } from "./stack/readStackStatus.js";

export interface VerifyOpenStackSiteOptions {
  policy: Readonly<SloPolicy>;
  /** The rendered stack of the revision being verified. */
  desired: DesiredStack;
  client: OpenStackClient;
  /** Where the site's APIs are (evidence only). */
  authUrl: string;
  deps: { clock: () => Date; sleep: (ms: number) => Promise<void> };
  signal?: AbortSignal;
  onEvaluation?: (decision: SloDecision) => void;
}

/** One evaluation as recorded: `healthy/total` and the resources not serving, or why nothing was read. */
export interface OpenStackHealthSample {
  at: string;
  raw?: string;
  note?: string;
  /** `Kind/name: status` of each resource not in its serving state. */
  unhealthy?: string[];
  readMs: number;
}

export interface OpenStackHealthEvidence {
  source: "openstack";
  authUrl: string;
  intentId: string;
  site: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  windowSeconds: number;
  intervalSeconds: number;
  evaluations: number;
  stoppedEarly: boolean;
  targets: Array<{
    targetId: string;
    /** What was measured, in words (the OpenStack counterpart of a target's PromQL). */
    measure: string;
    comparison: string;
    threshold: number | [number, number];
    unit: string;
    forSeconds: number;
    minSamples: number;
    action: string;
    samples: OpenStackHealthSample[];
  }>;
  decision: SloDecision["overall"];
}

const NOTHING_LIVE: LiveStack = {
  networks: [],
  subnets: [],
  routers: [],
  securityGroups: [],
  ports: [],
  servers: [],
  volumes: [],
};

const MEASURE =
  "resources of the rendered stack in their serving state, read from the live APIs (% of the stack)";

/** @example const { decision } = await verifyOpenStackSite({ policy, desired, client, authUrl, deps }); */
export async function verifyOpenStackSite(
  options: VerifyOpenStackSiteOptions,
): Promise<{ decision: SloDecision; evidence: OpenStackHealthEvidence }> {
  const { policy, desired, client, deps, signal } = options;
  const scope = { site: policy.site, intentId: policy.intentId };
  // Every resource of the rendered stack is one unit of the measure (readStackStatus gives one status each).
  const total = readStackStatus(desired, NOTHING_LIVE).length;
  const intervalMs = policy.intervalSeconds * 1000;
  const samples: Record<string, SloSample[]> = {};
  const records: Record<string, OpenStackHealthSample[]> = {};
  for (const t of policy.targets) {
    samples[t.id] = [];
    records[t.id] = [];
  }
  const startedAt = deps.clock().getTime();
  // A clock that does not move must not spin forever: at most the evaluations the window and its longest
  // `for:` hold, plus slack for late wake-ups (as verifySlo does).
  const longestFor = Math.max(0, ...policy.targets.map((t) => t.forSeconds));
  const maxEvaluations = Math.ceil((policy.windowSeconds + longestFor) / policy.intervalSeconds) + 3;
  let evaluations = 0;
  let decision: SloDecision;
  for (;;) {
    signal?.throwIfAborted();
    const wait = startedAt + evaluations * intervalMs - deps.clock().getTime();
    if (wait > 0) await deps.sleep(wait);
    signal?.throwIfAborted();
    const at = deps.clock();
    const read = performance.now();
    const health = await readHealth();
    const readMs = Math.round(performance.now() - read);
    for (const t of policy.targets) {
      const { sample, record } = sampleOf(t, at, health, readMs);
      samples[t.id]!.push(sample);
      records[t.id]!.push(record);
    }
    evaluations += 1;
    decision = evaluateSlo(policy, { startedAt, samples }, deps.clock());
    options.onEvaluation?.(decision);
    if (decision.final || evaluations >= maxEvaluations) break;
  }
  const finishedAt = deps.clock();
  return {
    decision,
    evidence: {
      source: "openstack",
      authUrl: options.authUrl,
      intentId: policy.intentId,
      site: policy.site,
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt,
      windowSeconds: policy.windowSeconds,
      intervalSeconds: policy.intervalSeconds,
      evaluations,
      stoppedEarly:
        decision.overall.decision === "breach" &&
        finishedAt.getTime() - startedAt < policy.windowSeconds * 1000,
      targets: policy.targets.map((t) => ({
        targetId: t.id,
        measure: t.metric === "availability_percent" ? MEASURE : "not measurable from resource status",
        comparison: t.comparison,
        threshold: structuredClone(t.threshold),
        unit: t.unit,
        forSeconds: t.forSeconds,
        minSamples: t.minSamples,
        action: t.action,
        samples: records[t.id]!,
      })),
      decision: decision.overall,
    },
  };

  /** The stack's status now, or why it could not be read. */
  async function readHealth(): Promise<{ healthy: number; unhealthy: string[] } | { error: string }> {
    if (total === 0) return { error: "no data: the rendered stack has no resources to measure" };
    try {
      const statuses = readStackStatus(desired, await readLiveStack(client, scope));
      const bad = statuses.filter((s) => s.status !== "Current");
      return { healthy: statuses.length - bad.length, unhealthy: bad.map((s) => `${s.ref}: ${s.message}`) };
    } catch (error) {
      if (error instanceof IntentopsError) return { error: `${error.code}: ${error.message}` };
      throw error;
    }
  }

  function sampleOf(
    target: SloTarget,
    at: Date,
    health: Awaited<ReturnType<typeof readHealth>>,
    readMs: number,
  ): { sample: SloSample; record: OpenStackHealthSample } {
    const time = at.getTime();
    const iso = at.toISOString();
    if (target.metric !== "availability_percent") {
      const note = `no data: ${target.name} is not measurable from an OpenStack site's resource status`;
      return { sample: { at: time, note }, record: { at: iso, note, readMs } };
    }
    if ("error" in health) {
      return { sample: { at: time, note: health.error }, record: { at: iso, note: health.error, readMs } };
    }
    const raw = `${health.healthy}/${total}`;
    return {
      sample: { at: time, value: (health.healthy / total) * 100 },
      record: {
        at: iso,
        raw,
        ...(health.unhealthy.length ? { unhealthy: health.unhealthy } : {}),
        readMs,
      },
    };
  }
}
