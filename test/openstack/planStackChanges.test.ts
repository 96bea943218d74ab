/**
 * The planner on its own (pure): dependency order, no change on a re-run, LIFO scale-in that stops at the
 * minimum, a resize for a changed flavor, rule changes, deletes in reverse order. The rendered web-app-stack
 * package is the input, read with the project's own package reader.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readPackageDir } from "../../pipeline/kpt/readPackageDir.js";
import { planStackChanges } from "../../pipeline/openstack/stack/planStackChanges.js";
import { readDesiredStack } from "../../pipeline/openstack/stack/readDesiredStack.js";
import type { LiveStack } from "../../pipeline/openstack/stack/readLiveStack.js";
import { objectsOfPackage } from "../../pipeline/reconcile/readPackage.js";
import { webAppStackObjects } from "./support/webAppStack.js";

const EMPTY: LiveStack = {
  networks: [],
  subnets: [],
  routers: [],
  securityGroups: [],
  ports: [],
  servers: [],
  volumes: [],
};

/** A live stack that holds exactly what `objects` describe (as the driver would have made it). */
function liveOf(objects: Parameters<typeof readDesiredStack>[0]): LiveStack {
  const d = readDesiredStack(objects);
  const own = <T>(kind: string, name: string, resource: T) => ({
    ref: `${kind}/${name}`,
    name,
    intentId: "web-app-stack",
    resource,
  });
  const subnetId = (n: string) => `subnet-${n}`;
  return {
    networks: d.networks.map((n) =>
      own("Network", n.name, {
        id: `net-${n.name}`,
        name: n.name,
        status: "ACTIVE",
        tags: [],
        description: "",
        subnets: [],
      }),
    ),
    subnets: d.subnets.map((s) =>
      own("Subnet", s.name, {
        id: subnetId(s.name),
        name: s.name,
        network_id: "n",
        cidr: s.cidr,
        gateway_ip: null,
        enable_dhcp: true,
        ip_version: 4,
        tags: [],
      }),
    ),
    routers: d.routers.map((r) => ({
      ...own("Router", r.name, {
        id: `router-${r.name}`,
        name: r.name,
        status: "ACTIVE",
        admin_state_up: true,
        external_gateway_info: null,
        tags: [],
      }),
      interfaces: r.interfaces.map((s) => ({ portId: `rp-${s}`, subnetId: subnetId(s) })),
    })),
    securityGroups: d.securityGroups.map((g) =>
      own("SecurityGroup", g.name, {
        id: `sg-${g.name}`,
        name: g.name,
        description: "",
        tags: [],
        security_group_rules: [
          {
            id: `egress-${g.name}`,
            direction: "egress" as const,
            ethertype: "IPv4",
            protocol: null,
            port_range_min: null,
            port_range_max: null,
            remote_ip_prefix: null,
            remote_group_id: null,
          },
          ...g.rules.map((r, i) => ({ ...r, id: `rule-${g.name}-${i}`, remote_group_id: null })),
        ],
      }),
    ),
    ports: d.servers.map((s) =>
      own("Port", s.name, {
        id: `port-${s.name}`,
        name: `${s.name}-port`,
        network_id: "n",
        device_id: "",
        device_owner: "",
        status: "ACTIVE",
        fixed_ips: [],
        security_groups: [],
        tags: [],
      }),
    ),
    servers: d.servers.map((s) =>
      own("Server", s.name, {
        id: `server-${s.name}`,
        name: s.name,
        status: "ACTIVE",
        tags: [],
        metadata: { "intentops.io:tier": s.tier, "intentops.io:ordinal": String(s.ordinal) },
        flavor: { original_name: s.flavor },
        addresses: {},
      }),
    ),
    volumes: d.volumes.map((v) =>
      own("Volume", v.name, {
        id: `vol-${v.name}`,
        name: v.name,
        status: "in-use",
        size: v.size,
        metadata: {},
        attachments: [{ server_id: `server-${v.server}`, attachment_id: "a" }],
      }),
    ),
  };
}

