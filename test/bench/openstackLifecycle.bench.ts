/**
 * Benchmark: the web-app-stack's lifecycle on the OpenStack sandbox, three rounds of
 * create (5 servers, 3 subnets, router, 3 security groups, a 50 GiB volume attached) → scale web 2 → 4 →
 * scale web 4 → 1 → delete, timed per phase with `reconcileOpenStackSite`; printed as median / min / max with
 * the load average. Each phase's outcome is checked before its time counts (success, and after delete
 * nothing of ours is left). The peer does the same work with the `openstack` CLI (python3-openstackclient,
 * one shell per phase, commands written from the same objects: support/openstackCliPeer.ts), sequentially as
 * an operator's script would, its outcome checked the same way (servers ACTIVE, nothing named shop-* left).
 *
 * Before the rounds it times the sandbox's start: from an empty state directory (cold, database setup
 * included) when BENCH_OPENSTACK_COLD=1, else from the kept state with its services stopped (warm), and then
 * a second start that finds it running; and the resident memory of its processes after start and at the end.
 * A sandbox the bench started is stopped at the end (a cold one's state directory removed).
 *
 * Run:  npx vitest bench --run test/bench/openstackLifecycle.bench.ts   (starts the sandbox if needed)
 */
import { mkdtemp } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, bench, describe } from "vitest";
import type { KrmObject } from "../../functions/runtime/types.js";
import {
  createOpenStackClient,
  type OpenStackClient,
} from "../../pipeline/openstack/client/createOpenStackClient.js";
import { siteClientOptions } from "../../pipeline/openstack/client/siteClientOptions.js";
import { reconcileOpenStackSite } from "../../pipeline/openstack/reconcileOpenStackSite.js";
import { readLiveStack } from "../../pipeline/openstack/stack/readLiveStack.js";
import { type OpenStackSandbox, startOpenStack } from "../../pipeline/sandbox/openstack/startOpenStack.js";
import { stopOpenStack } from "../../pipeline/sandbox/openstack/stopOpenStack.js";
import { sandboxRssMiB } from "../openstack/support/globalSetup.js";
import { webAppStackObjects } from "../openstack/support/webAppStack.js";
import {
  createCommands,
  deleteCommands,
  openStackCliJson,
  runOpenStackCli,
  scaleCommands,
} from "./support/openstackCliPeer.js";

const ROUNDS = 3;
const times: Record<string, number[]> = {};
const peerTimes: Record<string, number[]> = {};
let sandbox: OpenStackSandbox;
let stateDir: string;
let stacks: Record<string, KrmObject[]>;
let client: OpenStackClient;

let state: string | undefined;
let startedHere = false;

beforeAll(async () => {
  const cold = process.env.BENCH_OPENSTACK_COLD === "1";
  state = cold ? await mkdtemp(join(tmpdir(), "intentops-os-cold-")) : undefined;
  const t = performance.now();
  sandbox = await startOpenStack({ timeoutMs: 900_000, ...(state ? { state } : {}) });
  const first = Math.round(performance.now() - t);
  startedHere = sandbox.started.services.length > 0;
  const kind = cold ? "cold (empty state directory)" : startedHere ? "warm (kept state)" : "found running";
  console.log(`sandbox start, ${kind}: ${(first / 1000).toFixed(1)} s (${JSON.stringify(sandbox.started)})`);
  const t2 = performance.now();
  await startOpenStack({ timeoutMs: 900_000, ...(state ? { state } : {}) });
  console.log(
    `sandbox start, found running: ${((performance.now() - t2) / 1000).toFixed(1)} s; RSS ${await sandboxRssMiB(state)} MiB`,
  );
  stateDir = await mkdtemp(join(tmpdir(), "intentops-os-bench-"));
  client = createOpenStackClient(siteClientOptions(sandbox.registry.sites[0]!));
  stacks = {
    create: await webAppStackObjects(),
    "scale 2→4": await webAppStackObjects({ web: { count: 4 } }),
    "scale 4→1": await webAppStackObjects({ web: { count: 1 } }),
    delete: [],
  };
}, 1_800_000);

