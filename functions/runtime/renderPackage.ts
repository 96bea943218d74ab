/**
 * `kpt fn render`, in memory: subpackages are rendered first, depth-first, each on its own objects;
 * a package's pipeline then sees its own objects plus its subpackages' rendered objects. Mutators run
 * in order; validators run on copies and their changes are dropped. The first failing step aborts the
 * render and no files are returned, so a caller writing files leaves the package untouched.
 */
import { IntentopsError } from "../../compiler/errors.js";
import { annotationOf, PACKAGE_PATH_ANNOTATION, pathOf } from "./annotations.js";
import { RenderFailedError } from "./errors.js";
import { loadPackageTree, normalizePath, type PackageNode, packagePathOf } from "./loadPackageTree.js";
import { recordRenderStatus, renderedCondition, setRenderedCondition } from "./recordRenderStatus.js";
import type { FunctionRegistry } from "./resolveFunction.js";
import { runPipelineStep } from "./runPipelineStep.js";
import type { FunctionResult, FunctionResultList, KrmObject } from "./types.js";
import { writePackageFiles } from "./writePackageFiles.js";

/** Input of `renderPackage`. */
export interface RenderPackageOptions {
  /** The package tree: path relative to the root package → file text. The root must hold a Kptfile. */
  files: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
  /** In-process functions by image, exec command or short name (see `resolveFunction`). */
  registry: FunctionRegistry;
  /**
   * Record the render in the root Kptfile's `status.conditions` as newer kpt does (default `false`:
   * kpt 1.0.0-beta.56, the version this project runs and tests against, writes no status). On a
   * failure the outcome then carries the root Kptfile with the failure recorded, and nothing else.
   */
  kptfileStatus?: boolean;
}

/** What a render produced. On failure there are no files: nothing must be written. */
export type RenderOutcome =
  | {
      ok: true;
      /** The whole new tree (path → text), sorted by path; deleted objects' files are absent. */
      files: Record<string, string>;
      /** Rendered objects for the cluster/site: no local-config objects, no Kptfiles, no internal annotations. */
      objects: KrmObject[];
      results: FunctionResultList;
    }
  | {
      ok: false;
      error: IntentopsError;
      results: FunctionResultList;
      /** With `kptfileStatus`: the root Kptfile text with the failure recorded (the only file to write). */
      kptfile?: string;
    };

/** An empty `FunctionResultList`, as `kpt fn render` starts one. */
export function newResultList(): FunctionResultList {
  return {
    apiVersion: "kpt.dev/v1",
    kind: "FunctionResultList",
    metadata: { name: "fnresults" },
    exitCode: 0,
    items: [],
  };
}

async function hydrate(
  node: PackageNode,
  registry: FunctionRegistry,
  items: FunctionResult[],
): Promise<KrmObject[]> {
  let input: KrmObject[] = [];
  for (const sub of node.subpackages) input.push(...(await hydrate(sub, registry, items)));
  input.push(...node.objects);
  const pkgPath = packagePathOf(node.dir);
  for (const spec of node.kptfile.pipeline.mutators) {
    const step = await runPipelineStep(spec, input, { registry, pkgPath, validator: false });
    items.push(step.fnResult);
    if (step.failure) throw step.failure;
    input = step.output;
  }
  for (const spec of node.kptfile.pipeline.validators) {
    const step = await runPipelineStep(spec, input, { registry, pkgPath, validator: true });
    items.push(step.fnResult);
    if (step.failure) throw step.failure;
  }
  return input;
}

/**
 * Renders a package tree in memory.
 *
 * @example
 * const out = await renderPackage({ files: { Kptfile: kptfileText, "app.yaml": appText }, registry: stdlib });
 * if (out.ok) console.log(out.files["app.yaml"]); else console.error(out.error.code, out.results);
 */
export async function renderPackage(options: RenderPackageOptions): Promise<RenderOutcome> {
  const { files, registry, kptfileStatus = false } = options;
  const results = newResultList();
  try {
    const tree = loadPackageTree(files);
    const rendered = await hydrate(tree.root, registry, results.items);
    if (kptfileStatus) {
      const root = rendered.find(
        (o) =>
          o.kind === "Kptfile" && annotationOf(o, PACKAGE_PATH_ANNOTATION) === "." && pathOf(o) === "Kptfile",
      );
      if (root) setRenderedCondition(root, renderedCondition());
    }
    const written = writePackageFiles(tree, rendered);
    return { ok: true, files: written.files, objects: written.objects, results };
  } catch (error) {
    results.exitCode = 1;
    const typed =
      error instanceof IntentopsError
        ? error
        : new RenderFailedError("render", error instanceof Error ? error.message : String(error), {
            cause: error,
          });
    if (!kptfileStatus) return { ok: false, error: typed, results };
    const entries = files instanceof Map ? [...files.entries()] : Object.entries(files);
    const text = entries.find(([path]) => normalizePath(path) === "Kptfile")?.[1];
    let kptfile: string | undefined;
    try {
      kptfile = text === undefined ? undefined : recordRenderStatus(text, renderedCondition(typed.message));
    } catch {
      kptfile = undefined; // a Kptfile that cannot be read cannot record anything
    }
    return { ok: false, error: typed, results, ...(kptfile === undefined ? {} : { kptfile }) };
  }
}
