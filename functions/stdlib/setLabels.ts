/**
 * set-labels: adds or updates labels on every object and, for workloads, on the pod template and the
 * selector that must match it (Service selectors only when the Service has one).
 * Config: ConfigMap `data` (label → value) or `SetLabels` with `labels`.
 */
import { FunctionConfigError } from "../runtime/errors.js";
import type { KrmFunction, ResourceList } from "../runtime/types.js";
import { mapAt, podTemplateMetadataPath, selectorPath } from "./podTemplatePaths.js";
import { isPackageMeta, readFunctionConfig, stringMapField } from "./readFunctionConfig.js";

/**
 * The set-labels function. Local-config objects and the Kptfile are left alone (they never reach a cluster).
 *
 * @example await setLabels({ ...rl, functionConfig: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { team: "a" } } })
 */
export const setLabels: KrmFunction = (rl: ResourceList) => {
  const cfg = readFunctionConfig(rl, "set-labels", ["SetLabels"]);
  const labels = cfg.configMap ? cfg.data : stringMapField(cfg.object, "labels", "set-labels");
  if (Object.keys(labels).length === 0) throw new FunctionConfigError("set-labels: no labels given");
  let count = 0;
  for (const obj of rl.items) {
    if (isPackageMeta(obj)) continue;
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), ...labels };
    const template = podTemplateMetadataPath(obj.kind);
    if (template) {
      const md = mapAt(obj, template, true);
      if (md) md["labels"] = { ...((md["labels"] as Record<string, string>) ?? {}), ...labels };
    }
    const selector = selectorPath(obj.kind);
    if (selector) {
      const parent = mapAt(obj, selector.path.slice(0, -1), selector.create);
      const key = selector.path[selector.path.length - 1] as string;
      if (parent && (selector.create || parent[key])) {
        parent[key] = { ...((parent[key] as Record<string, string>) ?? {}), ...labels };
      }
    }
    count++;
  }
  const results = [
    ...(rl.results ?? []),
    {
      message: `set ${Object.keys(labels).length} label(s) on ${count} object(s)`,
      severity: "info" as const,
    },
  ];
  return { ...rl, results };
};