afterAll(async () => {
  console.log(`sandbox RSS at the end: ${await sandboxRssMiB(state)} MiB`);
  if (startedHere) {
    const t = performance.now();
    await stopOpenStack({ ...(state ? { state, removeState: true } : {}) });
    console.log(`sandbox stopped in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `\nweb-app-stack on the OpenStack sandbox, ${ROUNDS} rounds (load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")})`,
  );
  console.log("phase        intentops: median s   min s   max s | openstack CLI: median s   min s   max s");
  const s = (xs: number[] | undefined) =>
    xs?.length
      ? [median(xs), Math.min(...xs), Math.max(...xs)]
          .map((ms) => (ms / 1000).toFixed(1).padStart(7))
          .join(" ")
      : "      —       —       —";
  for (const phase of Object.keys(stacks)) {
    console.log(`${phase.padEnd(12)}            ${s(times[phase])} |                ${s(peerTimes[phase])}`);
  }
}, 300_000);

describe("openstack lifecycle", () => {
  bench(
    "create → scale 2→4 → 4→1 → delete",
    async () => {
      for (let round = 0; round < ROUNDS; round++) {
        for (const [phase, objects] of Object.entries(stacks)) {
          const t = performance.now();
          const outcome = await reconcileOpenStackSite(
            { site: sandbox.registry.sites[0]!, packages: [{ intentId: "web-app-stack", objects }] },
            { stateDir, client },
          );
          const ms = Math.round(performance.now() - t);
          const intent = outcome.intents[0]!;
          if (intent.result !== "success") {
            throw new Error(`round ${round} ${phase}: ${intent.result} ${JSON.stringify(intent.error)}`);
          }
          if (phase === "delete") {
            const left = await readLiveStack(client, { site: "openstack1" });
            if (Object.values(left).flat().length !== 0) throw new Error("resources left after delete");
          }
          times[phase] = [...(times[phase] ?? []), ms];
          // Each phase as it ends, too: a cut-short run still shows what it measured.
          console.log(
            `round ${round + 1} ${phase}: ${(ms / 1000).toFixed(1)} s (load ${loadavg()[0]?.toFixed(1)})`,
          );
        }
      }
    },
    { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 },
  );

  bench(
    "peer: openstack CLI, create → scale 2→4 → 4→1 → delete",
    async () => {
      const { id, secret } = sandbox.applicationCredential;
      const env = {
        ...process.env,
        OS_AUTH_URL: sandbox.authUrl,
        OS_AUTH_TYPE: "v3applicationcredential",
        OS_APPLICATION_CREDENTIAL_ID: id,
        OS_APPLICATION_CREDENTIAL_SECRET: secret,
        OS_REGION_NAME: sandbox.region,
        OS_INTERFACE: "public",
      };
      const phases = Object.keys(stacks);
      for (let round = 0; round < ROUNDS; round++) {
        for (const [i, phase] of phases.entries()) {
          const before = i === 0 ? [] : stacks[phases[i - 1]!]!;
          const after = stacks[phase]!;
          const commands =
            phase === "create"
              ? createCommands(after)
              : phase === "delete"
                ? deleteCommands(before)
                : scaleCommands(before, after);
          const t = performance.now();
          await runOpenStackCli(commands, env);
          const ms = Math.round(performance.now() - t);
          const servers = (await openStackCliJson(["server", "list"], env)) as Array<{
            Name: string;
            Status: string;
          }>;
          const want = after.filter((o) => o.kind === "Server").map((o) => o.metadata.name);
          const got = servers.filter((v) => v.Name.startsWith("shop-"));
          if (
            got.length !== want.length ||
            got.some((v) => v.Status !== "ACTIVE" || !want.includes(v.Name))
          ) {
            throw new Error(`peer round ${round} ${phase}: servers ${JSON.stringify(got)}, want ${want}`);
          }
          if (phase === "delete") {
            const nets = (await openStackCliJson(["network", "list"], env)) as Array<{ Name: string }>;
            if (nets.some((n) => n.Name.startsWith("shop-")))
              throw new Error("peer: network left after delete");
          }
          peerTimes[phase] = [...(peerTimes[phase] ?? []), ms];
          console.log(
            `peer round ${round + 1} ${phase}: ${(ms / 1000).toFixed(1)} s (load ${loadavg()[0]?.toFixed(1)})`,
          );
        }
      }
    },
    { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 },
  );
});
