/**
 * The ResourceList a function hands back when it fails: its input items unchanged and the failure as
 * an `error` result (with the error's stable code as a tag), so the orchestrator always has a
 * ResourceList to read, as the KRM Functions Specification requires.
 */
import type { ResourceList, Result } from "./types.js";

/** The `error` result describing a thrown error. */
export function errorResult(fn: string, error: unknown): Result {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return {
    message: message.startsWith(`${fn}:`) ? message : `${fn}: ${message}`,
    severity: "error",
    ...(typeof code === "string" ? { tags: { code } } : {}),
  };
}

/**
 * Builds the failure output for `input` (an empty list when the input itself could not be read).
 *
 * @example failedResourceList(rl, "set-labels", new FunctionConfigError("no labels")).results?.[0]?.severity === "error"
 */
export function failedResourceList(
  input: ResourceList | undefined,
  fn: string,
  error: unknown,
): ResourceList {
  return {
    apiVersion: "config.kubernetes.io/v1",
    kind: "ResourceList",
    items: input?.items ?? [],
    ...(input?.functionConfig ? { functionConfig: input.functionConfig } : {}),
    results: [...(input?.results ?? []), errorResult(fn, error)],
  };
}
