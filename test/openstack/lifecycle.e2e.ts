/**
 * The web-app-stack's lifecycle on the real OpenStack sandbox (Debian's Zed services on loopback): create →
 * all ACTIVE/available and tagged; re-run → no change; scale web 2 → 4 → 1 (LIFO, the rest untouched);
 * resize the web tier's flavor; delete → nothing of ours left while a resource made by hand stays.
 */
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../pipeline/cli/io.js";
import { runCli } from "../../pipeline/cli/main.js";
import { listVolumes } from "../../pipeline/openstack/blockstorage/volumes/requests.js";
import { findFlavor } from "../../pipeline/openstack/compute/flavors/requests.js";
import {
  createServer,
  deleteServer,
  getServer,
  listServers,
} from "../../pipeline/openstack/compute/servers/requests.js";
import { findImage } from "../../pipeline/openstack/image/images/requests.js";
import {
  createNetwork,
  deleteNetwork,
  getNetwork,
  listNetworks,
} from "../../pipeline/openstack/networking/networks/requests.js";
import { createPort, deletePort } from "../../pipeline/openstack/networking/ports/requests.js";
import {
  createSecurityGroupRule,
  deleteSecurityGroupRule,
  listSecurityGroups,
} from "../../pipeline/openstack/networking/securitygroups/requests.js";
import { createSubnet } from "../../pipeline/openstack/networking/subnets/requests.js";
import { readLiveStack } from "../../pipeline/openstack/stack/readLiveStack.js";
import { waitForStatus } from "../../pipeline/openstack/stack/waitForStatus.js";
import { startOpenStack } from "../../pipeline/sandbox/openstack/startOpenStack.js";
import { countByName, type Fixture, openFixture } from "./support/openStackFixture.js";
import { INTENT_ID, webAppStackObjects } from "./support/webAppStack.js";

const ROOT = join(import.meta.dirname, "../..");
let f: Fixture;
const timings: Record<string, number[]> = {};
const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
  const t = performance.now();
  const result = await work();
  timings[name] = [...(timings[name] ?? []), Math.round(performance.now() - t)];
  return result;
};

beforeAll(async () => {
  f = await openFixture();
}, 900_000);

afterAll(() => {
  console.log(`openstack sandbox start ${f?.startMs} ms; lifecycle timings ${JSON.stringify(timings)}`);
});

const serverIds = async () =>
  Object.fromEntries(
    (await readLiveStack(f.user(), { site: "openstack1", intentId: INTENT_ID })).servers.map((s) => [
      s.name,
      s.resource.id,
    ]),
  );

