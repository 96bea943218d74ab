/** The README's "exact PromQL per target" is what `buildQueries` writes (the README stays true). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildQueries } from "../../functions/slo/buildQueries.js";
import { buildSelector } from "../../functions/slo/buildSelector.js";
import { deriveSloPolicy } from "../../functions/slo/deriveSloPolicy.js";
import { readSloIdentity } from "../../functions/slo/readSloIdentity.js";
import { SLO_METRIC_SPECS } from "../../functions/slo/sloMetrics.js";
import { compiledExample, ROOT } from "./helpers.js";

describe("README: the SLO gate's PromQL", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## The SLO gate: what it reads"));
  const blocks = [...section.matchAll(/```promql\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const compiled = compiledExample("edge-analytics");
  const identity = readSloIdentity(compiled, "edge1");

  it("names the pod set the code builds", () => {
    expect(blocks[0]!.trim()).toBe(buildSelector(identity).pods);
  });

  it("lists, in table order, the query of every target, exactly", () => {
    const pods = blocks[0]!.trim();
    const lines = blocks[1]!
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => l.replaceAll("<PODS>", pods));
    const selector = buildSelector(identity);
    expect(lines).toEqual(SLO_METRIC_SPECS.map((m) => m.promql(selector, "60s")));
    // …and these are the very strings buildQueries returns for the intent's targets.
    const built = buildQueries(deriveSloPolicy(compiled, "edge1", { rateWindowSeconds: 60 }), identity);
    for (const q of built) expect(lines).toContain(q.promql);
  });
});
