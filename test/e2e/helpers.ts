/**
 * What the closed-loop tests (and the closed-loop benchmark) share: the sandbox plus a real Git remote,
 * snapshots of an intent's live objects, and reads of the remote with the real `git` CLI.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import http from "isomorphic-git/http/node";
import type { KrmObject } from "../../functions/runtime/types.js";
import { DEMO_PROFILES } from "../../pipeline/demo/runDemo.js";
import type { VersionProfile } from "../../pipeline/demo/workloadSimulator.js";
import type { GitDeps } from "../../pipeline/git/gitDeps.js";
import { INVENTORY_LABEL, inventoryLabelValue } from "../../pipeline/reconcile/applyObject.js";
import { readInventory } from "../../pipeline/reconcile/inventory.js";
import { createKubeClient, type KubeClient } from "../../pipeline/reconcile/kubeClient.js";
import { subjectOfRef } from "../../pipeline/reconcile/objectRef.js";
import { objectPath, RestMapper } from "../../pipeline/reconcile/restMapper.js";
import { type Sandbox, startSandbox } from "../../pipeline/sandbox/startSandbox.js";
import { type GitHttpServer, gitCli, startGitHttpServer } from "../support/gitHttpServer.js";

export const SITES = ["edge1", "edge2"] as const;

/**
 * The demo's versions, and 1.6.0: as fast as 1.4.0 but 0.027 CPU s per request, so the offered load
 * (60 req/s per Deployment) needs ~1.6 cores: ~108 % of three pods' 500m limits, ~65 % of five.
 */
export const E2E_PROFILES: Record<string, VersionProfile> = {
  ...DEMO_PROFILES,
  "1.6.0": { ...DEMO_PROFILES["1.4.0"]!, cpuPerRequest: 0.027 },
};
export const INTENT = "edge-analytics";

export interface Loop {
  work: string;
  sandbox: Sandbox;
  gitServer: GitHttpServer;
  git: GitDeps;
  stop(): Promise<void>;
}

