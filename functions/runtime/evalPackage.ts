/**
 * `kpt fn eval`, in memory: one function over every KRM object of a directory tree (subpackages
 * included, Kptfiles not: kpt leaves meta resources out unless asked), with its config given as
 * `key=value` data (a ConfigMap) or as an object (`--fn-config`). As with render, a failure returns
 * no files, so nothing is written.
 */
import { IntentopsError } from "../../compiler/errors.js";
import { RenderFailedError } from "./errors.js";
import { loadPackageTree } from "./loadPackageTree.js";
import { newResultList, type RenderOutcome } from "./renderPackage.js";
import type { FunctionRegistry } from "./resolveFunction.js";
import { runPipelineStep } from "./runPipelineStep.js";
import type { KrmObject } from "./types.js";
import { writePackageFiles } from "./writePackageFiles.js";

/** Input of `evalPackage`. */
export interface EvalPackageOptions {
  files: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
  registry: FunctionRegistry;
  /** The function, as `--image` or `--exec` names it. */
  image?: string;
  exec?: string;
  /** `-- key=value` arguments: the function gets them as ConfigMap data. */
  args?: Readonly<Record<string, string>>;
  /** `--fn-config`: the config object itself. */
  functionConfig?: KrmObject;
}

const isKptfileObject = (o: KrmObject) => o.kind === "Kptfile" && String(o.apiVersion).startsWith("kpt.dev/");

/**
 * Runs one function over a directory tree in memory.
 *
 * @example const out = await evalPackage({ files, registry: stdlibRegistry, image: "set-labels", args: { team: "a" } });
 */
export async function evalPackage(options: EvalPackageOptions): Promise<RenderOutcome> {
  const { files, registry, image, exec, args, functionConfig } = options;
  const results = newResultList();
  try {
    const tree = loadPackageTree(files, { requireKptfile: false });
    const all: KrmObject[] = [];
    const collect = (node: typeof tree.root) => {
      all.push(...node.objects);
      for (const sub of node.subpackages) collect(sub);
    };
    collect(tree.root);
    const meta = all.filter(isKptfileObject);
    const input = all.filter((o) => !isKptfileObject(o));
    const spec = {
      ...(image ? { image } : { exec: exec ?? "" }),
      // Without `--fn-config`, kpt always hands over a ConfigMap, empty when no `key=value` was given.
      ...(functionConfig ? {} : { configMap: { ...(args ?? {}) } }),
      selectors: [],
      exclude: [],
    };
    const step = await runPipelineStep(spec, input, {
      registry,
      pkgPath: ".",
      validator: false,
      ...(functionConfig ? { functionConfig } : {}),
    });
    results.items.push(step.fnResult);
    if (step.failure) throw step.failure;
    const written = writePackageFiles(tree, [...meta, ...step.output]);
    return { ok: true, files: written.files, objects: written.objects, results };
  } catch (error) {
    results.exitCode = 1;
    const typed =
      error instanceof IntentopsError
        ? error
        : new RenderFailedError("eval", error instanceof Error ? error.message : String(error), {
            cause: error,
          });
    return { ok: false, error: typed, results };
  }
}
