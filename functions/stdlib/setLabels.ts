/**
 * set-labels: adds or updates labels on every object (the Kptfile included, as kpt's own e2e data
 * shows) and, through kustomize's commonLabels field specs, on pod templates, volume claim templates,
 * job templates and the selectors that must match them. Local-config objects are left alone.
 * Config: ConfigMap `data` (label → value) or `SetLabels` with `labels` (and `additionalLabelFields`,
 * field specs of more label maps, as set-annotations' `additionalAnnotationFields`).
 */

import { FunctionConfigError } from "../runtime/errors.js";
import { isNonKrm } from "../runtime/parseKrm.js";
import type { KrmFunction, ResourceList } from "../runtime/types.js";
import { LABEL_FIELD_SPECS } from "./commonFieldSpecs.js";
import { type FieldSpec, mergeMapsAt, readFieldSpecs, specApplies } from "./fieldSpecs.js";
import {
  isLocalConfigObject,
  readFunctionConfig,
  sortedEntries,
  stringMapField,
} from "./readFunctionConfig.js";

/**
 * The set-labels function.
 *
 * @example await setLabels({ ...rl, functionConfig: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { team: "a" } } })
 */
export const setLabels: KrmFunction = (rl: ResourceList) => {
  const cfg = readFunctionConfig(rl, "set-labels", ["SetLabels"]);
  const labels = sortedEntries(cfg.configMap ? cfg.data : stringMapField(cfg.object, "labels", "set-labels"));
  if (Object.keys(labels).length === 0) throw new FunctionConfigError("set-labels: no labels given");
  const extra: FieldSpec[] = cfg.configMap
    ? []
    : readFieldSpecs(cfg.object["additionalLabelFields"], "additionalLabelFields", "set-labels");
  let count = 0;
  for (const obj of rl.items) {
    if (isLocalConfigObject(obj)) continue;
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), ...labels };
    if (!isNonKrm(obj)) {
      for (const spec of [...LABEL_FIELD_SPECS, ...extra]) {
        if (specApplies(obj, spec)) mergeMapsAt(obj, spec.path, spec.create === true, labels);
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
