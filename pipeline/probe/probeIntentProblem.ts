/**
 * A TMF921 ProbeIntent asks whether an intent is feasible; it is answered by `intentops probe` (a
 * dry-run), never rendered, committed or delivered. Every path that would deliver refuses it with this.
 */
import type { Problem } from "../../compiler/errors.js";

export const E_PROBE_INTENT = "E_PROBE_INTENT";

export const PROBE_INTENT_MESSAGE =
  "a ProbeIntent asks whether an intent is feasible: it is answered by `intentops probe <file>` (a dry-run against the sites), never rendered or delivered; send it as an Intent to deliver it";

export function probeIntentProblem(file?: string): Problem {
  return {
    code: E_PROBE_INTENT,
    pointer: "/@type",
    message: PROBE_INTENT_MESSAGE,
    ...(file ? { file } : {}),
  };
}
