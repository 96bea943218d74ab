/**
 * set-annotations: adds or updates annotations on every object (the Kptfile included) and, through
 * kustomize's commonAnnotations field specs, on pod templates and job templates; `additionalAnnotationFields`
 * (field specs: group, version, kind, path, create) names more annotation maps. Local-config objects
 * are left alone. Config: ConfigMap `data` (annotation → value) or `SetAnnotations` with `annotations`.
 */
import { FunctionConfigError } from "../runtime/errors.js";
import { isNonKrm } from "../runtime/parseKrm.js";
import type { KrmFunction, ResourceList } from "../runtime/types.js";
import { ANNOTATION_FIELD_SPECS } from "./commonFieldSpecs.js";
import { type FieldSpec, mergeMapsAt, readFieldSpecs, specApplies } from "./fieldSpecs.js";
import {
  isLocalConfigObject,
  readFunctionConfig,
  sortedEntries,
  stringMapField,
} from "./readFunctionConfig.js";

/**
 * The set-annotations function.
 *
 * @example await setAnnotations({ ...rl, functionConfig: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { owner: "a" } } })
 */
export const setAnnotations: KrmFunction = (rl: ResourceList) => {
  const cfg = readFunctionConfig(rl, "set-annotations", ["SetAnnotations"]);
  const annotations = sortedEntries(
    cfg.configMap ? cfg.data : stringMapField(cfg.object, "annotations", "set-annotations"),
  );
  if (Object.keys(annotations).length === 0)
    throw new FunctionConfigError("set-annotations: no annotations given");
  const extra: FieldSpec[] = cfg.configMap
    ? []
    : readFieldSpecs(
        cfg.object["additionalAnnotationFields"],
        "additionalAnnotationFields",
        "set-annotations",
      );
  let count = 0;
  for (const obj of rl.items) {
    if (isLocalConfigObject(obj)) continue;
    obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), ...annotations };
    if (!isNonKrm(obj)) {
      for (const spec of [...ANNOTATION_FIELD_SPECS, ...extra]) {
        if (specApplies(obj, spec)) mergeMapsAt(obj, spec.path, spec.create === true, annotations);
      }
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
