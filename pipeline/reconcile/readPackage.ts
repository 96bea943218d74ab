/**
 * Reads a rendered package (`rendered/<site>/<intent-id>/`) into the objects to apply: every `.yaml` /
 * `.yml` / `.json` file's KRM objects, without local-config objects (the Kptfile, function configs).
 * Takes the files as text so a work directory and a Git tree read the same way.
 */
import { isLocalConfig } from "../../functions/runtime/annotations.js";
import { parseKrmFile } from "../../functions/runtime/parseKrm.js";
import type { KrmObject } from "../../functions/runtime/types.js";

/** Objects of a package given as path → text (paths relative to the package root), in file order. */
export function objectsOfPackage(files: Readonly<Record<string, string>>): KrmObject[] {
  const out: KrmObject[] = [];
  for (const path of Object.keys(files).sort()) {
    if (!/\.(ya?ml|json)$/.test(path) || path.split("/").some((p) => p.startsWith("."))) continue;
    for (const { object } of parseKrmFile(files[path]!, path)) {
      if (object.kind === "Kptfile" || isLocalConfig(object)) continue;
      out.push(JSON.parse(JSON.stringify(object)) as KrmObject);
    }
  }
  return out;
}
