/**
 * set-annotations: adds or updates annotations on every object and on workloads' pod templates.
 * Config: ConfigMap `data` (annotation → value) or `SetAnnotations` with `annotations`.
 */
import { FunctionConfigError } from "../runtime/errors.js";
import type { KrmFunction, ResourceList } from "../runtime/types.js";
import { mapAt, podTemplateMetadataPath } from "./podTemplatePaths.js";
import { isPackageMeta, readFunctionConfig, stringMapField } from "./readFunctionConfig.js";

/**
 * The set-annotations function. Local-config objects and the Kptfile are left alone.
 *
 * @example await setAnnotations({ ...rl, functionConfig: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { owner: "a" } } })
 */
export const setAnnotations: KrmFunction = (rl: ResourceList) => {
  const cfg = readFunctionConfig(rl, "set-annotations", ["SetAnnotations"]);
  const annotations = cfg.configMap ? cfg.data : stringMapField(cfg.object, "annotations", "set-annotations");
  if (Object.keys(annotations).length === 0)
    throw new FunctionConfigError("set-annotations: no annotations given");
  let count = 0;
  for (const obj of rl.items) {
    if (isPackageMeta(obj)) continue;
    obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), ...annotations };
    const template = podTemplateMetadataPath(obj.kind);
    if (template) {
      const md = mapAt(obj, template, true);
      if (md)
        md["annotations"] = { ...((md["annotations"] as Record<string, string>) ?? {}), ...annotations };
    }
    count++;
  }
  const results = [
    ...(rl.results ?? []),
    {
      message: `set ${Object.keys(annotations).length} annotation(s) on ${count} object(s)`,
      severity: "info" as const,
    },
  ];
  return { ...rl, results };
};
