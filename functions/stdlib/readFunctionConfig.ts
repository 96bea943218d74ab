/**
 * Reads a function's configuration: a ConfigMap's `data` (what `kpt fn eval -- k=v` and a Kptfile
 * `configMap:` produce) or the function's own typed kind. A missing or wrong config is an operational
 * failure (thrown), never a result.
 */
import { FunctionConfigError } from "../runtime/errors.js";
import type { KrmObject, ResourceList } from "../runtime/types.js";

/** The config as either ConfigMap data or the object of an accepted kind. */
export type ReadConfig =
  | { configMap: true; data: Record<string, string> }
  | { configMap: false; object: KrmObject };

/**
 * Returns the function config, accepting a ConfigMap or one of `kinds`.
 *
 * @example const cfg = readFunctionConfig(rl, "set-labels", ["SetLabels"]);
 */
export function readFunctionConfig(rl: ResourceList, fn: string, kinds: readonly string[]): ReadConfig {
  const fc = rl.functionConfig;
  if (!fc)
    throw new FunctionConfigError(`${fn}: functionConfig is required (a ConfigMap or ${kinds.join(", ")})`);
  if (fc.kind === "ConfigMap") {
    const raw = (fc["data"] ?? {}) as Record<string, unknown>;
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) data[k] = v === null || v === undefined ? "" : String(v);
    return { configMap: true, data };
  }
  if (kinds.includes(fc.kind)) return { configMap: false, object: fc };
  throw new FunctionConfigError(
    `${fn}: functionConfig kind ${fc.kind} is not supported (use ConfigMap or ${kinds.join(", ")})`,
  );
}

/** Reads a string map field of a typed config, checking every value is a string. */
export function stringMapField(obj: KrmObject, field: string, fn: string): Record<string, string> {
  const value = obj[field];
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new FunctionConfigError(`${fn}: ${field} must be a mapping of strings`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || typeof v === "object")
      throw new FunctionConfigError(`${fn}: ${field}.${k} must be a string`);
    out[k] = String(v);
  }
  return out;
}

/** True for a package's Kptfile. */
export function isKptfile(obj: KrmObject): boolean {
  return (
    obj.kind === "Kptfile" && typeof obj.apiVersion === "string" && obj.apiVersion.startsWith("kpt.dev/")
  );
}

/** True for `config.kubernetes.io/local-config: "true"` objects (function configs and the like). */
export function isLocalConfigObject(obj: KrmObject): boolean {
  const v = obj.metadata?.annotations?.["config.kubernetes.io/local-config"];
  return typeof v === "string" && v.trim().toLowerCase() === "true";
}

/** True for objects that never reach a cluster: the Kptfile and local-config objects. */
export function isPackageMeta(obj: KrmObject): boolean {
  return isKptfile(obj) || isLocalConfigObject(obj);
}

/**
 * Keys of a config map in a fixed order (sorted), so a function applies them the same way whatever
 * order the config was written in.
 */
export function sortedEntries(map: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(map).sort()) out[key] = map[key] as string;
  return out;
}

/** The reference of an object for results. */
export function refOf(obj: KrmObject) {
  return {
    apiVersion: obj.apiVersion ?? "",
    kind: obj.kind ?? "",
    name: obj.metadata?.name ?? "",
    ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
}
