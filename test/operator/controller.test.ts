/**
 * `intentops controller` on the Go-built control plane as the management cluster (which is also the one
 * site, `mgmt`), with a real Git remote (Debian git http-backend) and Debian's Prometheus (no targets: an
 * intent with SLO targets is inconclusive there, which the default policy rolls back).
 *
 * Two replicas (built CLI processes); the leader kills itself with SIGKILL right after a run entered
 * Delivering, Reconciling or RollingBack (INTENTOPS_TEST_CRASH_AT, as in test/e2e/crash.test.ts); the other
 * replica takes the Lease and finishes the run: one delivery commit for the revision, the site holding
 * exactly the objects of the remote's head (none duplicated, none missing). Then the kubectl runbook:
 * patch the status to Failed (a stuck run stops), annotate to retry (it re-enters where it failed), delete to
 * withdraw (the delete flow through Git; the finalizer is removed after it).
 */
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRepo } from "../../pipeline/git/openRepo.js";
import { type IntentDeployment, intentDeploymentPath } from "../../pipeline/operator/intentDeployment.js";
import { read } from "../../pipeline/operator/updateStatus.js";
import { packagesAt } from "../../pipeline/reconcile/syncFromGit.js";
import { TERMINAL } from "../../pipeline/run/runTypes.js";
import { type PrometheusServer, startPrometheus } from "../../pipeline/sandbox/startPrometheus.js";
import { gitLog, listLabelled, subjectsOf } from "../e2e/helpers.js";
import { type GitHttpServer, startGitHttpServer } from "../support/gitHttpServer.js";
import {
  createResource,
  intentDeployment,
  kubectlRun,
  type Management,
  prepareSite,
  sleep,
  spawnController,
  startManagement,
} from "./helpers.js";

const NS = "intentops";
const NAME = "edge-analytics";

let m: Management;
let git: GitHttpServer;
let prom: PrometheusServer;
let work: string;
let remote: string;
let bare: string;
let sitesFile: string;
let withSlo: Record<string, unknown> & { id: string };
let withoutSlo: Record<string, unknown> & { id: string };
const replicas: Replica[] = [];

interface Replica {
  id: string;
  dir: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  log(): string;
}

beforeAll(async () => {
  m = await startManagement(NS);
  git = await startGitHttpServer();
  remote = await git.createRepo("delivery");
  bare = git.repoPath("delivery");
  prom = await startPrometheus({ targets: [] });
  work = await mkdtemp(join(tmpdir(), "intentops-controller-"));
  ({ sitesFile, withSlo, withoutSlo } = await prepareSite(m, work, prom.url));
}, 300_000);

afterAll(async () => {
  for (const r of replicas)
    if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL");
  await prom?.stop();
  await git?.close();
  await m?.stop();
  if (work) await rm(work, { recursive: true, force: true });
}, 120_000);

function startReplica(id: string, crashAt = ""): Replica {
  const dir = join(work, id);
  fs.mkdirSync(dir, { recursive: true });
  const { child, exited, log } = spawnController(m, {
    identity: id,
    namespace: NS,
    dir,
    remote,
    sitesFile,
    extra: ["--lease-duration", "4", "--renew-deadline", "3", "--retry-period", "1"],
    env: { INTENTOPS_TEST_CRASH_AT: crashAt },
  });
  const replica = { id, dir, child, exited, log };
  replicas.push(replica);
  return replica;
}

