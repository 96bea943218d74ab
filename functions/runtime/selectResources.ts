/**
 * kpt's selection of the objects a pipeline step sees: an object is selected when it matches any
 * selector (all of them when there are none) and matches no exclusion.
 */
import type { Selector } from "./parseKptfile.js";
import type { KrmObject } from "./types.js";

function subset(wanted: Record<string, string> | undefined, actual: Record<string, string> | undefined) {
  if (!wanted) return true;
  for (const [k, v] of Object.entries(wanted)) if (actual?.[k] !== v) return false;
  return true;
}

/** True when `selector` is empty (an empty exclusion excludes nothing, as in kpt). */
export function isEmptySelector(selector: Selector): boolean {
  return (
    !selector.apiVersion &&
    !selector.kind &&
    !selector.name &&
    !selector.namespace &&
    Object.keys(selector.labels ?? {}).length === 0 &&
    Object.keys(selector.annotations ?? {}).length === 0
  );
}

/** True when every field set in `selector` matches `obj` (labels and annotations as subsets). */
export function matchesSelector(obj: KrmObject, selector: Selector): boolean {
  const md = obj.metadata ?? {};
  return (
    (!selector.apiVersion || selector.apiVersion === obj.apiVersion) &&
    (!selector.kind || selector.kind === obj.kind) &&
    (!selector.name || selector.name === md.name) &&
    (!selector.namespace || selector.namespace === (md.namespace ?? "")) &&
    subset(selector.labels, md.labels) &&
    subset(selector.annotations, md.annotations)
  );
}

/**
 * Returns the selected objects, in input order, each once (kpt lists an object once per matching
 * selector; a function seeing an object twice helps nobody, so we do not copy that).
 *
 * @example selectResources(items, [{ kind: "Deployment" }], [{ name: "legacy" }])
 */
export function selectResources(
  items: readonly KrmObject[],
  selectors: readonly Selector[],
  exclude: readonly Selector[],
): KrmObject[] {
  return items.filter(
    (obj) =>
      (selectors.length === 0 || selectors.some((s) => matchesSelector(obj, s))) &&
      !exclude.some((s) => !isEmptySelector(s) && matchesSelector(obj, s)),
  );
}
