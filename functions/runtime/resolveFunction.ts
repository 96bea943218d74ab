/**
 * Finds the in-process implementation of a pipeline step in a registry, by `image` or `exec`.
 */
import { FunctionNotFoundError } from "./errors.js";
import type { FunctionSpec } from "./parseKptfile.js";
import type { KrmFunction } from "./types.js";

/** Functions by name: an image reference, an exec command, or a short name such as `set-labels`. */
export type FunctionRegistry = Readonly<Record<string, KrmFunction>> | ReadonlyMap<string, KrmFunction>;

function lookup(registry: FunctionRegistry, key: string): KrmFunction | undefined {
  if (registry instanceof Map) return registry.get(key);
  const record = registry as Readonly<Record<string, KrmFunction>>;
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Candidate registry keys for a step, most specific first. */
export function functionKeys(spec: Pick<FunctionSpec, "image" | "exec">): string[] {
  if (spec.image) {
    const noDigest = spec.image.split("@")[0] ?? spec.image;
    const lastSlash = noDigest.lastIndexOf("/");
    const colon = noDigest.lastIndexOf(":");
    const noTag = colon > lastSlash ? noDigest.slice(0, colon) : noDigest;
    return [...new Set([spec.image, noTag, noTag.slice(noTag.lastIndexOf("/") + 1)])];
  }
  const exec = spec.exec ?? "";
  // `node dist/functions/bin/set-labels.js` → `set-labels`: the script names the function.
  const tokens = exec.trim().split(/\s+/);
  const script = [...tokens].reverse().find((t) => /\.(?:m?js|ts|sh)$/.test(t)) ?? tokens[0] ?? "";
  const base = script.slice(script.lastIndexOf("/") + 1).replace(/\.(?:m?js|ts|sh)$/, "");
  return [...new Set([exec, base])];
}

/**
 * Returns the function for a step or throws `FunctionNotFoundError` (`E_FN_NOT_FOUND`).
 *
 * @example resolveFunction({ "set-labels": setLabels }, { image: "ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2" })
 */
export function resolveFunction(
  registry: FunctionRegistry,
  spec: Pick<FunctionSpec, "image" | "exec">,
): KrmFunction {
  for (const key of functionKeys(spec)) {
    const fn = lookup(registry, key);
    if (fn) return fn;
  }
  throw new FunctionNotFoundError(spec.image ?? spec.exec ?? "");
}
