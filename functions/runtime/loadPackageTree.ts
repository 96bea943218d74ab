/**
 * Turns an in-memory package tree (relative path → file text) into packages and objects, the way
 * `kpt fn render` reads a directory: a directory with a `Kptfile` is a package; `*.yaml`, `*.yml` and
 * `Kptfile` files hold KRM objects unless `.krmignore` excludes them; every other file passes through.
 */
import { PACKAGE_PATH_ANNOTATION, setAnnotation, setFileAnnotations } from "./annotations.js";
import { KptfileError, KrmParseError } from "./errors.js";
import { compileKrmignore } from "./matchKrmignore.js";
import { type Kptfile, parseKptfile } from "./parseKptfile.js";
import { isKustomizationFile, parseKrmFile } from "./parseKrm.js";
import { detectIndentSeq } from "./serializeKrmFile.js";
import type { KrmObject } from "./types.js";

/** A KRM file as read: its objects (annotated) and what is needed to write it back unchanged. */
export interface LoadedFile {
  path: string;
  text: string;
  objects: KrmObject[];
  /** JSON of each object as read, to tell whether a function changed it. */
  snapshots: string[];
  indentSeq: boolean | undefined;
}

/** One package: its directory (`""` for the root), Kptfile, own objects and direct subpackages. */
export interface PackageNode {
  dir: string;
  kptfile: Kptfile;
  objects: KrmObject[];
  subpackages: PackageNode[];
}

/** The loaded tree. */
export interface PackageTree {
  root: PackageNode;
  krmFiles: Map<string, LoadedFile>;
  otherFiles: Map<string, string>;
}

