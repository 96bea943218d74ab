/**
 * Benchmark: publish → resolvable on the OpenStack path. Ten revisions of the `analytics-dns` intent aimed
 * at `openstack1` (a new A target each), each timed from the start of its compile + render + reconcile by
 * the OpenStack site driver (`reconcileOpenStackSite`: Keystone token, the stack part read from
 * Nova/Neutron/Cinder — empty for a DNS-only intent — and the `RecordSet` written to Debian's PowerDNS)
 * until `dig` against PowerDNS answers the new address. Next to it, in the same run, the floor peer: the
 * same change written straight into PowerDNS through its HTTP API (as curl would). Median, min and max of
 * 10 are printed. The Kubernetes path and ExternalDNS alone are in dnsPublish.bench.ts.
 *
 * Run:  HEAVY_LIMIT=1500 heavy npx vitest bench --run test/bench/dnsPublishOpenStack.bench.ts
 * (starts the OpenStack sandbox if it is not running, and stops it again if it started it)
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, bench, describe } from "vitest";
import { compileIntent } from "../../compiler/compileIntent.js";
import type { Site } from "../../compiler/types.js";
import { generatePackage } from "../../functions/generators/index.js";
import type { KrmObject } from "../../functions/runtime/types.js";
import { reconcileOpenStackSite } from "../../pipeline/openstack/reconcileOpenStackSite.js";
import { type OpenStackSandbox, startOpenStack } from "../../pipeline/sandbox/openstack/startOpenStack.js";
import { stopOpenStack } from "../../pipeline/sandbox/openstack/stopOpenStack.js";
import { type PowerDnsServer, startPowerDns } from "../../pipeline/sandbox/startPowerDns.js";
import { digAnswers } from "../dns/digAnswers.js";
import { repositoryRegistry } from "../openstack/support/webAppStack.js";

const ROOT = join(import.meta.dirname, "../..");
const ZONE = "edge.example.com";
const NAME = "analytics.edge.example.com";
const INTENT_ID = "analytics-dns";

let sandbox: OpenStackSandbox | undefined;
let pdns: PowerDnsServer | undefined;
let site: Site;
let stateDir: string;
const ours: number[] = [];
const peer: number[] = [];

async function until(name: string, address: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const got = await digAnswers(pdns!.dnsPort, name, "A");
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

/** The repository's analytics-dns intent aimed at openstack1 with these targets, compiled and rendered. */
async function rendered(targets: string[], version: string): Promise<KrmObject[]> {
  const intent = JSON.parse(await readFile(join(ROOT, "intents", `${INTENT_ID}.json`), "utf8"));
  intent.version = version;
  const params = intent.expression.expressionValue["icm:hasExpectation"][0]["icm:params"];
  params["io:site"] = "openstack1";
  params["io:recordTargets"] = targets;
  params["io:dnsName"] = NAME;
  const registry = await repositoryRegistry();
  const compiled = await compileIntent(JSON.stringify(intent), registry);
  return generatePackage(compiled, registry.sites.find((s) => s.id === "openstack1")!).objects as KrmObject[];
}

beforeAll(async () => {
  const t = performance.now();
  sandbox = await startOpenStack({ timeoutMs: 900_000 });
  console.log(`openstack sandbox ready in ${Math.round(performance.now() - t)} ms`);
  pdns = await startPowerDns();
  await pdns.createZone(`${ZONE}.`);
  site = {
    ...sandbox.registry.sites[0]!,
    dns: { provider: "powerdns", apiUrl: pdns.apiUrl, apiKey: { file: pdns.apiKeyFile } },
  };
  stateDir = await mkdtemp(join(tmpdir(), "intentops-dns-bench-"));
}, 1_800_000);

afterAll(async () => {
  if (ours.length) console.log(`\npublish → resolvable, intent through the OpenStack driver: ${stats(ours)}`);
  if (peer.length) console.log(`PowerDNS API write → resolvable (floor, same run):         ${stats(peer)}`);
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  await pdns?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
  if (sandbox && sandbox.started.services.length > 0) await stopOpenStack();
}, 300_000);

const once = { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 };

describe("publish → resolvable on an OpenStack site (10 revisions)", () => {
  bench(
    "intentops: compile + render + reconcileOpenStackSite (RecordSet) → PowerDNS → dig",
    async () => {
      for (let i = 0; i < 10; i++) {
        const address = `192.0.2.${100 + i}`;
        const started = performance.now();
        const objects = await rendered([address], String(i + 1));
        const outcome = await reconcileOpenStackSite(
          { site, packages: [{ intentId: INTENT_ID, objects }] },
          { stateDir },
        );
        const result = outcome.intents[0];
        if (result?.result !== "success")
          throw new Error(`revision ${i + 1}: ${result?.result} ${JSON.stringify(result?.error)}`);
        await until(NAME, address);
        ours.push(performance.now() - started);
      }
      // Leave nothing behind: the intent deleted (its record removed).
      const gone = await reconcileOpenStackSite(
        { site, packages: [{ intentId: INTENT_ID, objects: [], deleted: true }] },
        { stateDir },
      );
      if (gone.intents[0]?.result !== "success")
        throw new Error(`delete: ${JSON.stringify(gone.intents[0])}`);
    },
    once,
  );
  bench(
    "peer floor: PowerDNS HTTP API PATCH → dig",
    async () => {
      for (let i = 0; i < 10; i++) {
        const address = `198.51.100.${100 + i}`;
        const started = performance.now();
        const status = await pdns!.putA(`${ZONE}.`, `direct.${ZONE}.`, [address], 300);
        if (status !== 204) throw new Error(`PowerDNS answered ${status} to the direct write`);
        await until(`direct.${ZONE}`, address);
        peer.push(performance.now() - started);
      }
    },
    once,
  );
});
