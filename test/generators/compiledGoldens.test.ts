/**
 * The compiler's golden CompiledIntents (test/golden/compile) through the generators, with the project's
 * site registry: every one must generate, deterministically, with the identity on every object.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import type { CompiledIntent, SiteRegistry } from "../../compiler/types.js";
import { generateAll } from "../../functions/generators/index.js";

const root = join(import.meta.dirname, "..", "..");
const goldenDir = join(root, "test", "golden", "compile");
const registry = parse(readFileSync(join(root, "intents", "sites.yaml"), "utf8")) as SiteRegistry;
const goldens = readdirSync(goldenDir)
  .filter((f) => f.endsWith(".json"))
  .sort();

describe("compiler goldens through the generators", () => {
  it("has goldens to read", () => {
    expect(goldens.length).toBeGreaterThan(0);
  });

  for (const file of goldens) {
    it(`generates ${file} for every target site`, () => {
      const compiled = JSON.parse(readFileSync(join(goldenDir, file), "utf8")) as CompiledIntent;
      const packages = generateAll(compiled, registry.sites);
      expect(packages.map((p) => p.site)).toEqual(compiled.spec.sites);
      for (const pkg of packages) {
        expect(pkg.objects.length).toBeGreaterThan(0);
        for (const o of pkg.objects) {
          expect(o.metadata.labels["intentops.io/intent-id"]).toBe(compiled.spec.intentId);
          expect(o.metadata.annotations["intentops.io/intent-digest"]).toBe(compiled.spec.intentDigest);
          expect(o.metadata.annotations["intentops.io/site"]).toBe(pkg.site);
        }
      }
      expect(stringifyCanonical(generateAll(compiled, registry.sites))).toBe(stringifyCanonical(packages));
    });
  }
});
