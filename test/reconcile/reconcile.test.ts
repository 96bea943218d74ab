/**
 * The reconciler against two real clusters (test/support/controlPlane.ts): apply, update, prune, CRD + CR
 * in one package, drift, conflicts, prune safety, failure isolation, health failure, depends-on cycles.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KrmObject } from "../../functions/runtime/types.js";
import { stdlibRegistry } from "../../functions/stdlib/stdlibRegistry.js";
import { memoryIo } from "../../pipeline/cli/io.js";
import {
  createKubeClient,
  diffPackage,
  type IntentOutcome,
  type KubeClient,
  packagesInWork,
  readInventory,
  reconcileSite,
} from "../../pipeline/reconcile/index.js";
import { renderIntents } from "../../pipeline/render/renderIntents.js";
import { type Clusters, startClusters } from "../support/controlPlane.js";
import {
  cmPath,
  configMap,
  dataOf,
  deployment,
  getRaw,
  metaOf,
  namespace,
  runVerb,
  siteOf,
} from "./helpers.js";

const repoRoot = resolve(import.meta.dirname, "..", "..");
let clusters: Clusters;
let kube1: KubeClient;
let kube2: KubeClient;
let work: string;

beforeAll(async () => {
  clusters = await startClusters(2, { names: ["edge1", "edge2"] });
  kube1 = await createKubeClient({ kubeconfig: clusters.kubeconfigPath, context: "edge1" });
  kube2 = await createKubeClient({ kubeconfig: clusters.kubeconfigPath, context: "edge2" });
  work = await mkdtemp(join(tmpdir(), "intentops-reconcile-"));
  // Rendered in-process (the same code `intentops render` runs), so the test does not need a build.
  await renderIntents({
    cwd: repoRoot,
    intents: "intents",
    out: join(work, "rendered"),
    registry: stdlibRegistry,
  });
}, 600_000);

afterAll(async () => {
  kube1?.close();
  kube2?.close();
  await clusters?.stop();
  if (work) await rm(work, { recursive: true, force: true });
}, 120_000);

const one = async (
  kubeconfigSite: "edge1" | "edge2",
  intentId: string,
  objects: KrmObject[],
  extra: Partial<Parameters<typeof reconcileSite>[0]> = {},
): Promise<IntentOutcome> => {
  const outcome = await reconcileSite({
    site: siteOf(kubeconfigSite, clusters.kubeconfigPath),
    packages: [{ intentId, objects }],
    healthTimeoutMs: 20_000,
    healthIntervalMs: 250,
    ...extra,
  });
  return outcome.intents[0]!;
};
const actions = (o: IntentOutcome) => Object.fromEntries(o.changeSet.map((e) => [e.ref, e.action]));

describe("a rendered package with a CRD and its custom resource (edge1/embb-slice-edge1)", () => {
  it("is created in stage order, becomes healthy, is recorded in the inventory, and re-applies as a no-op", async () => {
    const [pkg] = await packagesInWork(work, "edge1", "embb-slice-edge1");
    const first = await one("edge1", "embb-slice-edge1", pkg!.objects);
    expect(first.error).toBeUndefined();
    expect(first.result).toBe("success");
    expect(first.changeSet.map((e) => `${e.ref} ${e.action}`)).toEqual([
      "CustomResourceDefinition/networkslices.slices.intentops.io created",
      "Namespace/embb-slice-edge1 created",
      "ConfigMap/embb-slice-edge1/embb-ran-ran-config created",
      "NetworkSlice/embb-slice-edge1/embb-ran-ran created",
    ]);
    expect(first.health?.result).toBe("healthy");
    const slice = await getRaw(
      kube1,
      "/apis/slices.intentops.io/v1alpha1/namespaces/embb-slice-edge1/networkslices/embb-ran-ran",
    );
    expect(metaOf(slice).annotations?.["intentops.io/applied-digest"]).toBe(first.changeSet[3]!.digest);
    const inventory = await readInventory(kube1, "embb-slice-edge1");
    expect(inventory?.objects.map((o) => `${o.kind}/${o.name}`).sort()).toEqual([
      "ConfigMap/embb-ran-ran-config",
      "CustomResourceDefinition/networkslices.slices.intentops.io",
      "Namespace/embb-slice-edge1",
      "NetworkSlice/embb-ran-ran",
    ]);

    const before = await getRaw(kube1, cmPath("embb-slice-edge1", "embb-ran-ran-config"));
    const again = await one("edge1", "embb-slice-edge1", pkg!.objects);
    expect(again.result).toBe("noop");
    expect(new Set(again.changeSet.map((e) => e.action))).toEqual(new Set(["unchanged"]));
    const after = await getRaw(kube1, cmPath("embb-slice-edge1", "embb-ran-ran-config"));
    expect(metaOf(after).resourceVersion).toBe(metaOf(before).resourceVersion);
  });

  it("drift made by another field manager is shown by diff and corrected by reconcile", async () => {
    const patched = await kube1.request({
      method: "PATCH",
      path: `${cmPath("embb-slice-edge1", "embb-ran-ran-config")}?fieldManager=kubectl-edit`,
      body: { data: { fiveQI: "9" } },
      contentType: "application/merge-patch+json",
    });
    expect(patched.status).toBe(200);
    const [pkg] = await packagesInWork(work, "edge1", "embb-slice-edge1");
    const diffs = await diffPackage(
      { site: "edge1", intentId: "embb-slice-edge1", objects: pkg!.objects },
      { kube: kube1 },
    );
    const cm = diffs.find((d) => d.ref === "ConfigMap/embb-slice-edge1/embb-ran-ran-config")!;
    expect(cm.action).toBe("configured");
    expect(cm.diff).toContain('-  fiveQI: "9"');
    expect(cm.diff).toContain('+  fiveQI: "80"');
    expect(diffs.filter((d) => d.ref !== cm.ref).every((d) => d.action === "unchanged")).toBe(true);

    const io = memoryIo(work, { KUBECONFIG: clusters.kubeconfigPath });
    const code = await runVerb(
      ["diff", "--site", "edge1", "--context", "edge1", "embb-slice-edge1", "--work", work],
      io,
    );
    expect(code).toBe(1);
    expect(io.out()).toContain(
      "edge1/embb-slice-edge1 ConfigMap/embb-slice-edge1/embb-ran-ran-config configured",
    );

    const fixed = await one("edge1", "embb-slice-edge1", pkg!.objects);
    expect(actions(fixed)["ConfigMap/embb-slice-edge1/embb-ran-ran-config"]).toBe("configured");
    const live = await getRaw(kube1, cmPath("embb-slice-edge1", "embb-ran-ran-config"));
    expect(dataOf(live)["fiveQI"]).toBe("80");
  });
});

describe("update, prune and prune safety (edge2)", () => {
  const ns = "upd";
  const pkg = (n: number, value = "1") => [
    namespace(ns),
    ...Array.from({ length: n }, (_, i) => configMap(ns, `cm-${i}`, { value })),
  ];

  it("updates only the changed objects and prunes those that left the package", async () => {
    expect((await one("edge2", "upd", pkg(4))).result).toBe("success");
    const changed = pkg(4);
    (changed[2] as unknown as { data: Record<string, string> }).data["value"] = "2";
    const update = await one("edge2", "upd", changed);
    expect(actions(update)).toMatchObject({
      "ConfigMap/upd/cm-1": "configured",
      "ConfigMap/upd/cm-0": "unchanged",
    });
    const pruned = await one("edge2", "upd", pkg(3));
    expect(actions(pruned)["ConfigMap/upd/cm-3"]).toBe("deleted");
    expect(await getRaw(kube2, cmPath(ns, "cm-3"))).toBeNull();
    expect((await readInventory(kube2, "upd"))?.objects).toHaveLength(4);
  });

  it("refuses to prune more than half, or all, of an inventory (E_PRUNE_UNSAFE, nothing deleted) unless forced", async () => {
    const refused = await one("edge2", "upd", pkg(0));
    expect(refused.result).toBe("rejected");
    expect(refused.error?.code).toBe("E_PRUNE_UNSAFE");
    expect(refused.changeSet).toEqual([]);
    const all = await one("edge2", "upd", []);
    expect(all.error?.code).toBe("E_PRUNE_UNSAFE");
    expect(await getRaw(kube2, cmPath(ns, "cm-0"))).not.toBeNull();

    const forced = await one("edge2", "upd", [], { forcePrune: true });
    expect(forced.result).toBe("success");
    expect(forced.changeSet.map((e) => `${e.ref} ${e.action}`)).toEqual([
      "ConfigMap/upd/cm-0 deleted",
      "ConfigMap/upd/cm-1 deleted",
      "ConfigMap/upd/cm-2 deleted",
      "Namespace/upd deleted",
    ]);
    expect(await readInventory(kube2, "upd")).toBeNull();
  });
});

describe("conflicts, invalid objects and dependencies (edge2)", () => {
  it("reports a field-ownership conflict per object without force, and takes the field with forceConflicts", async () => {
    const objects = [
      namespace("cfl"),
      configMap("cfl", "shared", { owner: "intentops" }),
      configMap("cfl", "free", { a: "1" }),
    ];
    expect((await one("edge2", "cfl", objects)).result).toBe("success");
    const other = await kube2.request({
      method: "PATCH",
      path: `${cmPath("cfl", "shared")}?fieldManager=other-team&force=true`,
      body: {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "shared", namespace: "cfl" },
        data: { owner: "other" },
      },
      contentType: "application/apply-patch+yaml",
    });
    expect(other.status).toBe(200);
    const conflict = await one("edge2", "cfl", objects);
    expect(conflict.result).toBe("conflict");
    const entry = conflict.changeSet.find((e) => e.ref === "ConfigMap/cfl/shared")!;
    expect(entry.action).toBe("conflict");
    expect(entry.error?.code).toBe("E_APPLY_CONFLICT");
    expect(entry.error?.message).toContain("other-team");
    expect(actions(conflict)["ConfigMap/cfl/free"]).toBe("unchanged");

    const forced = await reconcileSite({
      site: siteOf("edge2", clusters.kubeconfigPath, { forceConflicts: true }),
      packages: [{ intentId: "cfl", objects }],
      healthTimeoutMs: 0,
    });
    expect(actions(forced.intents[0]!)["ConfigMap/cfl/shared"]).toBe("configured");
    expect(dataOf(await getRaw(kube2, cmPath("cfl", "shared")))["owner"]).toBe("intentops");
  });

  it("an object the API server rejects (422) fails alone; its dependents are skipped with a reason", async () => {
    const bad: KrmObject = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "bad", namespace: "iso" },
      spec: { ports: [{ port: 70000 }] },
    };
    const objects = [
      namespace("iso"),
      bad,
      configMap(
        "iso",
        "needs-bad",
        { a: "1" },
        { "config.kubernetes.io/depends-on": "/namespaces/iso/Service/bad" },
      ),
      configMap("iso", "independent", { a: "1" }),
    ];
    const outcome = await one("edge2", "iso", objects);
    expect(outcome.result).toBe("failure");
    const byRef = Object.fromEntries(outcome.changeSet.map((e) => [e.ref, e]));
    expect(byRef["Service/iso/bad"]!.action).toBe("failed");
    expect(byRef["Service/iso/bad"]!.error).toMatchObject({ code: "E_INVALID_OBJECT", status: 422 });
    expect(byRef["ConfigMap/iso/needs-bad"]!.action).toBe("skipped");
    expect(byRef["ConfigMap/iso/needs-bad"]!.error?.message).toContain("Service/iso/bad");
    expect(byRef["ConfigMap/iso/independent"]!.action).toBe("created");
  });

  it("a depends-on cycle refuses the package before anything is written", async () => {
    const objects = [
      configMap(
        "default",
        "cyc-a",
        {},
        { "config.kubernetes.io/depends-on": "/namespaces/default/ConfigMap/cyc-b" },
      ),
      configMap(
        "default",
        "cyc-b",
        {},
        { "config.kubernetes.io/depends-on": "/namespaces/default/ConfigMap/cyc-a" },
      ),
    ];
    const outcome = await one("edge2", "cyc", objects);
    expect(outcome.error?.code).toBe("E_DEPENDENCY_CYCLE");
    expect(outcome.error?.message).toContain(
      "ConfigMap/default/cyc-a → ConfigMap/default/cyc-b → ConfigMap/default/cyc-a",
    );
    expect(await getRaw(kube2, cmPath("default", "cyc-a"))).toBeNull();
  });
});

describe("health (edge2)", () => {
  it("a Deployment whose pods run becomes Current; one whose pods cannot be scheduled fails health at the timeout", async () => {
    const good = await one("edge2", "web-ok", [namespace("web"), deployment("web", "ok")], {
      healthTimeoutMs: 60_000,
    });
    expect(good.health?.result).toBe("healthy");
    expect(good.result).toBe("success");
    expect(good.health?.timeline.some((e) => e.ref === "Deployment/web/ok" && e.status === "Current")).toBe(
      true,
    );

    const stuck = await one(
      "edge2",
      "web-stuck",
      [deployment("web", "stuck", { nodeSelector: { "intentops.io/no-such-node": "true" } })],
      { healthTimeoutMs: 8_000 },
    );
    expect(stuck.result).toBe("failure");
    expect(stuck.error?.code).toBe("E_HEALTH");
    expect(stuck.health?.result).toBe("timeout");
    expect(stuck.health?.objects).toEqual([
      expect.objectContaining({ ref: "Deployment/web/stuck", status: "InProgress" }),
    ]);
  });
});

describe("prune while another writer changes the objects (edge2)", () => {
  const ns = "churn";
  const pkg = (n: number) => [
    namespace(ns),
    ...Array.from({ length: n }, (_, i) => configMap(ns, `cm-${i}`, { value: "1" })),
  ];

  /**
   * The real client of edge2, with another writer's change slipped in between our read and our delete of
   * each ConfigMap (`changes` times per object): the API server answers the delete's preconditions with a
   * real 409, as it does for a Deployment whose status a controller is updating.
   */
  function interleaved(change: (name: string, n: number) => Record<string, unknown>, changes: number) {
    const made = new Map<string, number>();
    const deleteStatuses: number[] = [];
    const kube: KubeClient = {
      server: kube2.server,
      close: () => undefined,
      async request(req) {
        const name = /\/configmaps\/([^/?]+)$/.exec(req.path)?.[1];
        if (req.method === "DELETE" && name && (made.get(name) ?? 0) < changes) {
          const n = (made.get(name) ?? 0) + 1;
          made.set(name, n);
          const patched = await kube2.request({
            method: "PATCH",
            path: `${req.path}?fieldManager=other-controller`,
            contentType: "application/merge-patch+json",
            body: { metadata: change(name, n) },
          });
          expect(patched.status).toBe(200);
        }
        const res = await kube2.request(req);
        if (req.method === "DELETE" && name) deleteStatuses.push(res.status);
        return res;
      },
    };
    return { kube, deleteStatuses };
  }

  it("a 409 on the delete's preconditions is read again and the object pruned, not failed", async () => {
    expect((await one("edge2", "churn", pkg(3))).result).toBe("success");
    const { kube, deleteStatuses } = interleaved((_, n) => ({ labels: { churn: String(n) } }), 3);
    const outcome = await reconcileSite(
      { site: siteOf("edge2", clusters.kubeconfigPath), packages: [{ intentId: "churn", objects: pkg(2) }] },
      { kube },
    );
    expect(outcome.intents[0]!.error).toBeUndefined();
    expect(actions(outcome.intents[0]!)["ConfigMap/churn/cm-2"]).toBe("deleted");
    expect(deleteStatuses).toEqual([409, 409, 409, 200]);
    expect(await getRaw(kube2, cmPath(ns, "cm-2"))).toBeNull();
  });

  it("an object adopted by another inventory between the read and the delete is left alone", async () => {
    const { kube, deleteStatuses } = interleaved(
      () => ({ annotations: { "intentops.io/inventory": "edge2/someone-else" } }),
      1,
    );
    const outcome = await reconcileSite(
      { site: siteOf("edge2", clusters.kubeconfigPath), packages: [{ intentId: "churn", objects: pkg(1) }] },
      { kube },
    );
    const cm1 = outcome.intents[0]!.changeSet.find((e) => e.ref === "ConfigMap/churn/cm-1");
    expect(cm1).toMatchObject({ action: "skipped", error: { code: "E_NOT_OURS" } });
    expect(deleteStatuses).toEqual([409]);
    expect(metaOf(await getRaw(kube2, cmPath(ns, "cm-1"))).annotations?.["intentops.io/inventory"]).toBe(
      "edge2/someone-else",
    );
  });
});
