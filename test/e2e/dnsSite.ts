/**
 * A Kubernetes site whose DNS records resolve: one Go-built control plane (edge1) with the DNSEndpoint CRD
 * bootstrapped, Debian's PowerDNS with the zone `edge.example.com.`, and the real ExternalDNS (crd source,
 * pdns provider, TXT registry owned by `intentops-edge1`) between them. Intent revisions are rendered by
 * the project's renderer and applied with the project's reconciler; answers are read with `dig`.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Site } from "../../compiler/types.js";
import { stdlibRegistry } from "../../functions/stdlib/stdlibRegistry.js";
import { DNS_ENDPOINT_CRD } from "../../pipeline/demo/dnsEndpointCrd.js";
import { type ExternalDns, startExternalDns } from "../../pipeline/dns/startExternalDns.js";
import { objectsOfPackage } from "../../pipeline/reconcile/readPackage.js";
import { reconcileSite } from "../../pipeline/reconcile/reconcileSite.js";
import { renderIntents } from "../../pipeline/render/renderIntents.js";
import {
  type Clusters,
  ensureControlPlaneBinary,
  startClusters,
} from "../../pipeline/sandbox/controlPlane.js";
import { type PowerDnsServer, startPowerDns } from "../../pipeline/sandbox/startPowerDns.js";
import { type DigAnswer, digAnswers } from "../dns/digAnswers.js";
import { openDeliveryRepo } from "../support/deliveryRepo.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const ZONE = "edge.example.com";
export const NAME = "analytics.edge.example.com";
export const INTENT_ID = "analytics-dns";

export interface DnsSite {
  work: string;
  clusters: Clusters;
  site: Site;
  pdns: PowerDnsServer;
  externalDns: ExternalDns;
  /** Renders the intent with these targets and applies its package to edge1. */
  /** Renders the intent with these A-record targets, delivers it to the local delivery repository (one commit) and applies it. */
  publish(targets: string[]): Promise<void>;
  /** `git revert` of the last delivery (the pipeline's rollback), then the package at the revert commit applied. */
  rollback(): Promise<void>;
  /** Removes the intent's objects from edge1 (the delete path: the whole inventory pruned). */
  remove(): Promise<void>;
  dig(name: string, type?: string): Promise<DigAnswer>;
  stop(): Promise<void>;
}

export async function startDnsSite(): Promise<DnsSite> {
  const work = await mkdtemp(join(tmpdir(), "intentops-dns-"));
  const stops: Array<() => Promise<unknown>> = [() => rm(work, { recursive: true, force: true })];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    await mkdir(join(work, "intents"), { recursive: true });
    await copyFile(join(ROOT, "intents", "sites.yaml"), join(work, "intents", "sites.yaml"));
    const binaries = await ensureControlPlaneBinary({ onProgress: () => undefined });
    const clusters = await startClusters(1, { names: ["edge1"], binaries, onProgress: () => undefined });
    stops.push(() => clusters.stop());
    const cluster = clusters.clusters[0]!;
    const site = {
      id: "edge1",
      kind: "kubernetes",
      kubernetes: { context: cluster.context, kubeconfig: cluster.kubeconfigPath },
    } as Site;
    const bootstrap = await reconcileSite(
      {
        site,
        packages: [{ intentId: "site-dns-crds", objects: [structuredClone(DNS_ENDPOINT_CRD)] }],
        healthTimeoutMs: 60_000,
      },
      {},
    );
    if (!bootstrap.ok) throw new Error("the DNSEndpoint CRD could not be installed on edge1");
    const pdns = await startPowerDns();
    stops.push(() => pdns.stop());
    await pdns.createZone(`${ZONE}.`);
    const externalDns = await startExternalDns({
      kubeconfig: cluster.kubeconfigPath,
      pdnsApiUrl: pdns.apiUrl,
      pdnsApiKeyFile: pdns.apiKeyFile,
      domain: ZONE,
      ownerId: "intentops-edge1",
    });
    stops.push(() => externalDns.stop());
    const template = JSON.parse(await readFile(join(ROOT, "intents", `${INTENT_ID}.json`), "utf8"));

    // Each publish is one delivery commit; rollback reverts the last one.
    const delivery = openDeliveryRepo(join(work, "delivery.git"), "edge1", INTENT_ID);
    const apply = async (objects: ReturnType<typeof objectsOfPackage>, deleted = false) => {
      const outcome = await reconcileSite(
        {
          site,
          packages: [{ intentId: INTENT_ID, objects, ...(deleted ? { deleted: true } : {}) }],
          healthTimeoutMs: 60_000,
          ...(deleted ? { waitForDeletion: true } : {}),
        },
        {},
      );
      if (!outcome.ok)
        throw new Error(
          `reconcile of ${INTENT_ID} on edge1 failed: ${JSON.stringify(outcome).slice(0, 2000)}`,
        );
    };
    return {
      work,
      clusters,
      site,
      pdns,
      externalDns,
      async publish(targets) {
        const intent = structuredClone(template);
        const params = intent.expression.expressionValue["icm:hasExpectation"][0]["icm:params"];
        params["io:recordTargets"] = targets;
        await writeFile(join(work, "intents", `${INTENT_ID}.json`), `${JSON.stringify(intent, null, 2)}\n`);
        await renderIntents({ cwd: work, registry: stdlibRegistry });
        const dir = join(work, "rendered", "edge1", INTENT_ID);
        const files: Record<string, string> = {};
        for (const name of await readdir(dir)) files[name] = await readFile(join(dir, name), "utf8");
        await delivery.deliver(await readFile(join(work, "intents", `${INTENT_ID}.json`), "utf8"), files);
        await apply(objectsOfPackage(files));
      },
      async rollback() {
        await apply(objectsOfPackage(await delivery.revertLast()));
      },
      remove: () => apply([], true),
      dig: (name, type = "A") => digAnswers(pdns.dnsPort, name, type),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
