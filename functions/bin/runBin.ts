/**
 * The shared `main` of every exec function: stdin ResourceList → function → stdout ResourceList.
 * Exit 0 on success, 1 when the results hold an error (as the KRM Functions Specification says) or the
 * function failed (the message goes to stderr). This is the only place functions touch `process`.
 */

import { parseResourceList, serializeResourceList } from "../runtime/resourceList.js";
import { hasErrorResult } from "../runtime/runFunction.js";
import type { KrmFunction } from "../runtime/types.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Runs `fn` as an exec function and sets `process.exitCode`.
 *
 * @example await runBin(setLabels, "set-labels");
 */
export async function runBin(fn: KrmFunction, name: string): Promise<void> {
  try {
    const input = parseResourceList(await readStdin());
    const output = await fn(input);
    process.stdout.write(serializeResourceList(output));
    process.exitCode = hasErrorResult(output.results ?? []) ? 1 : 0;
  } catch (error) {
    const code = (error as { code?: string }).code;
    process.stderr.write(
      `${name}: ${error instanceof Error ? error.message : String(error)}${code ? ` [${code}]` : ""}\n`,
    );
    process.exitCode = 1;
  }
}
