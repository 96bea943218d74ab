/**
 * apply-replacements: copies a value from one object's field into fields of other objects, with
 * kustomize `replacements` semantics: a `source` (select by group/version/kind/name/namespace,
 * `fieldPath` default `metadata.name`, `options.delimiter`/`index` to take part of the value) and
 * `targets` (`select`, `reject`, `fieldPaths`, `options.delimiter`/`index` to replace part of the value,
 * `options.create` to add missing fields). Config: `ApplyReplacements` with `replacements`.
 */
import { FunctionConfigError } from "../runtime/errors.js";
import { isNonKrm } from "../runtime/parseKrm.js";
import type { KrmFunction, KrmObject, ResourceList, Result } from "../runtime/types.js";
import { findFields } from "./fieldPath.js";
import { groupVersionOf } from "./fieldSpecs.js";
import { matchesLabelSelector } from "./matchesLabelSelector.js";
import { readFunctionConfig, refOf } from "./readFunctionConfig.js";

interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}
interface Options {
  delimiter?: string;
  index?: number;
  create?: boolean;
}
interface Replacement {
  source: Selector & { fieldPath?: string; options?: Options };
  targets: { select: Selector; reject?: Selector[]; fieldPaths: string[]; options?: Options }[];
}

// kustomize: an object without a namespace is in the default namespace.
const namespaceOf = (obj: KrmObject) => obj.metadata.namespace || "default";

function matches(obj: KrmObject, s: Selector): boolean {
  if (isNonKrm(obj)) return false;
  const [group, version] = groupVersionOf(obj.apiVersion);
  return (
    (s.group === undefined || s.group === group) &&
    (s.version === undefined || s.version === version) &&
    (s.kind === undefined || s.kind === obj.kind) &&
    (s.name === undefined || s.name === obj.metadata.name) &&
    (s.namespace === undefined || (s.namespace || "default") === namespaceOf(obj)) &&
    (s.labelSelector === undefined || matchesLabelSelector(s.labelSelector, obj.metadata.labels)) &&
    (s.annotationSelector === undefined ||
      matchesLabelSelector(s.annotationSelector, obj.metadata.annotations))
  );
}

function readReplacements(rl: ResourceList): Replacement[] {
  const cfg = readFunctionConfig(rl, "apply-replacements", ["ApplyReplacements"]);
  if (cfg.configMap)
    throw new FunctionConfigError("apply-replacements: functionConfig must be an ApplyReplacements");
  const list = cfg.object["replacements"];
  if (!Array.isArray(list) || list.length === 0) {
    throw new FunctionConfigError("apply-replacements: `replacements` must be a non-empty list");
  }
  list.forEach((r, i) => {
    const rep = r as Partial<Replacement>;
    if (!rep?.source || typeof rep.source !== "object")
      throw new FunctionConfigError(`apply-replacements: replacements[${i}].source is required`);
    if (!Array.isArray(rep.targets))
      throw new FunctionConfigError(`apply-replacements: replacements[${i}].targets must be a list`);
    rep.targets.forEach((t, j) => {
      if (!t?.select || !Array.isArray(t.fieldPaths) || t.fieldPaths.length === 0) {
        throw new FunctionConfigError(
          `apply-replacements: replacements[${i}].targets[${j}] needs select and fieldPaths`,
        );
      }
    });
  });
  return list as Replacement[];
}

function sourceValue(items: readonly KrmObject[], rep: Replacement, i: number): unknown {
  const { fieldPath = "metadata.name", options, ...selector } = rep.source;
  const found = items.filter((o) => matches(o, selector));
  if (found.length !== 1) {
    throw new FunctionConfigError(
      `apply-replacements: replacements[${i}].source must select exactly one object, found ${found.length}`,
    );
  }
  const locations = findFields(found[0], fieldPath, false);
  if (locations.length === 0)
    throw new FunctionConfigError(
      `apply-replacements: replacements[${i}]: source field ${fieldPath} not found`,
    );
  const loc = locations[0] as { container: Record<string | number, unknown>; key: string | number };
  const value = loc.container[loc.key];
  if (options?.delimiter !== undefined) {
    if (value !== null && typeof value === "object") {
      throw new FunctionConfigError(
        `apply-replacements: replacements[${i}]: options.delimiter needs a scalar source, but ${fieldPath} is a ${Array.isArray(value) ? "list" : "map"}`,
      );
    }
    const parts = String(value).split(options.delimiter);
    const index = options.index ?? 0;
    if (index < 0 || index >= parts.length)
      throw new FunctionConfigError(
        `apply-replacements: replacements[${i}]: source options.index out of range`,
      );
    return parts[index];
  }
  return value;
}

// The target keeps its type: "5" into `replicas: 3` is 5, "true" into a boolean is true.
function typedLike(current: unknown, value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (typeof current === "number" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  if (typeof current === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

function replaced(current: unknown, value: unknown, options: Options | undefined): unknown {
  if (options?.delimiter === undefined) return typedLike(current, value);
  const parts = current === undefined || current === null ? [] : String(current).split(options.delimiter);
  const index = options.index ?? 0;
  // kustomize: an index past either end adds the value at that end.
  if (index >= parts.length) parts.push(String(value));
  else if (index < 0) parts.unshift(String(value));
  else parts[index] = String(value);
  return parts.join(options.delimiter);
}

/**
 * The apply-replacements function.
 *
 * @example await applyReplacements({ ...rl, functionConfig: { apiVersion: "fn.kpt.dev/v1alpha1", kind: "ApplyReplacements", metadata: { name: "r" }, replacements: [...] } })
 */
export const applyReplacements: KrmFunction = (rl: ResourceList) => {
  const replacements = readReplacements(rl);
  const results: Result[] = [...(rl.results ?? [])];
  replacements.forEach((rep, i) => {
    const value = sourceValue(rl.items, rep, i);
    for (const target of rep.targets) {
      for (const obj of rl.items) {
        if (!matches(obj, target.select) || (target.reject ?? []).some((r) => matches(obj, r))) continue;
        for (const fieldPath of target.fieldPaths) {
          for (const loc of findFields(obj, fieldPath, target.options?.create === true)) {
            const container = loc.container as Record<string | number, unknown>;
            const next = replaced(container[loc.key], value, target.options);
            if (JSON.stringify(container[loc.key]) === JSON.stringify(next)) continue;
            results.push({
              message: `replaced ${fieldPath}`,
              severity: "info",
              resourceRef: refOf(obj),
              field: { path: fieldPath, currentValue: container[loc.key], proposedValue: next },
            });
            container[loc.key] = structuredClone(next);
          }
        }
      }
    }
  });
  return { ...rl, results };
};
