import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import type { CompiledIntent } from "../../compiler/types.js";
import {
  type GeneratedObject,
  generateAll,
  generatePackage,
  sortObjects,
} from "../../functions/generators/index.js";
import type { KrmObject } from "../../functions/runtime/types.js";
import { appIntent, codeOf, compiledIntent, EDGE1, EDGE2, errorOf, OS1 } from "./support/compiledIntent.js";

/** One intent with every Kubernetes workload kind. */
function mixedIntent(replicas = 2, sites: string[] = ["edge1"]): CompiledIntent {
  return compiledIntent({
    revision: "7",
    delivers: [
      {
        id: "d-app",
        instance: "shop",
        sites,
        kind: "application",
        contexts: { applicationName: "shop", containerImage: "registry.example.com/shop:1", replicas },
      },
      {
        id: "d-dns",
        instance: "rec",
        sites,
        kind: "dnsRecord",
        contexts: { dnsName: "shop.example.com", dnsRecordTargets: ["192.0.2.1"] },
      },
      { id: "d-slice", instance: "sl", sites, kind: "slice", contexts: { sliceType: "eMBB" } },
    ],
    ensures: [{ id: "e-app", instance: "shop", targets: [["p95Latency", "IS_LESS_THAN", 80]] }],
  });
}

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

