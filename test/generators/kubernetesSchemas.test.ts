import { describe, expect, it } from "vitest";
import { generatePackage } from "../../functions/generators/index.js";
import type { KrmObject } from "../../functions/runtime/types.js";
import { validateSchemas } from "../../functions/stdlib/validateSchemas.js";
import { compiledIntent, EDGE1 } from "./support/compiledIntent.js";

describe("generated Kubernetes objects against the bundled Kubernetes v1.34 schemas", () => {
  it("validates every object with a schema (core kinds, CRD, and NetworkSlice by its CRD)", async () => {
    const compiled = compiledIntent({
      delivers: [
        {
          id: "d-app",
          instance: "shop",
          sites: "edge1",
          kind: "application",
          contexts: {
            applicationName: "shop",
            applicationVersion: "1.0.0",
            containerImage: "registry.example.com/shop:1",
            minReplicas: 2,
            maxReplicas: 6,
            cpuLimit: "1",
            memoryLimit: "512Mi",
          },
        },
        {
          id: "d-slice",
          instance: "sl",
          sites: "edge1",
          kind: "slice",
          contexts: { sliceType: "V2X", sliceDifferentiator: "abcdef" },
        },
        {
          id: "d-dns",
          instance: "rec",
          sites: "edge1",
          kind: "dnsRecord",
          contexts: { dnsName: "a.example.com", dnsRecordTargets: ["192.0.2.1"] },
        },
      ],
      ensures: [{ id: "e", instance: "shop", targets: [["cpuUtilization", "IS_LESS_THAN", 70]] }],
    });
    const items: KrmObject[] = generatePackage(compiled, EDGE1).objects;
    const out = await validateSchemas({ apiVersion: "config.kubernetes.io/v1", kind: "ResourceList", items });
    const errors = (out.results ?? []).filter((r) => r.severity === "error");
    expect(errors).toEqual([]);
    // Only the third-party kinds (Prometheus Operator, ExternalDNS) lack a schema here.
    const unchecked = (out.results ?? [])
      .filter((r) => r.severity === "warning")
      .map((r) => r.resourceRef?.kind);
    expect(unchecked.sort()).toEqual(["DNSEndpoint", "PrometheusRule", "ServiceMonitor"]);
  });
});
