/**
 * ensure-name-substring: makes sure object names contain a substring, adding it in front or at the end
 * when missing (idempotent), and points the fields that refer to a renamed object (volumes, env
 * sources, serviceAccountName, RoleBinding roleRef and subjects, `depends-on`, …: see
 * `nameReferences.ts`) at the new name. Namespaces, CustomResourceDefinitions, APIServices, the
 * Kptfile and local-config objects are not renamed. Config: ConfigMap `data.prepend` or `data.append`
 * (exactly one), or `EnsureNameSubstring` with `substring`, `editMode` (`prepend` default, or `append`)
 * and `additionalNameFields` (field specs: group, version, kind, path, create) of more name fields.
 */
import { FunctionConfigError } from "../runtime/errors.js";
import { isNonKrm } from "../runtime/parseKrm.js";
import type { KrmFunction, KrmObject, ResourceList, Result } from "../runtime/types.js";
import { type FieldSpec, readFieldSpecs, slotsAt, specApplies } from "./fieldSpecs.js";
import { renameKey, updateNameReferences } from "./nameReferences.js";
import { isPackageMeta, readFunctionConfig, refOf } from "./readFunctionConfig.js";

const NOT_RENAMED = new Set(["Namespace", "CustomResourceDefinition", "APIService"]);

function readConfig(rl: ResourceList): {
  substring: string;
  mode: "prepend" | "append";
  fields: FieldSpec[];
} {
  const cfg = readFunctionConfig(rl, "ensure-name-substring", ["EnsureNameSubstring"]);
  if (cfg.configMap) {
    const keys = Object.keys(cfg.data);
    const { prepend, append } = cfg.data;
    if (keys.length !== 1 || (prepend === undefined && append === undefined)) {
      throw new FunctionConfigError(
        "ensure-name-substring: ConfigMap data must hold exactly one of `prepend` and `append`",
      );
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
  const fields = readFieldSpecs(o["additionalNameFields"], "additionalNameFields", "ensure-name-substring");
  return { substring, mode, fields };
}

function renamable(obj: KrmObject): boolean {
  return !isNonKrm(obj) && !isPackageMeta(obj) && !NOT_RENAMED.has(obj.kind);
}

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
  const renames = new Map<string, string>();
  for (const obj of rl.items.filter(renamable)) {
    const name = obj.metadata.name;
    if (typeof name === "string" && edit(name) !== name) {
      renames.set(renameKey(obj.kind, obj.metadata.namespace, name), edit(name));
      obj.metadata.name = edit(name);
      results.push({
        message: `metadata.name now contains "${substring}"`,
        severity: "info",
        resourceRef: refOf(obj),
        field: { path: "metadata.name", currentValue: name, proposedValue: obj.metadata.name },
      });
    }
    for (const spec of fields.filter((f) => specApplies(obj, f))) {
      for (const { parent, key } of slotsAt(obj, spec.path, spec.create === true)) {
        const current = parent[key];
        if (current === undefined && spec.create) parent[key] = substring;
        else if (typeof current === "string") parent[key] = edit(current);
      }
    }
  }
  updateNameReferences(rl.items, renames);
  return { ...rl, results };
};
