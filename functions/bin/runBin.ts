/**
 * The shared `main` of every exec function: stdin ResourceList → function → stdout ResourceList.
 * A ResourceList is always written, as the KRM Functions Specification asks: when the function fails
 * (bad functionConfig, unreadable input, a bug) the items go back unchanged with the failure as an
 * `error` result. Exit 1 whenever the results hold an error; the message also goes to stderr.
 * This is the only place functions touch `process`.
 */

import { failedResourceList } from "../runtime/failedResourceList.js";
import { parseResourceList, serializeResourceList } from "../runtime/resourceList.js";
import { hasErrorResult } from "../runtime/runFunction.js";
import type { KrmFunction, ResourceList } from "../runtime/types.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function pristine(text: string): ResourceList | undefined {
  try {
    return parseResourceList(text);
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` as an exec function and sets `process.exitCode`.
 *
 * @example await runBin(setLabels, "set-labels");
 */
export async function runBin(fn: KrmFunction, name: string): Promise<void> {
  const text = await readStdin();
  let output: ResourceList;
  try {
    output = await fn(parseResourceList(text));
  } catch (error) {
    // The function may have changed the items before it failed: hand back the input as it came.
    output = failedResourceList(pristine(text), name, error);
    const result = output.results?.[output.results.length - 1];
    process.stderr.write(`${result?.message ?? name}\n`);
  }
  process.stdout.write(serializeResourceList(output));
  process.exitCode = hasErrorResult(output.results ?? []) ? 1 : 0;
}