describe("web-app-stack on the OpenStack sandbox", () => {
  it("a second start finds the sandbox running and starts nothing", async () => {
    const again = await startOpenStack({});
    expect(again.started.services).toEqual([]);
    expect(again.started.reused).toHaveLength(14);
  }, 120_000);

  it("creates every resource, ACTIVE/available and tagged; a re-run changes nothing", async () => {
    const objects = await webAppStackObjects();
    const created = await timed("create", () => f.apply(objects));
    expect(created.intents[0]?.error).toBeUndefined();
    expect(created.intents[0]?.result).toBe("success");
    expect(created.intents[0]?.resources.filter((r) => r.status !== "Current")).toEqual([]);
    const live = await readLiveStack(f.user(), { site: "openstack1", intentId: INTENT_ID });
    expect(
      live.servers.map((s) => [s.name, s.resource.status, s.resource.metadata["intentops.io:ordinal"]]),
    ).toEqual([
      ["shop-app-0", "ACTIVE", "0"],
      ["shop-app-1", "ACTIVE", "1"],
      ["shop-db-0", "ACTIVE", "0"],
      ["shop-web-0", "ACTIVE", "0"],
      ["shop-web-1", "ACTIVE", "1"],
    ]);
    for (const s of live.servers)
      expect(s.resource.tags).toEqual(
        expect.arrayContaining(["intentops", "intentops-site=openstack1", `intentops-intent=${INTENT_ID}`]),
      );
    expect(live.networks.map((n) => n.resource.tags.sort())).toEqual([
      [
        "intentops",
        "intentops-intent=web-app-stack",
        "intentops-ref=Network.shop-net",
        "intentops-site=openstack1",
      ],
    ]);
    expect(live.subnets.map((s) => s.name)).toEqual(["shop-app", "shop-db", "shop-web"]);
    expect(live.routers[0]?.interfaces).toHaveLength(3);
    expect(live.routers[0]?.resource.external_gateway_info?.network_id).toBe(f.sandbox.externalNetworkId);
    expect(live.volumes.map((v) => [v.name, v.resource.status, v.resource.size])).toEqual([
      ["shop-db-0-data", "in-use", 50],
    ]);
    expect(
      live.ports.map((p) => [p.name, p.resource.fixed_ips[0]?.ip_address.split(".").slice(0, 3).join(".")]),
    ).toEqual([
      ["shop-app-0", "10.20.2"],
      ["shop-app-1", "10.20.2"],
      ["shop-db-0", "10.20.3"],
      ["shop-web-0", "10.20.1"],
      ["shop-web-1", "10.20.1"],
    ]);

    const again = await f.apply(objects);
    expect(again.intents[0]?.result).toBe("noop");
    expect(again.intents[0]?.changeSet.every((e) => e.action === "unchanged")).toBe(true);
    expect((await countByName(f.user())).servers).toHaveLength(5);
  }, 600_000);

  it("intentops diff shows drift: a rule added by hand is what a re-apply would remove", async () => {
    const work = await mkdtemp(join(tmpdir(), "intentops-os-diff-"));
    await cp(
      join(ROOT, "rendered", "openstack1", INTENT_ID),
      join(work, "rendered", "openstack1", INTENT_ID),
      {
        recursive: true,
      },
    );
    const diff = async () => {
      const io = memoryIo(work, {});
      const code = await runCli(
        ["diff", "--site", "openstack1", "--sites", f.sandbox.layout.sitesFile, "--work", work, "--json"],
        io,
      );
      return {
        code,
        steps: (JSON.parse(io.out()) as Array<{ steps: Array<{ id: string }> }>).flatMap((d) =>
          d.steps.map((s) => s.id),
        ),
      };
    };
    expect(await diff()).toEqual({ code: 0, steps: [] });
    const [group] = await listSecurityGroups(f.user(), { name: "shop-db" });
    const rule = await createSecurityGroupRule(f.user(), group!.id, {
      direction: "ingress",
      ethertype: "IPv4",
      protocol: "tcp",
      port_range_min: 22,
      port_range_max: 22,
      remote_ip_prefix: "0.0.0.0/0",
    });
    try {
      expect(await diff()).toEqual({
        code: 1,
        steps: ["delete SecurityGroupRule/shop-db:ingress|IPv4|tcp|22|22|0.0.0.0/0"],
      });
    } finally {
      await deleteSecurityGroupRule(f.user(), rule.id);
    }
  });

  it("scales web 2 → 4 → 1: new ordinals 2 and 3, then 3, 2, 1 leave (LIFO); web-0, app and db untouched", async () => {
    const before = await serverIds();
    const fourObjects = await webAppStackObjects({ web: { count: 4 } });
    const out = await timed("scale-out", () => f.apply(fourObjects));
    expect(out.intents[0]?.result, JSON.stringify(out.intents[0]?.error)).toBe("success");
    const four = await serverIds();
    expect(Object.keys(four).filter((n) => n.startsWith("shop-web"))).toEqual([
      "shop-web-0",
      "shop-web-1",
      "shop-web-2",
      "shop-web-3",
    ]);
    for (const name of Object.keys(before)) expect(four[name]).toBe(before[name]);

    const oneObjects = await webAppStackObjects({ web: { count: 1 } });
    const inResult = await timed("scale-in", () => f.apply(oneObjects));
    expect(inResult.intents[0]?.result).toBe("success");
    expect(
      inResult.intents[0]?.changeSet
        .filter((e) => e.action === "deleted" && e.object.kind === "Server")
        .map((e) => e.ref),
    ).toEqual(["Server/shop-web-3", "Server/shop-web-2", "Server/shop-web-1"]);
    const one = await serverIds();
    expect(Object.keys(one)).toEqual(["shop-app-0", "shop-app-1", "shop-db-0", "shop-web-0"]);
    for (const name of Object.keys(one)) expect(one[name]).toBe(before[name]);
    expect((await countByName(f.user())).ports).toEqual([
      "shop-app-0-port",
      "shop-app-1-port",
      "shop-db-0-port",
      "shop-web-0-port",
    ]);
  }, 900_000);

  it("resizes the web tier to another flavor in place (same server), nothing else changes", async () => {
    const before = await serverIds();
    const resized = await webAppStackObjects({ web: { count: 1, flavor: "m1.medium" } });
    const result = await timed("resize", () => f.apply(resized));
    expect(result.intents[0]?.result, JSON.stringify(result.intents[0]?.error)).toBe("success");
    expect(
      result.intents[0]?.changeSet.filter((e) => e.action !== "unchanged").map((e) => `${e.ref} ${e.action}`),
    ).toEqual(["Server/shop-web-0 configured"]);
    const servers = await listServers(f.user(), { name: "shop-web-0" });
    expect(servers.map((s) => [s.id, s.flavor.original_name, s.status])).toEqual([
      [before["shop-web-0"], "m1.medium", "ACTIVE"],
    ]);
  }, 600_000);

  it("deletes everything of ours in reverse order; a network and server made by hand in the project stay", async () => {
    const client = f.user();
    const handNet = await createNetwork(client, { name: "handmade-net" });
    const [flavor, image] = await Promise.all([
      findFlavor(client, "m1.tiny"),
      findImage(client, "ubuntu-22.04"),
    ]);
    const handSubnet = await createSubnet(client, {
      name: "handmade-subnet",
      networkId: handNet.id,
      cidr: "192.168.77.0/24",
    });
    const handPort = await createPort(client, {
      name: "handmade-port",
      networkId: handNet.id,
      subnetId: handSubnet.id,
      securityGroupIds: [],
    });
    const hand = await createServer(client, {
      name: "handmade-0",
      flavorId: flavor.id,
      imageId: image.id,
      portIds: [handPort.id],
      metadata: {},
      tags: [],
    });
    try {
      const deleted = await timed("delete", () => f.apply([]));
      expect(deleted.intents[0]?.result, JSON.stringify(deleted.intents[0]?.error)).toBe("success");
      expect(deleted.intents[0]?.changeSet.filter((e) => e.action === "deleted")).toHaveLength(17);
      const left = await readLiveStack(client, { site: "openstack1" });
      expect(Object.values(left).flat()).toEqual([]);
      expect(await countByName(client)).toEqual({ servers: [], ports: [], volumes: [], networks: [] });
      expect(await listVolumes(client)).toEqual([]);
      expect((await getNetwork(client, handNet.id))?.name).toBe("handmade-net");
      expect((await listServers(client, { name: "handmade-0" })).map((s) => s.id)).toEqual([hand.id]);
    } finally {
      await deleteServer(client, hand.id);
      await waitForStatus({
        subject: "Server/handmade-0",
        read: () => getServer(client, hand.id),
        status: (s) => s.status,
        want: ["GONE"],
        timeoutMs: 120_000,
      });
      await deletePort(client, handPort.id);
      await deleteNetwork(client, handNet.id);
      expect((await listNetworks(client, { name: "handmade-net" })).length).toBe(0);
    }
  }, 600_000);
});
