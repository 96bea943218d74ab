/**
 * electLeader: leader election on a `coordination.k8s.io/v1` Lease, as client-go's leaderelection does it
 * (client-node 1.4 has no leader-election helper): every write of the Lease is conditional on the
 * resourceVersion read, so two candidates can never both succeed. A candidate takes the Lease only when
 * its holder has not renewed it for `leaseDurationSeconds`, measured on the candidate's own monotonic clock
 * from when it last saw the record change (holders' clocks are never compared). The leader renews every
 * `renewSeconds`; when it cannot renew within `renewDeadlineSeconds` it has lost the lease and must stop
 * acting (`lost` resolves) before anyone else may take it (deadline < duration).
 */
import type { KubeClient } from "../reconcile/kubeClient.js";

export interface ElectionOptions {
  kube: KubeClient;
  namespace: string;
  /** The Lease's name. */
  name: string;
  /** This candidate (unique per replica: host and pid). */
  identity: string;
  /** Default 15 s. */
  leaseDurationSeconds?: number;
  /** Default 10 s; must be below the duration. */
  renewDeadlineSeconds?: number;
  /** How often the leader renews and candidates look. Default 2 s. */
  retrySeconds?: number;
  /** Monotonic milliseconds (performance.now()). */
  now: () => number;
  /** Wall clock for the Lease's acquire/renew times. */
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

export interface Leadership {
  /** Resolves when this candidate holds the lease. */
  acquired: Promise<void>;
  /** Resolves (with why) when a held lease could not be renewed; after it, act no more. */
  lost: Promise<string>;
  /** Stops campaigning; a held lease is released (holder cleared) so another replica takes it at once. */
  stop(): Promise<void>;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}
interface Lease {
  apiVersion: "coordination.k8s.io/v1";
  kind: "Lease";
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: LeaseSpec;
}

/** MicroTime wants exactly six fractional digits. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** @example const leader = electLeader({ kube, namespace: "intentops", name: "intentops-controller", identity, now: () => performance.now(), clock: () => new Date(), sleep }); await leader.acquired; */
export function electLeader(options: ElectionOptions): Leadership {
  const { kube, namespace, name, identity, now, clock, sleep } = options;
  const duration = options.leaseDurationSeconds ?? 15;
  const deadline = options.renewDeadlineSeconds ?? 10;
  const retry = options.retrySeconds ?? 2;
  const path = `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/${name}`;
  let stopped = false;
  let held: Lease | undefined;
  let seenHolder: string | undefined;
  let observed: { version: string | undefined; at: number } | undefined;
  let onAcquired!: () => void;
  let onLost!: (why: string) => void;
  const acquired = new Promise<void>((r) => {
    onAcquired = r;
  });
  const lost = new Promise<string>((r) => {
    onLost = r;
  });

  const spec = (previous: LeaseSpec | undefined, taking: boolean): LeaseSpec => {
    const at = microTime(clock());
    return {
      holderIdentity: identity,
      leaseDurationSeconds: duration,
      acquireTime: taking ? at : (previous?.acquireTime ?? at),
      renewTime: at,
      leaseTransitions: (previous?.leaseTransitions ?? 0) + (taking && previous?.holderIdentity ? 1 : 0),
    };
  };

  /** One look: true when this candidate holds the lease after it. */
  const tryAcquireOrRenew = async (): Promise<boolean> => {
    const got = await kube.request({ method: "GET", path });
    if (got.status === 404) {
      const body: Lease = {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name, namespace },
        spec: spec(undefined, true),
      };
      const made = await kube.request({ method: "POST", path: path.slice(0, path.lastIndexOf("/")), body });
      if (made.status !== 201) return false;
      held = made.body as unknown as Lease;
      return true;
    }
    if (got.status !== 200) return false;
    const lease = got.body as unknown as Lease;
    seenHolder = lease.spec.holderIdentity;
    const mine = lease.spec.holderIdentity === identity;
    if (!mine) {
      if (!observed || observed.version !== lease.metadata.resourceVersion) {
        observed = { version: lease.metadata.resourceVersion, at: now() };
      }
      const holder = lease.spec.holderIdentity;
      const expired = now() - observed.at >= (lease.spec.leaseDurationSeconds ?? duration) * 1000;
      if (holder && !expired) return false;
    }
    const put = await kube.request({
      method: "PUT",
      path,
      body: { ...lease, spec: spec(lease.spec, !mine) },
    });
    if (put.status !== 200) return false; // 409: someone else wrote first
    held = put.body as unknown as Lease;
    if (!mine)
      options.log?.(
        `lease ${namespace}/${name}: taken by ${identity} (was ${lease.spec.holderIdentity || "free"})`,
      );
    return true;
  };

  void (async () => {
    // Campaign until the lease is ours.
    while (!stopped) {
      if (await tryAcquireOrRenew().catch(() => false)) break;
      await sleep(retry * 1000);
    }
    if (stopped) return;
    onAcquired();
    // Renew; a renewal that cannot succeed within the deadline means the lease is lost.
    let lastRenew = now();
    while (!stopped) {
      await sleep(retry * 1000);
      if (stopped) return;
      const ok = await tryAcquireOrRenew().catch(() => false);
      if (ok && held?.spec.holderIdentity === identity) lastRenew = now();
      else if (seenHolder && seenHolder !== identity) {
        onLost(`lease ${namespace}/${name} is held by ${seenHolder}`);
        return;
      } else if (now() - lastRenew >= deadline * 1000) {
        onLost(`could not renew lease ${namespace}/${name} within ${deadline} s`);
        return;
      }
    }
  })();

  return {
    acquired,
    lost,
    async stop() {
      stopped = true;
      if (!held || held.spec.holderIdentity !== identity) return;
      // Released: the next candidate need not wait out the duration.
      const released = { ...held, spec: { ...held.spec, holderIdentity: "", leaseDurationSeconds: 1 } };
      await kube.request({ method: "PUT", path, body: released }).catch(() => undefined);
      held = undefined;
    },
  };
}
