/**
 * Runs one KRM function on a ResourceList and checks what it returns. Findings stay data; a thrown
 * error or a malformed output is reported as the operational failure it is.
 */
import { FunctionOutputError } from "./errors.js";
import { errorResult } from "./failedResourceList.js";
import { assertResourceItem } from "./parseKrm.js";
import type { KrmFunction, KrmObject, ResourceList, Result } from "./types.js";

const SEVERITIES = new Set(["error", "warning", "info"]);

/** What a function run produced: its output, or the error it failed with. */
export type FunctionRun =
  | { ok: true; items: KrmObject[]; results: Result[] }
  | { ok: false; error: unknown; results: Result[] };

function checkResults(results: unknown): Result[] {
  if (results === undefined || results === null) return [];
  if (!Array.isArray(results)) throw new FunctionOutputError("results must be a list");
  results.forEach((r, i) => {
    if (r === null || typeof r !== "object") throw new FunctionOutputError(`results/${i} must be a mapping`);
    const severity = (r as Result).severity;
    if (severity !== undefined && !SEVERITIES.has(severity)) {
      throw new FunctionOutputError(
        `results/${i}: severity must be error, warning or info, got "${severity}"`,
      );
    }
  });
  return results as Result[];
}

/** True when a result list contains an error: the step fails, as an exec function would exit 1. */
export function hasErrorResult(results: readonly Result[]): boolean {
  return results.some((r) => r.severity === "error");
}

/**
 * Runs `fn` on `rl`. Never throws: failures come back as `{ ok: false, error }`, with the `error`
 * result the function's exec form writes into its ResourceList (see `failedResourceList`).
 *
 * @example const run = await runFunction(setLabels, rl, "set-labels"); if (run.ok) use(run.items);
 */
export async function runFunction(
  fn: KrmFunction,
  rl: ResourceList,
  name = "function",
): Promise<FunctionRun> {
  let out: ResourceList;
  try {
    out = await fn(rl);
  } catch (error) {
    return { ok: false, error, results: [...(rl.results ?? []), errorResult(name, error)] };
  }
  try {
    if (out === null || typeof out !== "object" || !Array.isArray(out.items)) {
      throw new FunctionOutputError("function must return a ResourceList with items");
    }
    out.items.forEach((item, i) => {
      assertResourceItem(item, `output items/${i}`);
    });
    return { ok: true, items: out.items, results: checkResults(out.results) };
  } catch (error) {
    return { ok: false, error, results: [] };
  }
}
