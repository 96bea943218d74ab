import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import type { ValueRange } from "../../compiler/types.js";
import { generatePackage } from "../../functions/generators/index.js";
import { codeOf, compiledIntent, EDGE1, field, OS1 } from "./support/compiledIntent.js";

function dnsIntent(contexts: Record<string, ValueRange | ValueRange[]>, sites = "edge1") {
  return compiledIntent({
    delivers: [{ id: "deliver-dns", instance: "rec", sites, kind: "dnsRecord", contexts }],
  });
}
const endpointOf = (contexts: Record<string, ValueRange | ValueRange[]>) => {
  const ep = generatePackage(dnsIntent(contexts), EDGE1).objects.find((o) => o.kind === "DNSEndpoint");
  return ep;
};

describe("dnsRecord generator", () => {
  it("emits an ExternalDNS DNSEndpoint with the record", () => {
    const ep = endpointOf({
      dnsName: "api.example.com",
      dnsRecordType: "A",
      dnsRecordTargets: ["192.0.2.10", "192.0.2.11"],
      dnsTtl: 300,
    });
    expect(ep?.apiVersion).toBe("externaldns.k8s.io/v1alpha1");
    expect(ep?.metadata).toMatchObject({ name: "api-example-com-a", namespace: "demo" });
    expect(field(ep, "spec.endpoints")).toEqual([
      { dnsName: "api.example.com", recordType: "A", targets: ["192.0.2.10", "192.0.2.11"], recordTTL: 300 },
    ]);
  });

  it("infers A / AAAA from the targets and otherwise requires the type", () => {
    expect(
      field(endpointOf({ dnsName: "a.example.com", dnsRecordTargets: "192.0.2.1" }), "spec.endpoints"),
    ).toEqual([{ dnsName: "a.example.com", recordType: "A", targets: ["192.0.2.1"] }]);
    expect(
      (
        field(
          endpointOf({ dnsName: "a.example.com", dnsRecordTargets: ["2001:db8::1"] }),
          "spec.endpoints",
        ) as unknown[]
      )[0],
    ).toMatchObject({ recordType: "AAAA" });
    expect(codeOf(() => endpointOf({ dnsName: "a.example.com", dnsRecordTargets: ["b.example.com"] }))).toBe(
      "E_GEN_MISSING_PARAM",
    );
  });

  it("refuses a CNAME with two targets and a record without targets", () => {
    expect(
      codeOf(() =>
        endpointOf({
          dnsName: "a.example.com",
          dnsRecordType: "CNAME",
          dnsRecordTargets: ["b.example.com", "c.example.com"],
        }),
      ),
    ).toBe("E_GEN_INVALID_PARAM");
    expect(codeOf(() => endpointOf({ dnsName: "a.example.com", dnsRecordType: "A" }))).toBe(
      "E_GEN_MISSING_PARAM",
    );
  });

  it("on an OpenStack site emits a RecordSet for the site driver (absolute names, no namespace)", () => {
    const a = generatePackage(
      dnsIntent({ dnsName: "a.example.com", dnsRecordTargets: ["192.0.2.1"], dnsTtl: 60 }, "os1"),
      OS1,
    ).objects;
    expect(a.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual(["openstack.intentops.io/v1alpha1 RecordSet"]);
    const rs = a.find((o) => o.kind === "RecordSet");
    expect(rs?.metadata).toMatchObject({ name: "a-example-com-a" });
    expect(rs?.metadata).not.toHaveProperty("namespace");
    expect(field(rs, "spec")).toEqual({ name: "a.example.com.", type: "A", records: ["192.0.2.1"], ttl: 60 });
    const cname = generatePackage(
      dnsIntent(
        { dnsName: "www.example.com.", dnsRecordType: "CNAME", dnsRecordTargets: ["web.example.net"] },
        "os1",
      ),
      OS1,
    ).objects.find((o) => o.kind === "RecordSet");
    expect(field(cname, "spec")).toEqual({
      name: "www.example.com.",
      type: "CNAME",
      records: ["web.example.net."],
    });
  });

  it("keeps a TXT value with YAML syntax as the same plain string, through YAML too", () => {
    const value = "a: b\n- c";
    const ep = endpointOf({
      dnsName: "txt.example.com",
      dnsRecordType: "TXT",
      dnsRecordTargets: [value, "#not a comment"],
    });
    const targets = field(ep, "spec.endpoints.0.targets") as string[];
    expect(targets).toEqual([value, "#not a comment"]);
    expect(parse(stringify(ep))).toEqual(ep);
  });
});