/** Sandbox (two sites, Prometheus, simulator) and a smart-HTTP Git remote; `stop` leaves nothing running. */
export async function startLoop(prefix: string): Promise<Loop> {
  const work = await mkdtemp(join(tmpdir(), `intentops-${prefix}-`));
  await mkdir(join(work, "intents"), { recursive: true });
  const gitServer = await startGitHttpServer();
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({ work, profiles: E2E_PROFILES });
  } catch (error) {
    await gitServer.close();
    await rm(work, { recursive: true, force: true });
    throw error;
  }
  const git: GitDeps = {
    fs,
    http,
    clock: () => new Date(),
    author: { name: "intentops e2e", email: "e2e@intentops.io" },
  };
  return {
    work,
    sandbox,
    gitServer,
    git,
    async stop() {
      await sandbox.stop();
      await gitServer.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

const SERVER_SET_ANNOTATIONS = ["deployment.kubernetes.io/revision"];
/** Fields the API server allocates once per object (kept across applies, not part of what was applied). */
const SERVER_SET_SPEC = ["clusterIP", "clusterIPs"];

/** An object as applied: labels, annotations and every top-level field but metadata and status. */
function asApplied(live: Record<string, unknown>): Record<string, unknown> {
  const {
    metadata,
    status: _status,
    ...rest
  } = live as { metadata: Record<string, unknown> } & Record<string, unknown>;
  const annotations = { ...((metadata["annotations"] ?? {}) as Record<string, string>) };
  for (const key of SERVER_SET_ANNOTATIONS) delete annotations[key];
  const spec = rest["spec"];
  if (spec && typeof spec === "object" && !Array.isArray(spec)) {
    const copy = { ...(spec as Record<string, unknown>) };
    for (const key of SERVER_SET_SPEC) delete copy[key];
    rest["spec"] = copy;
  }
  return { ...rest, metadata: { labels: metadata["labels"] ?? {}, annotations } };
}

/**
 * `spec.replicas` of a workload an HPA scales belongs to the HPA (the package leaves it unset): the HPA
 * raises it to its minimum, and keeps a scale-up through its 5-minute down-scale stabilisation, so it is
 * not part of what a rollback restores.
 */
function withoutAutoscaledReplicas(snapshot: Record<string, unknown>): void {
  for (const [ref, object] of Object.entries(snapshot)) {
    if (!ref.startsWith("HorizontalPodAutoscaler/")) continue;
    const target = (object as { spec?: { scaleTargetRef?: { kind?: string; name?: string } } }).spec
      ?.scaleTargetRef;
    const namespace = ref.split("/")[1];
    const scaled = target
      ? (snapshot[`${target.kind}/${namespace}/${target.name}`] as { spec?: Record<string, unknown> })
      : undefined;
    if (scaled?.spec) delete scaled.spec["replicas"];
  }
}

async function withKube<T>(kubeconfig: string, site: string, fn: (kube: KubeClient) => Promise<T>) {
  const kube = await createKubeClient({ kubeconfig, context: site });
  try {
    return await fn(kube);
  } finally {
    kube.close();
  }
}

/** `Kind/namespace/name` → the object as applied, for every object in the intent's inventory on `site`. */
export async function snapshotIntent(
  kubeconfig: string,
  site: string,
  intentId: string = INTENT,
): Promise<Record<string, unknown>> {
  return withKube(kubeconfig, site, async (kube) => {
    const inventory = await readInventory(kube, intentId);
    if (!inventory) throw new Error(`${site}/${intentId}: no inventory`);
    const mapper = new RestMapper(kube);
    const out: Record<string, unknown> = {};
    for (const entry of inventory.objects) {
      const apiVersion = entry.group ? `${entry.group}/${entry.version}` : entry.version;
      const mapping = await mapper.mapping(apiVersion, entry.kind);
      if (!mapping) throw new Error(`${site}: ${apiVersion} ${entry.kind} is not served`);
      const res = await kube.request({
        method: "GET",
        path: objectPath(mapping, entry.namespace, entry.name),
      });
      out[subjectOfRef(entry)] =
        res.status === 200 && res.body ? asApplied(res.body) : { missing: res.status };
    }
    withoutAutoscaledReplicas(out);
    return out;
  });
}

/**
 * Every live object carrying the intent's inventory label, per kind of `expected` — listed by label across
 * all namespaces, so an extra copy anywhere would show. Sorted `Kind/namespace/name`.
 */
export async function listLabelled(
  kubeconfig: string,
  site: string,
  expected: readonly KrmObject[],
  intentId: string = INTENT,
): Promise<string[]> {
  return withKube(kubeconfig, site, async (kube) => {
    const mapper = new RestMapper(kube);
    const selector = `${INVENTORY_LABEL}=${inventoryLabelValue(`${site}/${intentId}`)}`;
    const kinds = new Map(expected.map((o) => [`${o.apiVersion} ${o.kind}`, o]));
    const found: string[] = [];
    for (const object of kinds.values()) {
      const mapping = await mapper.mapping(object.apiVersion, object.kind);
      if (!mapping) throw new Error(`${site}: ${object.apiVersion} ${object.kind} is not served`);
      // `<base>/<resource>` lists every namespace (and is the whole collection of a cluster-scoped kind).
      const path = `${mapping.base}/${mapping.resource}?labelSelector=${encodeURIComponent(selector)}`;
      const res = await kube.request({ method: "GET", path });
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
      for (const item of (res.body?.["items"] ?? []) as Array<{
        metadata: { name: string; namespace?: string };
      }>) {
        const ns = item.metadata.namespace;
        found.push(
          ns ? `${object.kind}/${ns}/${item.metadata.name}` : `${object.kind}/${item.metadata.name}`,
        );
      }
    }
    return found.sort();
  });
}

/** The expected `Kind/namespace/name` list of a package's objects. */
export function subjectsOf(objects: readonly KrmObject[]): string[] {
  return objects
    .map((o) =>
      o.metadata.namespace
        ? `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`
        : `${o.kind}/${o.metadata.name}`,
    )
    .sort();
}

/** Commits on `ref` of a bare repository, newest first, read with the real `git` CLI. */
export async function gitLog(
  bare: string,
  ref = "main",
): Promise<Array<{ sha: string; subject: string; body: string }>> {
  const text = await gitCli(["log", "--format=%H%x1f%s%x1f%b%x1e", ref], bare);
  return text
    .split("\x1e")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [sha = "", subject = "", body = ""] = entry.split("\x1f");
      return { sha, subject, body };
    });
}

const exec = promisify(execFile);

/**
 * Another field manager ("rogue") takes the `intentops.io/intent-digest` annotation of the intent's ConfigMap
 * on edge2 with `kubectl apply --server-side --force-conflicts` (or, with `null`, lets go of it). Our next
 * apply of a different value then meets a real field conflict, as it would beside another controller.
 */
export async function rogueApply(loop: Loop, kubectl: string, value: string | null): Promise<void> {
  const manifest = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: "analytics-config",
      namespace: "edge-analytics",
      ...(value === null ? {} : { annotations: { "intentops.io/intent-digest": value } }),
    },
  };
  const file = join(loop.work, "rogue.json");
  await writeFile(file, JSON.stringify(manifest));
  await exec(kubectl, [
    "--kubeconfig",
    loop.sandbox.kubeconfigPath,
    "--context",
    "edge2",
    "apply",
    "--server-side",
    "--force-conflicts",
    "--field-manager=rogue",
    "-f",
    file,
  ]);
}

/** The live value of that annotation on edge2. */
export async function liveDigestAnnotation(loop: Loop, kubectl: string): Promise<string> {
  const { stdout } = await exec(kubectl, [
    "--kubeconfig",
    loop.sandbox.kubeconfigPath,
    "--context",
    "edge2",
    "-n",
    "edge-analytics",
    "get",
    "configmap",
    "analytics-config",
    "-o",
    "jsonpath={.metadata.annotations.intentops\\.io/intent-digest}",
  ]);
  return stdout.trim();
}
