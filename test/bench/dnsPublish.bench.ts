/**
 * Benchmark: publish → resolvable. Ten revisions of the `analytics-dns` intent (a new A target each), each
 * timed from the start of its render + apply on the Kubernetes site until `dig` against PowerDNS answers
 * the new address (ExternalDNS in between, syncing on watch events, at most every 1 s). Next to it two
 * peers: ExternalDNS alone (a hand-written DNSEndpoint replaced through the Kubernetes API, no render or
 * reconcile) and the floor (the same change written straight into PowerDNS through its HTTP API, as curl
 * would). Each timed until `dig` answers; median, min and max of 10 are printed.
 *
 * Run:  heavy npx vitest bench --run test/bench/dnsPublish.bench.ts
 */
import { performance } from "node:perf_hooks";
import { CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, bench, describe } from "vitest";
import { type DnsSite, NAME, startDnsSite, ZONE } from "../e2e/dnsSite.js";

let s: DnsSite;
const ours: number[] = [];
const alone: number[] = [];
const peer: number[] = [];

async function until(name: string, address: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const got = await s.dig(name);
    if (got.answers.length === 1 && got.answers[0] === address) return;
    if (Date.now() > deadline) throw new Error(`${name} never answered ${address}: ${JSON.stringify(got)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return `median ${median.toFixed(0)} ms, min ${sorted[0]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms (n=${xs.length})`;
};

beforeAll(async () => {
  s = await startDnsSite();
}, 600_000);
afterAll(async () => {
  console.log(`\npublish → resolvable, intent through ExternalDNS: ${stats(ours)}`);
  console.log(`ExternalDNS alone (DNSEndpoint replaced → dig):   ${stats(alone)}`);
  console.log(`PowerDNS API write → resolvable (floor):          ${stats(peer)}`);
  await s?.stop();
});

const once = { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 };

describe("publish → resolvable (10 revisions)", () => {
  bench(
    "intentops: render + apply DNSEndpoint → ExternalDNS → PowerDNS → dig",
    async () => {
      for (let i = 0; i < 10; i++) {
        const address = `192.0.2.${100 + i}`;
        const started = performance.now();
        await s.publish([address]);
        await until(NAME, address);
        ours.push(performance.now() - started);
      }
    },
    once,
  );
  bench(
    "peer: ExternalDNS alone, a DNSEndpoint replaced through the Kubernetes API → dig",
    async () => {
      const kc = new KubeConfig();
      kc.loadFromFile(s.clusters.clusters[0]!.kubeconfigPath);
      const api = kc.makeApiClient(CustomObjectsApi);
      const at = {
        group: "externaldns.k8s.io",
        version: "v1alpha1",
        namespace: "default",
        plural: "dnsendpoints",
      };
      const name = "alone";
      const spec = (address: string) => ({
        endpoints: [{ dnsName: `alone.${ZONE}`, recordType: "A", targets: [address], recordTTL: 300 }],
      });
      await api.createNamespacedCustomObject({
        ...at,
        body: {
          apiVersion: "externaldns.k8s.io/v1alpha1",
          kind: "DNSEndpoint",
          metadata: { name },
          spec: spec("203.0.113.1"),
        },
      });
      await until(`alone.${ZONE}`, "203.0.113.1");
      for (let i = 0; i < 10; i++) {
        const address = `203.0.113.${100 + i}`;
        const started = performance.now();
        const current = (await api.getNamespacedCustomObject({ ...at, name })) as { metadata: object };
        await api.replaceNamespacedCustomObject({ ...at, name, body: { ...current, spec: spec(address) } });
        await until(`alone.${ZONE}`, address);
        alone.push(performance.now() - started);
      }
    },
    once,
  );
  bench(
    "peer floor: PowerDNS HTTP API PATCH → dig",
    async () => {
      for (let i = 0; i < 10; i++) {
        const address = `198.51.100.${100 + i}`;
        const started = performance.now();
        const status = await s.pdns.putA(`${ZONE}.`, `direct.${ZONE}.`, [address], 300);
        if (status !== 204) throw new Error(`PowerDNS answered ${status} to the direct write`);
        await until(`direct.${ZONE}`, address);
        peer.push(performance.now() - started);
      }
    },
    once,
  );
});
