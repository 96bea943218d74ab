/** Shared fixtures for the SLO tests: the repository's example intents, compiled. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileIntent } from "../../compiler/compileIntent.js";
import { parseSiteRegistry } from "../../compiler/parseSiteRegistry.js";
import type { CompiledIntent } from "../../compiler/types.js";
import type { SloPolicy, SloSample } from "../../functions/slo/types.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const REGISTRY = parseSiteRegistry(readFileSync(join(ROOT, "intents", "sites.yaml"), "utf8"));

// compileIntent is asynchronous (the JSON-LD processor's API is): the examples are compiled once, up front.
const COMPILED = new Map<string, CompiledIntent>();
for (const name of readdirSync(join(ROOT, "intents")).filter((n) => n.endsWith(".json"))) {
  const text = readFileSync(join(ROOT, "intents", name), "utf8");
  COMPILED.set(name.slice(0, -".json".length), await compileIntent(text, REGISTRY));
}

/** `intents/<stem>.json`, compiled against `intents/sites.yaml`; a fresh copy each call. */
export function compiledExample(stem: string): CompiledIntent {
  const compiled = COMPILED.get(stem);
  if (!compiled) throw new Error(`no example intent ${stem}`);
  return structuredClone(compiled);
}

/** A pinned instant: evaluation times in tests are offsets from it. */
export const T0 = Date.UTC(2025, 0, 2, 3, 4, 0);

/** Samples one `interval` second apart from T0, one per value (`undefined`: no data, with a note). */
export function series(values: ReadonlyArray<number | undefined>, intervalSeconds = 1): SloSample[] {
  return values.map((value, i) =>
    value === undefined
      ? { at: T0 + i * intervalSeconds * 1000, note: "no data" }
      : { at: T0 + i * intervalSeconds * 1000, value },
  );
}

/** A small hand-made policy with one latency target (p95 < 100 ms, for 3 s, at least 3 samples). */
export function latencyPolicy(extra: Partial<SloPolicy> = {}): SloPolicy {
  return {
    apiVersion: "intentops.io/v1alpha1",
    kind: "SloPolicy",
    intentId: "demo",
    site: "edge1",
    intentDigest: `sha256:${"0".repeat(64)}`,
    windowSeconds: 10,
    intervalSeconds: 1,
    rateWindowSeconds: 3,
    onInconclusive: "rollback",
    onUnmonitored: "inconclusive",
    targets: [
      {
        id: "slo/p95Latency",
        name: "p95Latency",
        expectationId: "slo",
        condition: "IS_LESS_THAN",
        metric: "http_latency_p95_ms",
        unit: "ms",
        comparison: "<",
        threshold: 100,
        forSeconds: 3,
        minSamples: 3,
        action: "rollback",
      },
    ],
    unmonitored: [],
    ...extra,
  };
}
