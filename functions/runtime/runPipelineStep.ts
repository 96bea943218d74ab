/**
 * Runs one Kptfile pipeline step on a package's objects, as kpt does: build the functionConfig
 * (`configMap` → ConfigMap `function-input`, `configPath` → the package's object from that file),
 * hand the function the selected objects, then merge its output back, give new objects a package
 * and a default file, and check the path/index invariants. Validators get copies; their output is dropped.
 */
import { IntentopsError } from "../../compiler/errors.js";
import {
  annotationOf,
  indexOf,
  PACKAGE_PATH_ANNOTATION,
  pathOf,
  RESOURCE_ID_ANNOTATION,
  setAnnotation,
  setFileAnnotations,
} from "./annotations.js";
import { FunctionOutputError, MissingFunctionConfigError, RenderFailedError } from "./errors.js";
import type { FunctionSpec } from "./parseKptfile.js";
import { type FunctionRegistry, functionKeys, resolveFunction } from "./resolveFunction.js";
import { hasErrorResult, runFunction } from "./runFunction.js";
import { selectResources } from "./selectResources.js";
import type { FunctionResult, KrmObject, Result } from "./types.js";

/** What one step did. `failure` is set when the render must stop. */
export interface StepOutcome {
  output: KrmObject[];
  fnResult: FunctionResult;
  failure?: RenderFailedError;
}

/** The file kpt gives an object a function created without a path: `[<namespace>/]<kind>_<name>.yaml`. */
export function defaultPathOf(obj: KrmObject): string {
  const ns = obj.metadata?.namespace;
  const file = `${obj.kind.toLowerCase()}_${obj.metadata?.name ?? ""}.yaml`;
  return ns ? `${ns}/${file}` : file;
}

/** The label of a step in messages: its name, else its image or exec. */
export function stepLabel(spec: FunctionSpec): string {
  return spec.name ?? spec.image ?? spec.exec ?? "<function>";
}

function functionConfigFor(
  spec: FunctionSpec,
  input: readonly KrmObject[],
  pkgPath: string,
): KrmObject | undefined {
  if (spec.configMap) {
    return {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "function-input" },
      data: { ...spec.configMap },
    };
  }
  if (spec.configPath === undefined) return undefined;
  // The config is read from the current objects, so an earlier step may have changed it (as in kpt).
  const found = input.find(
    (o) => annotationOf(o, PACKAGE_PATH_ANNOTATION) === pkgPath && pathOf(o) === spec.configPath,
  );
  if (!found) throw new MissingFunctionConfigError(spec.configPath);
  return structuredClone(found);
}

function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

function placeAndCheck(output: KrmObject[], pkgPath: string): void {
  const seen = new Set<string>();
  for (const obj of output) {
    if (!annotationOf(obj, PACKAGE_PATH_ANNOTATION)) setAnnotation(obj, PACKAGE_PATH_ANNOTATION, pkgPath);
    const raw = pathOf(obj);
    const index = indexOf(obj);
    if (raw === undefined || raw === "") setFileAnnotations(obj, defaultPathOf(obj), index);
    else if (raw.startsWith("/") || normalise(raw).startsWith("..")) {
      throw new FunctionOutputError(`function must not write outside its package: ${raw}`);
    }
    const key = `${annotationOf(obj, PACKAGE_PATH_ANNOTATION)}\0${normalise(pathOf(obj) ?? "")}\0${index ?? ""}`;
    if (seen.has(key)) {
      throw new FunctionOutputError(
        `two objects at path "${normalise(pathOf(obj) ?? "")}" and index "${index ?? ""}"`,
      );
    }
    seen.add(key);
  }
}

function mergeSelected(input: KrmObject[], selected: Set<KrmObject>, output: KrmObject[]): KrmObject[] {
  const byId = new Map<string, KrmObject>();
  const created: KrmObject[] = [];
  for (const obj of output) {
    const id = annotationOf(obj, RESOURCE_ID_ANNOTATION);
    if (id === undefined) created.push(obj);
    else byId.set(id, obj);
  }
  const merged: KrmObject[] = [];
  for (const obj of input) {
    if (!selected.has(obj)) merged.push(obj);
    else {
      // Selected but absent from the output: the function deleted it.
      const replaced = byId.get(annotationOf(obj, RESOURCE_ID_ANNOTATION) ?? "");
      if (replaced) merged.push(replaced);
    }
  }
  merged.push(...created);
  for (const obj of merged) setAnnotation(obj, RESOURCE_ID_ANNOTATION, undefined);
  return merged;
}

function failureMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one step. Never throws for a function's failure: the outcome carries it.
 *
 * @example const step = await runPipelineStep(spec, objects, { registry, pkgPath: ".", validator: false });
 */
export async function runPipelineStep(
  spec: FunctionSpec,
  input: KrmObject[],
  options: {
    registry: FunctionRegistry;
    pkgPath: string;
    validator: boolean;
    /** A functionConfig given directly (as `kpt fn eval --fn-config` does), for a spec with neither config field. */
    functionConfig?: KrmObject;
  },
): Promise<StepOutcome> {
  const { registry, pkgPath, validator } = options;
  const fnResult: FunctionResult = spec.image
    ? { image: spec.image, exitCode: 0 }
    : { exec: spec.exec ?? "", exitCode: 0 };
  const fail = (error: unknown, results: Result[]): StepOutcome => {
    fnResult.exitCode = 1;
    if (!hasErrorResult(results) || !(error instanceof RenderFailedError))
      fnResult.stderr = failureMessage(error);
    if (results.length > 0) fnResult.results = results;
    const failure =
      error instanceof RenderFailedError
        ? error
        : new RenderFailedError(stepLabel(spec), failureMessage(error), { cause: error });
    return { output: input, fnResult, failure };
  };
  try {
    const fn = resolveFunction(registry, spec);
    const functionConfig = functionConfigFor(spec, input, pkgPath) ?? options.functionConfig;
    const scoped = spec.selectors.length > 0 || spec.exclude.length > 0;
    if (scoped && !validator) {
      input.forEach((obj, i) => {
        setAnnotation(obj, RESOURCE_ID_ANNOTATION, String(i));
      });
    }
    const selected = selectResources(input, spec.selectors, spec.exclude);
    const items = validator ? structuredClone(selected) : selected;
    const run = await runFunction(
      fn,
      {
        apiVersion: "config.kubernetes.io/v1",
        kind: "ResourceList",
        items,
        ...(functionConfig ? { functionConfig } : {}),
      },
      functionKeys(spec).at(-1),
    );
    if (!run.ok) return fail(run.error, run.results);
    if (hasErrorResult(run.results)) {
      const first = run.results.find((r) => r.severity === "error");
      return fail(new RenderFailedError(stepLabel(spec), first?.message ?? "error result"), run.results);
    }
    if (run.results.length > 0) fnResult.results = run.results;
    if (validator) return { output: input, fnResult };
    const output = scoped ? mergeSelected(input, new Set(selected), run.items) : run.items;
    placeAndCheck(output, pkgPath);
    return { output, fnResult };
  } catch (error) {
    if (error instanceof IntentopsError || error instanceof Error) return fail(error, []);
    return fail(new Error(String(error)), []);
  }
}
