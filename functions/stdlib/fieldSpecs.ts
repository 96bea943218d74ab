/**
 * kustomize-style field specs: which objects (group, version, kind) carry a field at which path
 * (`spec/template/metadata/labels`; `name[]` walks every element of the list `name`), and whether the
 * field is created when missing. set-labels, set-annotations and ensure-name-substring are driven by
 * tables of them, and their `additional…Fields` configs are field specs too.
 */
import { FunctionConfigError } from "../runtime/errors.js";
import type { KrmObject } from "../runtime/types.js";

/** One field spec. An omitted group, version or kind matches every object. */
export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  path: string;
  create?: boolean;
}

/** `[group, version]` of an apiVersion (`v1` → `["", "v1"]`). */
export function groupVersionOf(apiVersion: string | undefined): [string, string] {
  const value = apiVersion ?? "";
  const slash = value.indexOf("/");
  return slash < 0 ? ["", value] : [value.slice(0, slash), value.slice(slash + 1)];
}

/** True when the spec's group, version and kind (those given) match the object. */
export function specApplies(obj: KrmObject, spec: FieldSpec): boolean {
  const [group, version] = groupVersionOf(obj.apiVersion);
  return (
    (spec.group === undefined || spec.group === group) &&
    (spec.version === undefined || spec.version === version) &&
    (spec.kind === undefined || spec.kind === obj.kind)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A place a field spec names: `parent[key]` (which may not exist yet). */
export interface FieldSlot {
  parent: Record<string, unknown>;
  key: string;
}

/**
 * The slots a path names in `obj`. Missing maps on the way are created only with `create`; lists are
 * never created. Accepts `/` (kustomize) or `.` as the separator.
 *
 * @example slotsAt(sts, "spec/volumeClaimTemplates[]/metadata/labels", true)
 */
export function slotsAt(obj: Record<string, unknown>, path: string, create: boolean): FieldSlot[] {
  const segments = (path.includes("/") ? path.split("/") : path.split(".")).filter((s) => s !== "");
  if (segments.length === 0) throw new FunctionConfigError(`invalid field path "${path}"`);
  let frontier: Record<string, unknown>[] = [obj];
  segments.forEach((raw, i) => {
    if (i === segments.length - 1) return;
    const list = raw.endsWith("[]");
    const key = list ? raw.slice(0, -2) : raw;
    const next: Record<string, unknown>[] = [];
    for (const map of frontier) {
      let value = map[key];
      if (list) {
        if (Array.isArray(value)) next.push(...value.filter(isRecord));
        continue;
      }
      if ((value === undefined || value === null) && create) {
        value = {};
        map[key] = value;
      }
      if (isRecord(value)) next.push(value);
    }
    frontier = next;
  });
  const last = segments[segments.length - 1] as string;
  if (last.endsWith("[]")) throw new FunctionConfigError(`field path "${path}" must end at a field`);
  return frontier
    .filter((parent) => create || (parent[last] !== undefined && parent[last] !== null))
    .map((parent) => ({ parent, key: last }));
}

/** Merges `entries` into the string maps at `path`, creating them with `create`. Returns how many it touched. */
export function mergeMapsAt(
  obj: Record<string, unknown>,
  path: string,
  create: boolean,
  entries: Readonly<Record<string, string>>,
): number {
  let touched = 0;
  for (const { parent, key } of slotsAt(obj, path, create)) {
    const current = parent[key];
    if (current !== undefined && current !== null && !isRecord(current)) continue;
    parent[key] = { ...((current as Record<string, string> | undefined) ?? {}), ...entries };
    touched++;
  }
  return touched;
}

/** Reads an `additional…Fields` list from a typed config, checking its shape. */
export function readFieldSpecs(value: unknown, field: string, fn: string): FieldSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new FunctionConfigError(`${fn}: ${field} must be a list`);
  return value.map((raw, i) => {
    if (!isRecord(raw) || typeof raw["path"] !== "string" || raw["path"] === "") {
      throw new FunctionConfigError(`${fn}: ${field}[${i}].path is required`);
    }
    const spec: FieldSpec = { path: raw["path"], create: raw["create"] === true };
    for (const key of ["group", "version", "kind"] as const) {
      const v = raw[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== "string")
        throw new FunctionConfigError(`${fn}: ${field}[${i}].${key} must be a string`);
      spec[key] = v;
    }
    return spec;
  });
}
