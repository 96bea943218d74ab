import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ValueRange } from "../../compiler/types.js";
import { type GeneratedObject, generatePackage } from "../../functions/generators/index.js";
import { codeOf, compiledIntent, EDGE1, field, OS1 } from "./support/compiledIntent.js";

function stackIntent(contexts: Record<string, ValueRange | ValueRange[]> = {}, sites = "os1") {
  return compiledIntent({
    delivers: [
      {
        id: "deliver-stack",
        instance: "shop",
        sites,
        kind: "webAppStack",
        contexts: { applicationName: "shop", ...contexts },
      },
    ],
  });
}
const ofKind = (objects: GeneratedObject[], kind: string) => objects.filter((o) => o.kind === kind);
const serverNames = (contexts: Record<string, ValueRange> = {}) =>
  ofKind(generatePackage(stackIntent(contexts), OS1).objects, "Server").map((s) => s.metadata.name);

describe("webAppStack generator", () => {
  it("expands the template: network, 3 subnets, router, security groups, one Server per instance", () => {
    const pkg = generatePackage(stackIntent(), OS1);
    for (const o of pkg.objects) {
      expect(o.apiVersion).toBe("openstack.intentops.io/v1alpha1");
      expect(o.metadata.namespace).toBeUndefined();
    }
    expect(ofKind(pkg.objects, "Network").map((o) => o.metadata.name)).toEqual(["shop-net"]);
    expect(
      ofKind(pkg.objects, "Subnet").map((o) => [
        o.metadata.name,
        field(o, "spec.cidr"),
        field(o, "spec.gateway_ip"),
      ]),
    ).toEqual([
      ["shop-app", "10.0.2.0/24", "10.0.2.1"],
      ["shop-db", "10.0.3.0/24", "10.0.3.1"],
      ["shop-web", "10.0.1.0/24", "10.0.1.1"],
    ]);
    expect(field(ofKind(pkg.objects, "Subnet")[0], "spec.ip_version")).toBe(4);
    const router = ofKind(pkg.objects, "Router")[0];
    expect(field(router, "spec.external_gateway_info")).toEqual({ networkRef: { name: "public" } });
    expect(field(router, "spec.interfaces")).toEqual([
      { subnetRef: { name: "shop-web" } },
      { subnetRef: { name: "shop-app" } },
      { subnetRef: { name: "shop-db" } },
    ]);
    expect(serverNames()).toEqual(["shop-app-0", "shop-app-1", "shop-db-0", "shop-web-0", "shop-web-1"]);
    const web0 = ofKind(pkg.objects, "Server").find((s) => s.metadata.name === "shop-web-0");
    expect(web0?.spec).toMatchObject({
      ordinal: 0,
      flavorRef: "m1.small",
      imageRef: "ubuntu-22.04",
      security_groups: [{ name: "shop-web" }],
      networks: [{ networkRef: { name: "shop-net" }, fixed_ips: [{ subnetRef: { name: "shop-web" } }] }],
    });
    expect(web0?.metadata.annotations["intentops.io/ordinal"]).toBe("0");
    expect(field(web0, "spec.metadata")).toMatchObject({
      "intentops.io/intent-id": "demo",
      "intentops.io/ordinal": "0",
    });
    expect(ofKind(pkg.objects, "Volume")).toEqual([]);
  });

  it("applies the security template: web 80/443 from anywhere, app port from web, 5432 from app", () => {
    const groups = ofKind(generatePackage(stackIntent({ servicePort: 9000 }), OS1).objects, "SecurityGroup");
    const rules = Object.fromEntries(
      groups.map((g) => [
        g.metadata.name,
        (field(g, "spec.rules") as Record<string, unknown>[]).map(
          (r) => `${r["port_range_min"]} ${r["remote_ip_prefix"]}`,
        ),
      ]),
    );
    expect(rules).toEqual({
      "shop-web": ["80 0.0.0.0/0", "443 0.0.0.0/0"],
      "shop-app": ["9000 10.0.1.0/24"],
      "shop-db": ["5432 10.0.2.0/24"],
    });
  });

  it("lets the intent win over the template, with a volume per server of a tier with volumeGiB", () => {
    const pkg = generatePackage(
      stackIntent({
        "tier.web.count": 3,
        "tier.web.flavor": "m1.tiny",
        "tier.db.count": 2,
        "tier.db.volumeGiB": 50,
        containerImage: "debian-12",
        externalNetwork: "ext-net",
      }),
      OS1,
    );
    const servers = ofKind(pkg.objects, "Server");
    expect(servers.filter((s) => s.metadata.labels["intentops.io/tier"] === "web")).toHaveLength(3);
    expect(
      field(
        servers.find((s) => s.metadata.name === "shop-web-2"),
        "spec.flavorRef",
      ),
    ).toBe("m1.tiny");
    expect(field(servers[0], "spec.imageRef")).toBe("debian-12");
    expect(
      ofKind(pkg.objects, "Volume").map((v) => [
        v.metadata.name,
        field(v, "spec.size"),
        field(v, "spec.attachment"),
      ]),
    ).toEqual([
      ["shop-db-0-data", 50, { serverRef: { name: "shop-db-0" } }],
      ["shop-db-1-data", 50, { serverRef: { name: "shop-db-1" } }],
    ]);
    expect(field(ofKind(pkg.objects, "Router")[0], "spec.external_gateway_info.networkRef.name")).toBe(
      "ext-net",
    );
  });

  it("scales in LIFO: 3 → 2 removes ordinal 2 only", () => {
    const before = serverNames({ "tier.app.count": 3 });
    const after = serverNames({ "tier.app.count": 2 });
    expect(before.filter((n) => !after.includes(n))).toEqual(["shop-app-2"]);
    expect(after.filter((n) => !before.includes(n))).toEqual([]);
  });

  it("keeps ordinals 0…n-1 and removes exactly the highest ones, for any counts", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 }), (n, m) => {
        const from = serverNames({ "tier.web.count": n }).filter((s) => s.startsWith("shop-web-"));
        const to = serverNames({ "tier.web.count": m }).filter((s) => s.startsWith("shop-web-"));
        expect(from.map((s) => Number(s.slice("shop-web-".length))).sort((a, b) => a - b)).toEqual([
          ...Array(n).keys(),
        ]);
        const removed = from.filter((s) => !to.includes(s)).map((s) => Number(s.slice("shop-web-".length)));
        expect(removed.sort((a, b) => a - b)).toEqual(
          [...Array(Math.max(0, n - m)).keys()].map((i) => m + i),
        );
      }),
      { numRuns: 40 },
    );
  });

  it("keeps the ordinal visible when the stack name is long", () => {
    const names = ofKind(
      generatePackage(stackIntent({ applicationName: "s".repeat(63) }), OS1).objects,
      "Server",
    ).map((s) => s.metadata.name);
    for (const n of names) expect(n.length).toBeLessThanOrEqual(63);
    expect(names.filter((n) => n.endsWith("-0"))).toHaveLength(3);
    expect(names.filter((n) => n.endsWith("-1"))).toHaveLength(2);
  });

  it("refuses bad address plans, unknown tiers without flavor, and Kubernetes sites", () => {
    expect(codeOf(() => generatePackage(stackIntent({ "tier.cache.subnetCidr": "10.0.4.0/24" }), OS1))).toBe(
      "E_GEN_MISSING_PARAM",
    );
    expect(codeOf(() => generatePackage(stackIntent({ "tier.web.subnetCidr": "192.168.0.0/24" }), OS1))).toBe(
      "E_GEN_INVALID_PARAM",
    );
    expect(codeOf(() => generatePackage(stackIntent({ "tier.web.subnetCidr": "10.0.2.0/23" }), OS1))).toBe(
      "E_GEN_INVALID_PARAM",
    );
    expect(codeOf(() => generatePackage(stackIntent({ "tier.web.colour": "blue" }), OS1))).toBe(
      "E_GEN_INVALID_PARAM",
    );
    expect(codeOf(() => generatePackage(stackIntent({}, "edge1"), EDGE1))).toBe("E_GEN_UNSUPPORTED");
  });

  it("accepts an extra tier with its own flavor and subnet, with no inbound rules", () => {
    const pkg = generatePackage(
      stackIntent({ "tier.cache.flavor": "m1.small", "tier.cache.subnetCidr": "10.0.4.0/24" }),
      OS1,
    );
    expect(
      serverNames({ "tier.cache.flavor": "m1.small", "tier.cache.subnetCidr": "10.0.4.0/24" }),
    ).toContain("shop-cache-0");
    const sg = ofKind(pkg.objects, "SecurityGroup").find((g) => g.metadata.name === "shop-cache");
    expect(field(sg, "spec.rules")).toEqual([]);
  });
});