async function holder(): Promise<string | undefined> {
  const res = await m.kube.request({
    method: "GET",
    path: `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/intentops-controller`,
  });
  const spec = res.body?.["spec"] as { holderIdentity?: string } | undefined;
  return res.status === 200 ? spec?.holderIdentity : undefined;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  replica?: Replica,
  ms = 240_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}\n${replica?.log() ?? ""}`);
    await sleep(300);
  }
}

/** The resource once its run for `generation` is terminal. */
function finished(generation: number, replica?: Replica) {
  return until(
    `generation ${generation} to finish`,
    async () => {
      const r = await read(m.kube, NS, NAME);
      const run = r.status?.run;
      return run && run.revision === generation && TERMINAL.has(run.phase) ? r : undefined;
    },
    replica,
  );
}

async function patchSpec(spec: IntentDeployment["spec"]): Promise<number> {
  const res = await m.kube.request({
    method: "PATCH",
    path: intentDeploymentPath(NS, NAME),
    contentType: "application/merge-patch+json",
    body: { spec },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as unknown as IntentDeployment).metadata.generation!;
}

/** One delivery commit for the run's revision on the remote, the site holding exactly the head's objects. */
async function expectOneCommitNoDuplicates(resource: IntentDeployment, replica: Replica) {
  const run = resource.status!.run!;
  const log = await gitLog(bare);
  const delivered = log.filter(
    (c) => c.body.includes(`Intent-Digest: ${run.data.intentDigest}`) && !c.subject.startsWith("Revert"),
  );
  expect(delivered.map((c) => c.sha)).toEqual([run.data.deliveryCommit]);
  const head = run.data.revertCommit ?? run.data.deliveryCommit!;
  expect(log[0]!.sha).toBe(head);
  const repo = await openRepo({ fs, dir: join(replica.dir, "delivery.git"), init: false });
  const [pkg] = (await packagesAt(repo, head, "mgmt")).filter((p) => p.intentId === NAME);
  expect(pkg).toBeDefined();
  expect(await listLabelled(m.kubeconfig, "mgmt", pkg!.objects, NAME)).toEqual(subjectsOf(pkg!.objects));
}

interface KillCase {
  at: "Delivering" | "Reconciling" | "RollingBack";
  change: () => Promise<number>;
  final: string;
}

const CASES: KillCase[] = [
  {
    at: "Delivering",
    change: async () => (await createResource(m.kube, intentDeployment(NS, withoutSlo))).metadata.generation!,
    final: "Succeeded",
  },
  {
    at: "Reconciling",
    change: () => patchSpec({ intent: { ...withoutSlo, description: "revision 2 (kill in Reconciling)" } }),
    final: "Succeeded",
  },
  {
    // SLO targets and an empty Prometheus: inconclusive → rollback (the default policy) → RolledBack to revision 2.
    at: "RollingBack",
    change: () => patchSpec({ intent: withSlo, policy: { slo: { windowSeconds: 4 } } }),
    final: "RolledBack",
  },
];

describe("two controller replicas, the leader killed with SIGKILL mid-run", () => {
  it.each(CASES)(
    "kill in $at: the other replica takes the lease and finishes the run ($final), one commit, no duplicates",
    async ({ at, change, final }) => {
      const leader = startReplica(`a-${at}`, at);
      await until(
        "the first replica to lead",
        async () => ((await holder()) === leader.id ? true : undefined),
        leader,
      );
      const standby = startReplica(`b-${at}`);
      try {
        const generation = await change();
        const killed = await Promise.race([
          leader.exited,
          sleep(180_000).then(() => {
            throw new Error(`the leader did not reach ${at}:\n${leader.log()}`);
          }),
        ]);
        expect(killed.signal, leader.log()).toBe("SIGKILL");
        const resource = await finished(generation, standby);
        expect(await holder()).toBe(standby.id);
        expect(resource.status?.phase, JSON.stringify(resource.status?.error)).toBe(final);
        expect(resource.status?.revision).toBe(generation);
        expect(standby.log()).toContain(`resuming ${NAME}`);
        await expectOneCommitNoDuplicates(resource, standby);
        const table = await kubectlRun(m, ["get", "intentdeployments", "-n", NS]);
        expect(table.split("\n")[1]!.split(/\s+/).slice(0, 4)).toEqual([
          NAME,
          final,
          final === "Succeeded" ? "1/1" : "1/1",
          String(generation),
        ]);
      } finally {
        standby.child.kill("SIGTERM");
        const stopped = await standby.exited;
        expect(stopped.code, standby.log()).toBe(0);
      }
    },
    420_000,
  );
});

describe("the kubectl runbook", () => {
  let replica: Replica;
  beforeAll(async () => {
    // Alone (`-t runbook`), the resource the failover cases made is not there yet.
    const existing = await m.kube.request({ method: "GET", path: intentDeploymentPath(NS, NAME) });
    if (existing.status === 404) await createResource(m.kube, intentDeployment(NS, withoutSlo));
    replica = startReplica("runbook");
    await until(
      "the runbook replica to lead",
      async () => ((await holder()) === replica.id ? true : undefined),
      replica,
    );
  }, 120_000);
  afterAll(async () => {
    replica?.child.kill("SIGTERM");
    await replica?.exited;
  }, 60_000);

  it("patch /status/phase to Failed stops a stuck run (Failed, E_ABORTED); annotate intentops.io/retry re-enters it where it failed", async () => {
    // A 10-minute verification window: the run sits in Verifying (stuck, for the runbook's purpose).
    // (A new description: the rolled-back revision of the same text is quarantined, and refused.)
    const generation = await patchSpec({
      intent: { ...withSlo, description: "runbook" },
      policy: { slo: { windowSeconds: 600 } },
    });
    await until(
      "Verifying",
      async () => {
        const r = await read(m.kube, NS, NAME);
        return r.status?.run?.revision === generation && r.status.phase === "Verifying" ? true : undefined;
      },
      replica,
    );
    const verifying = await kubectlRun(m, ["get", "intentdeployments", "-n", NS, NAME, "--no-headers"]);
    expect(verifying.split(/\s+/)[1]).toBe("Verifying");
    await kubectlRun(m, [
      "patch",
      "intentdeployment",
      NAME,
      "-n",
      NS,
      "--subresource=status",
      "--type=merge",
      "-p",
      '{"status":{"phase":"Failed"}}',
    ]);
    const failed = await finished(generation, replica);
    expect(failed.status?.phase).toBe("Failed");
    expect(failed.status?.error?.code).toBe("E_ABORTED");
    expect(failed.status?.error?.failedIn).toBe("Verifying");
    expect(failed.status?.error?.message).toContain("set to Failed by hand");

    await kubectlRun(m, ["annotate", "intentdeployment", NAME, "-n", NS, "intentops.io/retry=1"]);
    const retried = await until(
      "the retry",
      async () => {
        const r = await read(m.kube, NS, NAME);
        return r.status?.retried === "1" && r.status.phase === "Verifying" ? r : undefined;
      },
      replica,
    );
    expect(retried.status?.run?.runId).toBe(failed.status?.run?.runId);
    // Stop it again, by hand.
    await kubectlRun(m, [
      "patch",
      "intentdeployment",
      NAME,
      "-n",
      NS,
      "--subresource=status",
      "--type=merge",
      "-p",
      '{"status":{"phase":"Failed"}}',
    ]);
    expect((await finished(generation, replica)).status?.phase).toBe("Failed");
  }, 300_000);

  it("kubectl delete withdraws the intent: the delete flow runs through Git, then the finalizer goes and so does the resource", async () => {
    const before = await read(m.kube, NS, NAME);
    expect(before.metadata.finalizers).toContain("intentops.io/withdraw");
    await kubectlRun(m, ["delete", "intentdeployment", NAME, "-n", NS, "--wait=false"]);
    await until(
      "the resource to be gone",
      async () => {
        const res = await m.kube.request({ method: "GET", path: intentDeploymentPath(NS, NAME) });
        return res.status === 404 ? true : undefined;
      },
      replica,
    );
    expect(replica.log()).toMatch(/edge-analytics: Deleting → Deleted/);
    const log = await gitLog(bare);
    expect(log[0]!.subject).toBe(`intent ${NAME}: delete from mgmt`);
    const labelled = await listLabelled(
      m.kubeconfig,
      "mgmt",
      [{ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" } }],
      NAME,
    );
    expect(labelled).toEqual([]);
  }, 300_000);
});
