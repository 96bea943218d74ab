/**
 * The Kubernetes run store on the Go-built control plane as the management cluster: the CRD's schema
 * refuses bad resources, a run's every transition lands in its IntentDeployment's status (kubectl shows the
 * phases), a status write that meets a concurrent write (409) re-reads and is applied again without losing
 * either, and a new runner resumes an unfinished run from the status alone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IntentopsError } from "../../compiler/errors.js";
import { readCrd } from "../../pipeline/operator/applyCrd.js";
import { type IntentDeployment, intentDeploymentPath } from "../../pipeline/operator/intentDeployment.js";
import { kubeRunStore } from "../../pipeline/operator/kubeRunStore.js";
import { read, updateStatus } from "../../pipeline/operator/updateStatus.js";
import type { RunSteps } from "../../pipeline/run/advanceRun.js";
import { createRunner } from "../../pipeline/run/createRunner.js";
import { PHASES, type RunState } from "../../pipeline/run/runTypes.js";
import {
  createResource,
  intentDeployment,
  kubectlRun,
  type Management,
  sleep,
  startManagement,
} from "./helpers.js";

const NS = "intentops";
let m: Management;

beforeAll(async () => {
  m = await startManagement(NS);
}, 300_000);
afterAll(async () => {
  await m?.stop();
}, 60_000);

const intent = (id: string) => ({
  "@type": "Intent",
  id,
  name: id,
  expression: { "@type": "JsonLdExpression" },
});

/** Steps that succeed at once; `gate` (when given) holds Reconciling until it resolves. */
function steps(gate?: Promise<void>): RunSteps {
  return {
    compile: async () => ({ intentDigest: "sha256:i", sites: ["edge1", "edge2"] }),
    render: async () => ({ renderedDigests: { edge1: "sha256:a", edge2: "sha256:b" } }),
    deliver: async () => ({ deliveryCommit: "c0ffee", deliveryHead: "c0ffee", deliveryCommitted: true }),
    reconcile: async () => {
      await gate;
      return {
        reconciled: {
          edge1: { commit: "c0ffee", healthy: true },
          edge2: { commit: "c0ffee", healthy: true },
        },
      };
    },
    verify: async () => ({ verdict: { decision: "pass", action: "none", reasons: ["p95 42 ms < 100 ms"] } }),
    rollback: async () => ({ outcome: "RolledBack" }),
    compensate: async () => ({ outcome: "Failed" }),
    delete: async () => ({}),
  };
}

const base = { clock: () => new Date(), sleep: async () => undefined };

describe("the IntentDeployment CRD", () => {
  it("lists every phase of the phase machine in its status schema", async () => {
    const crd = (await readCrd()) as unknown as {
      spec: {
        versions: Array<{
          schema: {
            openAPIV3Schema: { properties: { status: { properties: { phase: { enum: string[] } } } } };
          };
        }>;
      };
    };
    expect(
      crd.spec.versions[0]!.schema.openAPIV3Schema.properties.status.properties.phase.enum.sort(),
    ).toEqual([...PHASES].sort());
  });

  it("refuses a resource whose name is not its intent's id, or without an intent, with the reason (422)", async () => {
    const wrong = intentDeployment(NS, intent("a-intent"));
    wrong.metadata.name = "b-intent";
    const res = await m.kube.request({ method: "POST", path: intentDeploymentPath(NS), body: wrong });
    expect(res.status).toBe(422);
    expect(String(res.body?.["message"])).toContain("metadata.name must equal spec.intent.id");
    const empty = { ...intentDeployment(NS, intent("c-intent")), spec: {} };
    const res2 = await m.kube.request({ method: "POST", path: intentDeploymentPath(NS), body: empty });
    expect(res2.status).toBe(422);
    expect(String(res2.body?.["message"])).toContain("spec.intent: Required value");
    const list = await m.kube.request({ method: "GET", path: intentDeploymentPath(NS) });
    expect(list.body?.["items"]).toEqual([]);
  });
});