describe("planStackChanges", () => {
  it("GIVEN nothing at the site WHEN planned THEN everything is created in dependency order", async () => {
    const plan = planStackChanges(readDesiredStack(await webAppStackObjects()), EMPTY);
    const kinds = plan.steps.map((s) => s.kind);
    const firstOf = (k: string) => kinds.indexOf(k as never);
    const lastOf = (k: string) => kinds.lastIndexOf(k as never);
    expect(plan.steps.every((s) => s.op === "create")).toBe(true);
    expect(lastOf("Network")).toBeLessThan(firstOf("Subnet"));
    expect(lastOf("Subnet")).toBeLessThan(firstOf("Router"));
    expect(lastOf("Router")).toBeLessThan(firstOf("RouterInterface"));
    expect(lastOf("SecurityGroup")).toBeLessThan(firstOf("Port"));
    expect(lastOf("Port")).toBeLessThan(firstOf("Server"));
    expect(lastOf("Server")).toBeLessThan(firstOf("Volume"));
    expect(lastOf("Volume")).toBeLessThan(firstOf("VolumeAttachment"));
    expect(plan.steps.filter((s) => s.kind === "Server").map((s) => s.name)).toEqual([
      "shop-app-0",
      "shop-app-1",
      "shop-db-0",
      "shop-web-0",
      "shop-web-1",
    ]);
    expect(new Set(plan.steps.map((s) => s.id)).size).toBe(plan.steps.length);
  });

  it("GIVEN the site holds the stack WHEN planned again THEN there is nothing to do", async () => {
    const objects = await webAppStackObjects();
    const plan = planStackChanges(readDesiredStack(objects), liveOf(objects));
    expect(plan.steps).toEqual([]);
    expect(plan.unchanged).toContain("Server/shop-web-1");
  });

  it("GIVEN 4 web servers WHEN scaled to 1 THEN ordinals 3, 2, 1 leave in that order with their ports, the rest untouched", async () => {
    const four = await webAppStackObjects({ web: { count: 4 } });
    const one = await webAppStackObjects({ web: { count: 1 } });
    const plan = planStackChanges(readDesiredStack(one), liveOf(four));
    expect(plan.steps.map((s) => s.id)).toEqual([
      "delete Server/shop-web-3",
      "delete Server/shop-web-2",
      "delete Server/shop-web-1",
      "delete Port/shop-web-1",
      "delete Port/shop-web-2",
      "delete Port/shop-web-3",
    ]);
  });

  it("GIVEN a tier WHEN scaled to 0 while the intent exists THEN the plan is refused", async () => {
    const objects = await webAppStackObjects();
    const none = readDesiredStack(await webAppStackObjects({ web: { count: 0 } }));
    expect(() => planStackChanges(none, liveOf(objects))).toThrowError(
      expect.objectContaining({ code: "E_OPENSTACK_BELOW_MINIMUM" }),
    );
  });

  it("GIVEN a changed flavor WHEN planned THEN each server of the tier is resized, nothing else", async () => {
    const objects = await webAppStackObjects();
    const plan = planStackChanges(
      readDesiredStack(await webAppStackObjects({ web: { flavor: "m1.medium" } })),
      liveOf(objects),
    );
    expect(plan.steps.map((s) => [s.id, s.detail])).toEqual([
      ["update Server/shop-web-0", { from: "m1.small", to: "m1.medium" }],
      ["update Server/shop-web-1", { from: "m1.small", to: "m1.medium" }],
    ]);
  });

  it("GIVEN an empty package WHEN planned THEN everything is deleted in reverse order, Neutron's default egress rules with their group", async () => {
    const objects = await webAppStackObjects();
    const plan = planStackChanges(readDesiredStack([]), liveOf(objects));
    const kinds = [...new Set(plan.steps.map((s) => s.kind))];
    expect(kinds).toEqual(["Volume", "Server", "Port", "Router", "SecurityGroup", "Subnet", "Network"]);
    expect(plan.steps.every((s) => s.op === "delete")).toBe(true);
  });

  it("GIVEN a manifest naming a subnet the package lacks THEN it is refused with the object and field", async () => {
    const objects = (await webAppStackObjects()).filter(
      (o) => !(o.kind === "Subnet" && o.metadata.name === "shop-db"),
    );
    expect(() => readDesiredStack(objects)).toThrowError(
      expect.objectContaining({ code: "E_OPENSTACK_MANIFEST", subject: "Router/shop-router" }),
    );
  });

  it("reads the rendered package of the repository", async () => {
    const files = await readPackageDir(join(import.meta.dirname, "../../rendered/openstack1/web-app-stack"));
    const stack = readDesiredStack(objectsOfPackage(files));
    expect(stack.servers).toHaveLength(5);
    expect(stack.volumes).toEqual([{ name: "shop-db-0-data", size: 50, server: "shop-db-0", ordinal: 0 }]);
  });
});
