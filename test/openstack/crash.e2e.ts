/**
 * SIGKILL during a create, at three points, each followed by a restart of the same command: after Neutron
 * made the network but before it was tagged, right after Nova accepted a server (still BUILD, its id not yet
 * journalled), and just before the volume is requested. The command is the shipped CLI
 * (`intentops openstack apply`, from dist/) killed by itself through the test crash switch. The last
 * restart completes the deployment, and the project holds exactly one of everything — no duplicate
 * network, server, port or volume.
 */
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readSaga } from "../../pipeline/openstack/saga/sagaStore.js";
import { readLiveStack } from "../../pipeline/openstack/stack/readLiveStack.js";
import { countByName, type Fixture, openFixture } from "./support/openStackFixture.js";
import { INTENT_ID } from "./support/webAppStack.js";

const ROOT = join(import.meta.dirname, "../..");
let f: Fixture;
let work: string;

beforeAll(async () => {
  f = await openFixture();
  work = await mkdtemp(join(tmpdir(), "intentops-os-crash-"));
  const pkg = join(work, "rendered", "openstack1", INTENT_ID);
  await cp(join(ROOT, "rendered", "openstack1", INTENT_ID), pkg, { recursive: true });
  // One server per tier (what the renderer makes for count 1: the ordinal-1 servers are not there).
  await rm(join(pkg, "server_shop-web-1.yaml"));
  await rm(join(pkg, "server_shop-app-1.yaml"));
});

function apply(crashAt?: string) {
  const result = spawnSync(
    process.execPath,
    [
      join(ROOT, "dist", "pipeline", "cli", "main.js"),
      "openstack",
      "apply",
      INTENT_ID,
      "--site",
      "openstack1",
      "--sites",
      f.sandbox.layout.sitesFile,
      "--work",
      work,
      "--state-dir",
      join(work, "saga"),
      "--json",
    ],
    {
      encoding: "utf8",
      env: { ...process.env, ...(crashAt ? { INTENTOPS_TEST_OPENSTACK_CRASH_AT: crashAt } : {}) },
      timeout: 900_000,
    },
  );
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

describe("SIGKILL during an OpenStack create", () => {
  it("resumes after each of three kills and ends with exactly one of everything", async () => {
    const points = [
      "after-request:create Network/shop-net",
      "after-request:create Server/shop-web-0",
      "before:create Volume/shop-db-0-data",
    ];
    for (const point of points) {
      const killed = apply(point);
      expect(killed.signal, `${point}: ${killed.stderr}`).toBe("SIGKILL");
      const saga = await readSaga(join(work, "saga"), "openstack1", INTENT_ID);
      expect(saga?.status).toBe("running");
    }
    const killedServer = await countByName(f.user());
    expect(killedServer.networks).toEqual(["shop-net"]);

    const done = apply();
    expect(done.status, done.stderr).toBe(0);
    const outcome = JSON.parse(done.stdout) as {
      intents: Array<{ result: string; saga: { resumedFrom?: string } }>;
    };
    expect(outcome.intents[0]?.result).toBe("success");
    expect(outcome.intents[0]?.saga.resumedFrom).toBeDefined();

    expect(await countByName(f.user())).toEqual({
      servers: ["shop-app-0", "shop-db-0", "shop-web-0"],
      ports: ["shop-app-0-port", "shop-db-0-port", "shop-web-0-port"],
      volumes: ["shop-db-0-data"],
      networks: ["shop-net"],
    });
    const live = await readLiveStack(f.user(), { site: "openstack1", intentId: INTENT_ID });
    expect(live.subnets.map((s) => s.name)).toEqual(["shop-app", "shop-db", "shop-web"]);
    expect(live.routers).toHaveLength(1);
    expect(live.securityGroups).toHaveLength(3);
    expect(live.servers.every((s) => s.resource.status === "ACTIVE")).toBe(true);

    const again = apply();
    expect(again.status, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { intents: Array<{ result: string }> }).intents[0]?.result).toBe(
      "noop",
    );
    const deleted = await f.apply([]);
    expect(deleted.intents[0]?.result).toBe("success");
    expect(await countByName(f.user())).toEqual({ servers: [], ports: [], volumes: [], networks: [] });
  });
});
