/**
 * renderPackagesOf: the packages of one compiled intent, one per target site, in memory — for the verbs
 * that must know an intent renders before they record anything (`run`, the runner's Compiling phase).
 * A generator that cannot build a package is reporting a problem with the intent: it becomes a problem of
 * the intent's file (`E_GEN_*`, exit 1), as `intentops render` reports it.
 */
import { InvalidInputError } from "../../compiler/errors.js";
import type { CompiledIntent, SiteRegistry } from "../../compiler/types.js";
import { GeneratorError } from "../../functions/generators/GeneratorError.js";
import { type RenderedPackage, renderIntentPackage } from "../../functions/render/renderIntentPackage.js";
import type { FunctionRegistry } from "../../functions/runtime/resolveFunction.js";
import { type IntentSource, locateIntentParam } from "./locateIntentParam.js";

/** @throws InvalidInputError for a generator's refusal; other errors (a failing pipeline function) as thrown */
export async function renderPackagesOf(
  compiled: CompiledIntent,
  registry: SiteRegistry,
  functions: FunctionRegistry,
  file: string,
  text: string | Uint8Array,
): Promise<RenderedPackage[]> {
  const sites = new Map(registry.sites.map((s) => [s.id, s]));
  const packages: RenderedPackage[] = [];
  for (const id of compiled.spec.sites) {
    packages.push(
      await renderIntentPackage(compiled, sites.get(id)!, functions).catch((error: unknown) => {
        throw asInputProblem(error, file, { compiled, text });
      }),
    );
  }
  return packages;
}

/**
 * A generator's refusal as a problem of `file`, at the parameter it names (or its expectation) when the
 * intent's source is given; anything else unchanged.
 */
export function asInputProblem(error: unknown, file: string, source?: IntentSource): unknown {
  if (!(error instanceof GeneratorError)) return error;
  const pointer =
    source && error.expectationId !== undefined
      ? locateIntentParam(source, error.expectationId, error.attribute)
      : "";
  return new InvalidInputError([{ code: error.code, pointer, message: error.message, file }], {
    cause: error,
  });
}
