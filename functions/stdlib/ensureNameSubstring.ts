/**
 * ensure-name-substring: makes sure object names contain a substring, adding it in front or at the end
 * when missing. Config: ConfigMap `data.prepend` or `data.append` (exactly one), or `EnsureNameSubstring`
 * with `substring`, `editMode` (`prepend` default, or `append`) and optional `editFields`
 * (`[{kind?, apiVersion?, path}]`: more name-like fields to edit, e.g. `spec.serviceName`).
 */
import { FunctionConfigError } from "../runtime/errors.js";
import type { KrmFunction, KrmObject, ResourceList, Result } from "../runtime/types.js";
import { findFields } from "./fieldPath.js";
import { isPackageMeta, readFunctionConfig, refOf } from "./readFunctionConfig.js";

interface EditField {
  kind?: string;
  apiVersion?: string;
  path: string;
}

function readConfig(rl: ResourceList): {
  substring: string;
  mode: "prepend" | "append";
  fields: EditField[];
} {
  const cfg = readFunctionConfig(rl, "ensure-name-substring", ["EnsureNameSubstring"]);
  if (cfg.configMap) {
    const { prepend, append } = cfg.data;
    if ((prepend === undefined) === (append === undefined)) {
      throw new FunctionConfigError("ensure-name-substring: give exactly one of `prepend` and `append`");
    }
    const substring = (prepend ?? append) as string;
    if (substring === "")
      throw new FunctionConfigError("ensure-name-substring: the substring must not be empty");
    return { substring, mode: prepend !== undefined ? "prepend" : "append", fields: [] };
  }
  const o = cfg.object;
  const substring = o["substring"];
  const mode = o["editMode"] ?? "prepend";
  if (typeof substring !== "string" || substring === "")
    throw new FunctionConfigError("ensure-name-substring: `substring` is required");
  if (mode !== "prepend" && mode !== "append")
    throw new FunctionConfigError("ensure-name-substring: `editMode` must be prepend or append");
  const fields = (o["editFields"] ?? []) as EditField[];
  if (!Array.isArray(fields) || fields.some((f) => typeof f?.path !== "string")) {
    throw new FunctionConfigError(
      "ensure-name-substring: `editFields` must be a list of {kind?, apiVersion?, path}",
    );
  }
  return { substring, mode, fields };
}

const applies = (obj: KrmObject, f: EditField) =>
  (f.kind === undefined || f.kind === obj.kind) &&
  (f.apiVersion === undefined || f.apiVersion === obj.apiVersion);

/**
 * The ensure-name-substring function.
 *
 * @example await ensureNameSubstring({ ...rl, functionConfig: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "e" }, data: { prepend: "prod-" } } })
 */
export const ensureNameSubstring: KrmFunction = (rl: ResourceList) => {
  const { substring, mode, fields } = readConfig(rl);
  const results: Result[] = [...(rl.results ?? [])];
  const edit = (value: string) =>
    value.includes(substring) ? value : mode === "prepend" ? substring + value : value + substring;
  for (const obj of rl.items) {
    if (isPackageMeta(obj)) continue;
    const paths = ["metadata.name", ...fields.filter((f) => applies(obj, f)).map((f) => f.path)];
    for (const path of paths) {
      for (const loc of findFields(obj, path, false)) {
        const container = loc.container as Record<string | number, unknown>;
        const current = container[loc.key];
        if (typeof current !== "string") continue;
        const next = edit(current);
        if (next === current) continue;
        container[loc.key] = next;
        results.push({
          message: `${path} now contains "${substring}"`,
          severity: "info",
          resourceRef: refOf(obj),
          field: { path, currentValue: current, proposedValue: next },
        });
      }
    }
  }
  return { ...rl, results };
};
