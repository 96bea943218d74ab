/**
 * The `status` block newer kpt writes into the root Kptfile after an in-place render (documented in
 * kpt's book: a `Rendered` condition, `True`/`RenderSuccess` or `False`/`RenderFailed` with the error).
 * kpt 1.0.0-beta.56, the version this project runs and tests against, writes none, so `renderPackage`
 * only records it when asked (`kptfileStatus: true`).
 */

import { parseKrmFile } from "./parseKrm.js";
import { detectIndentSeq, serializeKrmFile } from "./serializeKrmFile.js";
import type { KrmObject } from "./types.js";

/** The `Rendered` condition of a render that succeeded (no message) or failed (with it). */
export function renderedCondition(failure?: string): Record<string, string> {
  return failure === undefined
    ? { type: "Rendered", status: "True", reason: "RenderSuccess" }
    : { type: "Rendered", status: "False", reason: "RenderFailed", message: failure };
}

/** Sets `status.conditions` of a Kptfile object to the one `Rendered` condition, keeping other conditions. */
export function setRenderedCondition(kptfile: KrmObject, condition: Record<string, string>): void {
  const status = (kptfile["status"] ?? {}) as { conditions?: { type?: string }[] };
  const others = (status.conditions ?? []).filter((c) => c?.type !== "Rendered");
  kptfile["status"] = { ...status, conditions: [...others, condition] };
}

/**
 * Returns the Kptfile text with the condition recorded (comments and order kept).
 *
 * @example recordRenderStatus(kptfileText, renderedCondition("pipeline.run: …"))
 */
export function recordRenderStatus(text: string, condition: Record<string, string>): string {
  const [first] = parseKrmFile(text, "Kptfile");
  if (!first) return text;
  setRenderedCondition(first.object, condition);
  return serializeKrmFile([first.object], { indentSeq: detectIndentSeq(text) ?? false });
}