/** The `package-path` annotation value of a package directory (`.` for the root). */
export function packagePathOf(dir: string): string {
  return dir === "" ? "." : dir;
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

function relativeTo(dir: string, path: string): string {
  return dir === "" ? path : path.slice(dir.length + 1);
}

/** Normalises a relative path: forward slashes, no `./`, no leading slash. */
export function normalizePath(path: string): string {
  return path
    .replace(/\\/g, "/")
    .replace(/^(?:\.\/)+/, "")
    .replace(/^\/+/, "");
}

// kpt hands functions only KRM resources (a kustomization file excepted) and says which file breaks that.
function checkRenderable(obj: KrmObject, path: string): void {
  const missing =
    typeof obj.apiVersion !== "string" || obj.apiVersion === ""
      ? "apiVersion"
      : typeof obj.kind !== "string" || obj.kind === ""
        ? "kind"
        : typeof obj.metadata?.name !== "string" || obj.metadata.name === ""
          ? "metadata.name"
          : undefined;
  if (missing) {
    throw new KrmParseError(
      `input resource list must contain only KRM resources: ${path}: resource must have \`${missing}\``,
      { file: path },
    );
  }
}

// kpt validates every `configPath` before running anything: the file must be a KRM file of the
// package itself (not ignored), holding exactly one object that has a name.
function checkConfigPaths(node: PackageNode, krmFiles: ReadonlyMap<string, LoadedFile>): void {
  const file = node.dir === "" ? "Kptfile" : `${node.dir}/Kptfile`;
  for (const list of ["mutators", "validators"] as const) {
    node.kptfile.pipeline[list].forEach((spec, i) => {
      if (spec.configPath === undefined) return;
      const pointer = `/pipeline/${list}/${i}/configPath`;
      const path = node.dir === "" ? spec.configPath : `${node.dir}/${spec.configPath}`;
      const loaded = krmFiles.get(path);
      const owner = loaded?.objects[0]?.metadata?.annotations?.[PACKAGE_PATH_ANNOTATION];
      if (!loaded || owner !== packagePathOf(node.dir)) {
        throw new KptfileError(
          file,
          pointer,
          `functionConfig "${spec.configPath}" must exist in the current package`,
        );
      }
      if (loaded.objects.length !== 1) {
        throw new KptfileError(
          file,
          pointer,
          `functionConfig "${spec.configPath}" must hold exactly one object, got ${loaded.objects.length}`,
        );
      }
    });
  }
}

/**
 * Loads a package tree. Throws `KptfileError` when the root has no Kptfile or a Kptfile is invalid,
 * and `KrmParseError` for YAML that is not KRM.
 *
 * @example loadPackageTree({ Kptfile: "...", "deploy.yaml": "..." }).root.objects.length
 */
export function loadPackageTree(
  files: Readonly<Record<string, string>> | ReadonlyMap<string, string>,
  options: { requireKptfile?: boolean } = {},
): PackageTree {
  const { requireKptfile = true } = options;
  const entries = [...(files instanceof Map ? files.entries() : Object.entries(files))]
    .map(([p, t]) => [normalizePath(p), t] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const packageDirs = new Set(
    entries.filter(([p]) => p === "Kptfile" || p.endsWith("/Kptfile")).map(([p]) => dirname(p)),
  );
  if (!packageDirs.has("") && requireKptfile)
    throw new KptfileError("Kptfile", "", "the root of the package tree has no Kptfile");
  // `kpt fn eval` works on any directory: a root without a Kptfile is a package with no pipeline.
  const rootHasKptfile = packageDirs.has("");
  packageDirs.add("");
  const ignores = new Map<string, (rel: string) => boolean>();
  for (const [p, t] of entries) {
    const base = p.slice(p.lastIndexOf("/") + 1);
    if (base === ".krmignore" && packageDirs.has(dirname(p))) ignores.set(dirname(p), compileKrmignore(t));
  }
  const ownerOf = (path: string): string => {
    let dir = dirname(path);
    while (!packageDirs.has(dir)) dir = dirname(dir);
    return dir;
  };
  const nodes = new Map<string, PackageNode>();
  const krmFiles = new Map<string, LoadedFile>();
  const otherFiles = new Map<string, string>();
  const pending = new Map<string, KrmObject[]>();
  for (const dir of packageDirs) pending.set(dir, []);
  for (const [path, text] of entries) {
    const owner = ownerOf(path);
    const rel = relativeTo(owner, path);
    const base = path.slice(path.lastIndexOf("/") + 1);
    const isKrm = base === "Kptfile" || /\.ya?ml$/.test(base);
    if (!isKrm || ignores.get(owner)?.(rel)) {
      otherFiles.set(path, text);
      continue;
    }
    const kustomization = isKustomizationFile(path);
    const parsed = parseKrmFile(text, path, { requireKrm: false });
    const objects: KrmObject[] = [];
    const snapshots: string[] = [];
    for (const { object, index } of parsed) {
      if (!kustomization) checkRenderable(object, path);
      snapshots.push(JSON.stringify(object));
      setFileAnnotations(object, rel, index);
      setAnnotation(object, PACKAGE_PATH_ANNOTATION, packagePathOf(owner));
      objects.push(object);
    }
    krmFiles.set(path, { path, text, objects, snapshots, indentSeq: detectIndentSeq(text) });
    pending.get(owner)?.push(...objects);
  }
  for (const dir of [...packageDirs].sort()) {
    const kptfileObj = krmFiles.get(dir === "" ? "Kptfile" : `${dir}/Kptfile`)?.objects[0];
    const kptfile =
      dir === "" && !rootHasKptfile
        ? { name: "", pipeline: { mutators: [], validators: [] }, raw: {} }
        : parseKptfile(kptfileObj, dir === "" ? "Kptfile" : `${dir}/Kptfile`);
    nodes.set(dir, { dir, kptfile, objects: pending.get(dir) ?? [], subpackages: [] });
  }
  for (const dir of [...packageDirs].sort()) {
    if (dir === "") continue;
    let parent = dirname(dir);
    while (!packageDirs.has(parent)) parent = dirname(parent);
    nodes.get(parent)?.subpackages.push(nodes.get(dir) as PackageNode);
  }
  for (const node of nodes.values()) checkConfigPaths(node, krmFiles);
  // Own objects are already in file order (path, then index): entries were sorted by path.
  return { root: nodes.get("") as PackageNode, krmFiles, otherFiles };
}