describe("the Kubernetes run store", () => {
  it("GIVEN a run WHEN it goes through the phases THEN its IntentDeployment's status holds its state, and kubectl prints the phase", async () => {
    await createResource(m.kube, intentDeployment(NS, intent("store-ok")));
    const store = kubeRunStore({ kube: m.kube, namespace: NS, clock: () => new Date() });
    await store.load();
    const runner = await createRunner({ ...base, store, steps: steps() });
    const seen: string[] = [];
    const run = await runner.submit({
      intentId: "store-ok",
      source: { file: "x.json", digest: "sha256:s" },
      revision: 1,
    });
    const final = await runner.wait(run.runId);
    await runner.close();
    expect(final.phase).toBe("Succeeded");
    const resource = await read(m.kube, NS, "store-ok");
    const status = resource.status!;
    expect(status.phase).toBe("Succeeded");
    expect(status.runId).toBe(run.runId);
    expect(status.observedGeneration).toBe(1);
    expect(status.sitesReady).toBe("2/2");
    expect(status.sites).toEqual([
      { name: "edge1", sync: "Synced", health: "Healthy", commit: "c0ffee" },
      { name: "edge2", sync: "Synced", health: "Healthy", commit: "c0ffee" },
    ]);
    expect(status.slo).toEqual({ decision: "pass", action: "none", reasons: ["p95 42 ms < 100 ms"] });
    expect(status.deliveryCommit).toBe("c0ffee");
    const ready = status.conditions!.find((c) => c.type === "Ready")!;
    expect([ready.status, ready.reason, ready.observedGeneration]).toEqual(["True", "Succeeded", 1]);
    expect(status.conditions!.find((c) => c.type === "Reconciling")!.status).toBe("False");
    expect(status.run?.phase).toBe("Succeeded");
    seen.push(await kubectlRun(m, ["get", "intentdeployments", "-n", NS, "store-ok"]));
    const [header, row] = seen[0]!.trim().split("\n");
    expect(header!.split(/\s+/)).toEqual(["NAME", "PHASE", "SITES", "REVISION", "SLO", "AGE"]);
    expect(row!.split(/\s+/).slice(0, 5)).toEqual(["store-ok", "Succeeded", "2/2", "1", "pass"]);
  });

  it("GIVEN another writer changed the status WHEN the store writes THEN the 409 is re-read and applied again, both writes kept", async () => {
    await createResource(m.kube, intentDeployment(NS, intent("store-conflict")));
    const store = kubeRunStore({ kube: m.kube, namespace: NS, clock: () => new Date() });
    await store.load();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const runner = await createRunner({ ...base, store, steps: steps(gate) });
    const run = await runner.submit({
      intentId: "store-conflict",
      source: { file: "x.json", digest: "sha256:s" },
    });
    // Wait until the run is held in Reconciling (its status says so), then write the status from outside.
    let resource: IntentDeployment;
    for (;;) {
      resource = await read(m.kube, NS, "store-conflict");
      if (resource.status?.phase === "Reconciling") break;
      await sleep(50);
    }
    const outside = await updateStatus({
      kube: m.kube,
      namespace: NS,
      name: "store-conflict",
      known: resource,
      change: (r) => ({ ...r.status, retried: "by-someone-else" }),
    });
    expect(outside.metadata.resourceVersion).not.toBe(resource.metadata.resourceVersion);
    release();
    const final = await runner.wait(run.runId);
    await runner.close();
    expect(final.phase).toBe("Succeeded");
    expect(store.conflicts()).toBeGreaterThanOrEqual(1);
    const after = await read(m.kube, NS, "store-conflict");
    expect(after.status?.phase).toBe("Succeeded"); // the store's write landed …
    expect(after.status?.retried).toBe("by-someone-else"); // … and so did the other one
    expect(after.status?.run?.data.reconciled?.["edge1"]?.healthy).toBe(true);
  });

  it("GIVEN a writer whose every attempt conflicts WHEN it runs out of attempts THEN it fails with E_CONFLICT and writes nothing", async () => {
    await createResource(m.kube, intentDeployment(NS, intent("store-stale")));
    const stale = await read(m.kube, NS, "store-stale");
    const current = await updateStatus({
      kube: m.kube,
      namespace: NS,
      name: "store-stale",
      known: stale,
      change: (r) => ({ ...r.status, retried: "first" }),
    });
    const conflicts: string[] = [];
    const error = await updateStatus({
      kube: m.kube,
      namespace: NS,
      name: "store-stale",
      known: stale, // the version before "first": the precondition fails
      maxAttempts: 1,
      change: () => ({ retried: "blind" }),
      onConflict: (r) => conflicts.push(r.metadata.resourceVersion!),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntentopsError);
    expect((error as IntentopsError).code).toBe("E_CONFLICT");
    expect(conflicts).toEqual([stale.metadata.resourceVersion]);
    const after = await read(m.kube, NS, "store-stale");
    expect(after.metadata.resourceVersion).toBe(current.metadata.resourceVersion);
    expect(after.status?.retried).toBe("first");
  });

  it("GIVEN an unfinished run in a status WHEN a new runner starts on the store THEN it resumes the run to its end", async () => {
    await createResource(m.kube, intentDeployment(NS, intent("store-resume")));
    const first = kubeRunStore({ kube: m.kube, namespace: NS, clock: () => new Date() });
    await first.load();
    const never = new Promise<void>(() => undefined);
    const runner1 = await createRunner({ ...base, store: first, steps: steps(never) });
    const run = await runner1.submit({
      intentId: "store-resume",
      source: { file: "x.json", digest: "sha256:s" },
    });
    for (;;) {
      if ((await read(m.kube, NS, "store-resume")).status?.phase === "Reconciling") break;
      await sleep(50);
    }
    // runner1 is abandoned here as a dead process would be (its step never returns).
    const second = kubeRunStore({ kube: m.kube, namespace: NS, clock: () => new Date() });
    const loaded: RunState[] = await second.load();
    expect(loaded.find((r) => r.runId === run.runId)?.phase).toBe("Reconciling");
    const runner2 = await createRunner({ ...base, store: second, steps: steps() });
    const resumed = await runner2.resume();
    expect(resumed.map((r) => r.runId)).toContain(run.runId);
    const final = await runner2.wait(run.runId);
    await runner2.close();
    expect(final.phase).toBe("Succeeded");
    expect((await read(m.kube, NS, "store-resume")).status?.phase).toBe("Succeeded");
  });
});