describe("generatePackage", () => {
  it("labels and annotates every object with its identity", () => {
    const compiled = mixedIntent();
    const pkg = generatePackage(compiled, EDGE1);
    expect(pkg.subject).toBe("edge1/demo");
    for (const o of pkg.objects) {
      expect(o.metadata.labels["intentops.io/intent-id"], o.kind).toBe("demo");
      expect(o.metadata.labels["app.kubernetes.io/managed-by"]).toBe("intentops");
      expect(o.metadata.annotations["intentops.io/intent-digest"]).toBe(compiled.spec.intentDigest);
      expect(o.metadata.annotations["intentops.io/site"]).toBe("edge1");
      expect(o.metadata.annotations["intentops.io/expectation-id"]).toMatch(/^d-(app|dns|slice)(,d-\w+)*$/);
      expect(o.metadata.annotations["intentops.io/revision"]).toBe("7");
      if (o.kind !== "CustomResourceDefinition") expect(o.metadata.name).toMatch(NAME);
      const namespaced = !["Namespace", "CustomResourceDefinition"].includes(o.kind);
      expect(o.metadata.namespace !== undefined, o.kind).toBe(namespaced);
    }
    // The Namespace is shared by the three workloads.
    const ns = pkg.objects.find((o) => o.kind === "Namespace");
    expect(ns?.metadata.annotations["intentops.io/expectation-id"]).toBe("d-app,d-dns,d-slice");
  });

  it("sorts objects by group, version, kind, namespace, name", () => {
    const pkg = generatePackage(mixedIntent(), EDGE1);
    expect(pkg.objects).toEqual(sortObjects(pkg.objects));
    expect(pkg.objects[0]?.apiVersion).toBe("v1");
  });

  it("is deterministic: same input, deep-equal objects and the same canonical JSON", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (replicas) => {
        const a = generatePackage(mixedIntent(replicas), EDGE1);
        const b = generatePackage(mixedIntent(replicas), EDGE1);
        expect(b).toEqual(a);
        expect(stringifyCanonical(b)).toBe(stringifyCanonical(a));
      }),
      { numRuns: 25 },
    );
  });

  it("does not depend on the order of expectations or contexts in the intent", () => {
    const compiled = mixedIntent();
    const shuffled = structuredClone(compiled);
    shuffled.spec.intent.intentExpectations.reverse();
    for (const e of shuffled.spec.intent.intentExpectations) e.expectationObject.objectContexts?.reverse();
    expect(stringifyCanonical(generatePackage(shuffled, EDGE1))).toBe(
      stringifyCanonical(generatePackage(compiled, EDGE1)),
    );
  });

  it("returns objects the caller may mutate without changing later output", () => {
    const first = generatePackage(mixedIntent(), EDGE1);
    for (const o of first.objects) {
      o.metadata.labels["x"] = "y";
      const spec = o["spec"];
      if (spec && typeof spec === "object" && !Array.isArray(spec))
        (spec as Record<string, unknown>)["mutated"] = true;
    }
    const second = generatePackage(mixedIntent(), EDGE1);
    expect(second.objects.some((o) => o.metadata.labels["x"] !== undefined)).toBe(false);
    expect(JSON.stringify(second.objects)).not.toContain("mutated");
  });

  it("produces objects the runtime accepts as KRM objects", () => {
    const objects: KrmObject[] = generatePackage(mixedIntent(), EDGE1).objects;
    expect(objects.length).toBeGreaterThan(0);
  });

  it("writes a Kptfile (local config, identity, optional pipeline) and a README", () => {
    const pkg = generatePackage(mixedIntent(), EDGE1, {
      pipeline: { validators: [{ exec: "validate-schemas", name: "schemas" }] },
    });
    expect(pkg.kptfile).toMatchObject({
      apiVersion: "kpt.dev/v1",
      kind: "Kptfile",
      metadata: {
        name: "demo",
        annotations: {
          "config.kubernetes.io/local-config": "true",
          "intentops.io/site": "edge1",
          "intentops.io/expectation-id": "d-app,d-dns,d-slice",
        },
      },
      pipeline: { validators: [{ exec: "validate-schemas", name: "schemas" }] },
    });
    expect(generatePackage(mixedIntent(), EDGE1).kptfile["pipeline"]).toBeUndefined();
    expect(pkg.readme).toContain("# demo on edge1");
    for (const o of pkg.objects) expect(pkg.readme).toContain(`| ${o.kind} |`);
    expect(generatePackage(mixedIntent(), EDGE1, { readme: false }).readme).toBeUndefined();
  });

  it("generates one package per target site with the site in every annotation", () => {
    const pkgs = generateAll(mixedIntent(2, ["edge1", "edge2"]), [EDGE2, OS1, EDGE1]);
    expect(pkgs.map((p) => p.subject)).toEqual(["edge1/demo", "edge2/demo"]);
    for (const p of pkgs) {
      for (const o of p.objects) expect(o.metadata.annotations["intentops.io/site"]).toBe(p.site);
    }
    expect(codeOf(() => generateAll(mixedIntent(2, ["edge1", "edge2"]), [EDGE1]))).toBe("E_GEN_UNKNOWN_SITE");
  });

  it("delivers only the expectations that target the site", () => {
    const compiled = compiledIntent({
      delivers: [
        {
          id: "a",
          instance: "a",
          sites: "edge1",
          kind: "application",
          contexts: { applicationName: "a", containerImage: "x/a:1" },
        },
        {
          id: "b",
          instance: "b",
          sites: ["edge1", "edge2"],
          kind: "application",
          contexts: { applicationName: "b", containerImage: "x/b:1" },
        },
      ],
    });
    const names = (site: typeof EDGE1) =>
      generatePackage(compiled, site)
        .objects.filter((o) => o.kind === "Deployment")
        .map((o) => o.metadata.name);
    expect(names(EDGE1)).toEqual(["a", "b"]);
    expect(names(EDGE2)).toEqual(["b"]);
    const error = errorOf(() => generatePackage(compiled, { id: "edge9", kind: "kubernetes" }));
    expect(error.code).toBe("E_GEN_SITE_NOT_TARGETED");
    expect(error.subject).toBe("edge9/demo");
  });

  it("refuses an ENSURE that refers to no DELIVER, naming it", () => {
    const compiled = compiledIntent({
      delivers: [
        {
          id: "d",
          instance: "a",
          sites: "edge1",
          kind: "application",
          contexts: { containerImage: "x/a:1" },
        },
      ],
      ensures: [{ id: "lost", instance: "zzz", targets: [["p95Latency", "IS_LESS_THAN", 10]] }],
    });
    const error = errorOf(() => generatePackage(compiled, EDGE1));
    expect(error.code).toBe("E_GEN_INVALID_PARAM");
    expect(error.expectationId).toBe("lost");
  });

  it("refuses a DELIVER without sites, a duplicated context and a wrong workload kind", () => {
    const noSites = appIntent();
    const d = noSites.spec.intent.intentExpectations[0]!;
    d.expectationObject.objectContexts = d.expectationObject.objectContexts?.filter(
      (c) => c.contextAttribute !== "edgeIdentificationId",
    );
    expect(codeOf(() => generatePackage(noSites, EDGE1))).toBe("E_GEN_MISSING_PARAM");
    const twice = appIntent();
    const t = twice.spec.intent.intentExpectations[0]!;
    t.expectationObject.objectContexts?.push(
      { contextAttribute: "replicas", contextCondition: "IS_EQUAL_TO", contextValueRange: 1 },
      { contextAttribute: "replicas", contextCondition: "IS_EQUAL_TO", contextValueRange: 2 },
    );
    expect(codeOf(() => generatePackage(twice, EDGE1))).toBe("E_GEN_INVALID_PARAM");
    const wrongKind = compiledIntent({
      delivers: [
        {
          id: "d",
          sites: "edge1",
          kind: "slice",
          objectType: "EdgeService_Support",
          contexts: { sliceType: "eMBB" },
        },
      ],
    });
    expect(codeOf(() => generatePackage(wrongKind, EDGE1))).toBe("E_GEN_INVALID_PARAM");
  });

  it("reports E_GEN_CONFLICT when two expectations make different objects with one identity", () => {
    const compiled = compiledIntent({
      delivers: [
        {
          id: "a",
          instance: "a",
          sites: "edge1",
          kind: "application",
          contexts: { applicationName: "same", containerImage: "x/a:1" },
        },
        {
          id: "b",
          instance: "b",
          sites: "edge1",
          kind: "application",
          contexts: { applicationName: "same", containerImage: "x/b:1" },
        },
      ],
    });
    expect(codeOf(() => generatePackage(compiled, EDGE1))).toBe("E_GEN_CONFLICT");
  });

  it("keeps every name within 63 characters, stable and distinct for long identities", () => {
    const long = (suffix: string) => `${"very-long-application-name-".repeat(3)}${suffix}`;
    const make = (suffix: string) => generatePackage(appIntent({ applicationName: long(suffix) }), EDGE1);
    const a = make("one");
    const b = make("two");
    for (const o of [...a.objects, ...b.objects]) expect(o.metadata.name, o.kind).toMatch(NAME);
    const deployment = (p: { objects: GeneratedObject[] }) => p.objects.find((o) => o.kind === "Deployment")!;
    expect(deployment(a).metadata.name.length).toBeLessThanOrEqual(63);
    expect(deployment(a).metadata.name).toMatch(/-[0-9a-f]{8}$/);
    expect(deployment(a).metadata.name).not.toBe(deployment(b).metadata.name);
    expect(deployment(make("one")).metadata.name).toBe(deployment(a).metadata.name);
    // A namespace is the user's name, never rewritten: an invalid one is refused.
    expect(codeOf(() => generatePackage(appIntent({ namespace: `ns-${"n".repeat(70)}` }), EDGE1))).toBe(
      "E_GEN_INVALID_PARAM",
    );
  });
});
