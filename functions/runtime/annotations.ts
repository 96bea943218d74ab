/**
 * The annotations through which kpt and the KRM Functions Specification track where an object lives,
 * and helpers to read them. Functions must keep these annotations; the runtime strips them on write.
 */
import type { KrmObject } from "./types.js";

export const PATH_ANNOTATION = "internal.config.kubernetes.io/path";
export const INDEX_ANNOTATION = "internal.config.kubernetes.io/index";
export const LEGACY_PATH_ANNOTATION = "config.kubernetes.io/path";
export const LEGACY_INDEX_ANNOTATION = "config.kubernetes.io/index";
/** Which package (relative to the root, `.` for the root) an object belongs to while rendering. */
export const PACKAGE_PATH_ANNOTATION = "internal.config.kubernetes.io/package-path";
export const LOCAL_CONFIG_ANNOTATION = "config.kubernetes.io/local-config";
/** Used while a function with selectors runs, to merge its output back into the full list. */
export const RESOURCE_ID_ANNOTATION = "internal.kpt.dev/resource-id";

/** Annotations that only exist while objects travel through functions: never written to files. */
export const TRANSIENT_ANNOTATIONS: readonly string[] = [
  PATH_ANNOTATION,
  INDEX_ANNOTATION,
  LEGACY_PATH_ANNOTATION,
  LEGACY_INDEX_ANNOTATION,
  PACKAGE_PATH_ANNOTATION,
  RESOURCE_ID_ANNOTATION,
  // kpt adds these when it calls exec functions; they must not leak into files either.
  "internal.config.kubernetes.io/seqindent",
  "internal.config.kubernetes.io/id",
  "internal.config.kubernetes.io/annotations-migration-resource-id",
  "config.k8s.io/id",
];

/** Reads an annotation, or `undefined`. */
export function annotationOf(obj: KrmObject, key: string): string | undefined {
  const value = obj.metadata?.annotations?.[key];
  return typeof value === "string" ? value : undefined;
}

/** The file path an object came from (new annotation first, then the legacy one). */
export function pathOf(obj: KrmObject): string | undefined {
  return annotationOf(obj, PATH_ANNOTATION) ?? annotationOf(obj, LEGACY_PATH_ANNOTATION);
}

/** The document index of an object within its file, or `undefined` when it has none. */
export function indexOf(obj: KrmObject): number | undefined {
  const raw = annotationOf(obj, INDEX_ANNOTATION) ?? annotationOf(obj, LEGACY_INDEX_ANNOTATION);
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/** True when the object is `config.kubernetes.io/local-config: "true"`: package-only, never applied. */
export function isLocalConfig(obj: KrmObject): boolean {
  return annotationOf(obj, LOCAL_CONFIG_ANNOTATION)?.trim().toLowerCase() === "true";
}

/** Sets (or, with `undefined`, removes) an annotation in place, creating the map when needed. */
export function setAnnotation(obj: KrmObject, key: string, value: string | undefined): void {
  if (value === undefined) {
    const annotations = obj.metadata?.annotations;
    if (!annotations || !(key in annotations)) return;
    delete annotations[key];
    if (Object.keys(annotations).length === 0) delete obj.metadata.annotations;
    return;
  }
  obj.metadata ??= {};
  obj.metadata.annotations ??= {};
  obj.metadata.annotations[key] = value;
}

/** Sets both the current and the legacy path and index annotations, as kpt does. */
export function setFileAnnotations(obj: KrmObject, path: string, index: number | undefined): void {
  setAnnotation(obj, PATH_ANNOTATION, path);
  setAnnotation(obj, LEGACY_PATH_ANNOTATION, path);
  setAnnotation(obj, INDEX_ANNOTATION, index === undefined ? undefined : String(index));
  setAnnotation(obj, LEGACY_INDEX_ANNOTATION, index === undefined ? undefined : String(index));
}

/** Removes every transient annotation in place (see `TRANSIENT_ANNOTATIONS`). */
export function stripTransientAnnotations(obj: KrmObject): void {
  for (const key of TRANSIENT_ANNOTATIONS) setAnnotation(obj, key, undefined);
}

/** `Kind/namespace/name` (or `Kind/name`), the one subject format of the project. */
export function subjectOf(obj: KrmObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${obj.kind}/${ns}/${obj.metadata?.name ?? ""}` : `${obj.kind}/${obj.metadata?.name ?? ""}`;
}
