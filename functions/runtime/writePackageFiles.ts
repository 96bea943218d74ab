/**
 * Turns rendered objects back into package files: objects are grouped by their path annotation
 * (made relative to the root package), ordered by index, and written; a file whose objects are all
 * unchanged keeps its bytes; a file whose objects were all deleted disappears; other files pass through.
 */
import {
  annotationOf,
  indexOf,
  isLocalConfig,
  PACKAGE_PATH_ANNOTATION,
  pathOf,
  stripTransientAnnotations,
} from "./annotations.js";
import type { PackageTree } from "./loadPackageTree.js";
import { defaultPathOf } from "./runPipelineStep.js";
import { serializeKrmFile } from "./serializeKrmFile.js";
import type { KrmObject } from "./types.js";

/** The written files (sorted by path) and the objects meant for the cluster (no local config). */
export interface WrittenPackage {
  files: Record<string, string>;
  objects: KrmObject[];
}

function joinPath(pkg: string, path: string): string {
  const parts: string[] = [];
  for (const part of `${pkg === "." ? "" : pkg}/${path}`.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

/**
 * Writes the rendered objects of `tree`. Mutates the objects (transient annotations are removed).
 *
 * @example writePackageFiles(tree, rendered).files["deploy.yaml"]
 */
export function writePackageFiles(tree: PackageTree, rendered: readonly KrmObject[]): WrittenPackage {
  const groups = new Map<string, { obj: KrmObject; index: number; order: number }[]>();
  rendered.forEach((obj, order) => {
    const pkg = annotationOf(obj, PACKAGE_PATH_ANNOTATION) ?? ".";
    const path = joinPath(pkg, pathOf(obj) ?? defaultPathOf(obj));
    const index = indexOf(obj) ?? Number.MAX_SAFE_INTEGER;
    stripTransientAnnotations(obj);
    const group = groups.get(path) ?? [];
    group.push({ obj, index, order });
    groups.set(path, group);
  });
  const files: Record<string, string> = {};
  for (const [path, text] of tree.otherFiles) files[path] = text;
  const objects: { path: string; obj: KrmObject }[] = [];
  for (const [path, group] of groups) {
    group.sort((a, b) => a.index - b.index || a.order - b.order);
    const objs = group.map((g) => g.obj);
    const loaded = tree.krmFiles.get(path);
    const unchanged =
      loaded !== undefined &&
      loaded.snapshots.length === objs.length &&
      objs.every((o, i) => JSON.stringify(o) === loaded.snapshots[i]);
    files[path] = unchanged
      ? loaded.text
      : serializeKrmFile(objs, { indentSeq: loaded?.indentSeq ?? false, owned: true });
    for (const obj of objs) {
      if (!isLocalConfig(obj) && !(obj.kind === "Kptfile" && obj.apiVersion.startsWith("kpt.dev/"))) {
        objects.push({ path, obj });
      }
    }
  }
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(files).sort()) sorted[key] = files[key] as string;
  objects.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: sorted, objects: objects.map((o) => o.obj) };
}
