/**
 * Pull mode against a real cluster: the agent syncs the newest commit of a local delivery repository,
 * reports its SHA (stdout and evidence), passes over a quarantined HEAD, prunes an intent whose package
 * disappeared (with prune safety), and syncs on a push notification.
 */
import * as fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import http from "isomorphic-git/http/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type Digest, digestBytes, digestJson } from "../../compiler/digest.js";
import type { KrmObject } from "../../functions/runtime/types.js";
import { memoryIo } from "../../pipeline/cli/io.js";
import { listEvidence } from "../../pipeline/evidence/listEvidence.js";
import { recordEvidence } from "../../pipeline/evidence/recordEvidence.js";
import { deliverIntent } from "../../pipeline/git/deliverIntent.js";
import type { GitDeps } from "../../pipeline/git/gitDeps.js";
import { quarantineFile } from "../../pipeline/git/quarantine.js";
import { removeIntent } from "../../pipeline/git/removeIntent.js";
import {
  createKubeClient,
  type KubeClient,
  runAgent,
  type SyncOutcome,
} from "../../pipeline/reconcile/index.js";
import { type Clusters, startClusters } from "../support/controlPlane.js";
import { cmPath, configMap, dataOf, getRaw, namespace, runVerb, siteOf } from "./helpers.js";

let clusters: Clusters;
let kube: KubeClient;
let tmp: string;
let repo: string;
const deps: GitDeps = {
  fs,
  http,
  clock: () => new Date(),
  author: { name: "intentops", email: "intentops@example.test" },
  sleep: async () => {},
};

beforeAll(async () => {
  clusters = await startClusters(1, { names: ["edge1"] });
  kube = await createKubeClient({ kubeconfig: clusters.kubeconfigPath, context: "edge1" });
  tmp = await mkdtemp(join(tmpdir(), "intentops-agent-"));
  repo = join(tmp, "delivery.git");
}, 600_000);

afterAll(async () => {
  kube?.close();
  await clusters?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
}, 120_000);

/** Delivers `objects` as rendered/edge1/<intentId>/ and returns the commit. */
async function deliver(intentId: string, version: number, objects: KrmObject[]): Promise<string> {
  const rendered = new Map<string, string>();
  const listing: Record<string, Digest> = {};
  objects.forEach((o, i) => {
    const name = `${String(i).padStart(2, "0")}-${o.kind.toLowerCase()}.yaml`;
    const text = stringify(o);
    rendered.set(`rendered/edge1/${intentId}/${name}`, text);
    listing[name] = digestBytes(text);
  });
  const intentText = JSON.stringify({ id: intentId, version });
  const outcome = await deliverIntent(
    {
      dir: repo,
      intentId,
      intentFile: { path: `intents/${intentId}.json`, content: intentText },
      rendered,
      digests: { intentDigest: digestBytes(intentText), renderedDigests: { edge1: digestJson(listing) } },
    },
    deps,
  );
  return outcome.commit!;
}

const app = (value: string) => [namespace("agent"), configMap("agent", "settings", { value })];

const agentOnce = async () => {
  const io = memoryIo(tmp, { KUBECONFIG: clusters.kubeconfigPath });
  const code = await runVerb(
    ["agent", "--site", "edge1", "--context", "edge1", "--repo", repo, "--once", "--health-timeout", "30s"],
    io,
  );
  return { code, out: io.out(), err: io.err() };
};

describe("intentops agent (pull mode)", () => {
  it("syncs the newest commit, prints its SHA and records evidence with it", async () => {
    const c1 = await deliver("agent-app", 1, app("one"));
    const run = await agentOnce();
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    expect(run.out).toContain(`synced edge1 ${c1}\n`);
    expect(dataOf(await getRaw(kube, cmPath("agent", "settings")))["value"]).toBe("one");
    const records = await listEvidence({ dir: repo, intentId: "agent-app" }, deps);
    const last = records[records.length - 1]!;
    expect(last).toMatchObject({
      action: "reconcile",
      subject: "edge1/agent-app",
      commit: c1,
      result: "success",
    });
    expect(last.details?.["syncedCommit"]).toBe(c1);
  });

  it("does not apply a quarantined HEAD: it syncs the newest ancestor that is not quarantined", async () => {
    const c2 = await deliver("agent-app", 2, app("two"));
    const c3 = await deliver("agent-app", 3, app("three"));
    await recordEvidence(
      {
        dir: repo,
        input: {
          intentId: "agent-app",
          action: "rollback",
          trigger: { kind: "cli" },
          commit: c3,
          result: "success",
        },
        extraFiles: new Map([
          quarantineFile({
            commit: c3,
            intentId: "agent-app",
            revertCommit: c3,
            reason: "test",
            timestamp: "x",
          }),
        ]),
      },
      deps,
    );
    const run = await agentOnce();
    expect(run.out).toContain(`skipped quarantined edge1 ${c3}\n`);
    expect(run.out).toContain(`synced edge1 ${c2}\n`);
    expect(dataOf(await getRaw(kube, cmPath("agent", "settings")))["value"]).toBe("two");
  });

  it("syncs on a push notification, and prunes an intent whose package disappeared only within prune safety", async () => {
    const syncs: SyncOutcome[] = [];
    const controller = new AbortController();
    let port = 0;
    let notify: (() => void) | null = null;
    const done = runAgent(
      {
        site: siteOf("edge1", clusters.kubeconfigPath),
        dir: repo,
        intervalMs: 3_600_000,
        listen: "127.0.0.1:0",
        signal: controller.signal,
        healthTimeoutMs: 30_000,
      },
      {
        git: deps,
        onListening: (a) => {
          port = a.port;
        },
        onSync: (s) => {
          syncs.push(s);
          notify?.();
        },
      },
    );
    const nextSync = () => new Promise<void>((r) => (notify = r));
    await (syncs.length > 0 ? Promise.resolve() : nextSync());
    expect(port).toBeGreaterThan(0);
    // A second intent arrives; the agent hears about it by POST /sync.
    const c4 = await deliver("agent-extra", 1, [configMap("agent", "extra", { a: "1" })]);
    const waiting = nextSync();
    const res = await fetch(`http://127.0.0.1:${port}/sync`, { method: "POST" });
    expect(res.status).toBe(202);
    await waiting;
    const second = syncs[syncs.length - 1]!;
    expect(second.commit).toBe(c4);
    expect(second.reconcile?.intents.map((i) => `${i.subject} ${i.result}`)).toEqual([
      "edge1/agent-app success",
      "edge1/agent-extra success",
    ]);
    controller.abort();
    await done;

    // The package of agent-extra disappears from the branch: pruning all of an inventory is refused.
    const gone = await deliverIntent(
      {
        dir: repo,
        intentId: "agent-extra",
        intentFile: { path: "intents/agent-extra.json", content: "{}" },
        rendered: new Map([
          ["rendered/edge2/agent-extra/cm.yaml", stringify(configMap("agent", "extra", { a: "1" }))],
        ]),
        digests: { intentDigest: digestBytes("{}"), renderedDigests: { edge2: digestBytes("x") } },
      },
      deps,
    );
    const run = await agentOnce();
    expect(run.out).toContain(`synced edge1 ${gone.commit} (with failures)`);
    expect(run.out).toContain("E_PRUNE_UNSAFE");
    expect(run.code).toBe(1);
    expect(await getRaw(kube, cmPath("agent", "extra"))).not.toBeNull();

    // Deleted through Git (its intent file is gone as well): the explicit delete path prunes it all.
    const removal = await removeIntent({ dir: repo, intentId: "agent-extra" }, deps);
    expect(removal.removed).toContain("intents/agent-extra.json");
    const deleted = await agentOnce();
    expect(deleted.out).toContain(`synced edge1 ${removal.commit}`);
    expect(deleted.out).not.toContain("E_PRUNE_UNSAFE");
    expect(deleted.code).toBe(0);
    expect(await getRaw(kube, cmPath("agent", "extra"))).toBeNull();
  });
});
