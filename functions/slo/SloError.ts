/**
 * The one error class of the SLO core. Its `code` is stable and tests assert it; `subject` is the
 * `site/intent-id` the policy is about.
 */
import { IntentopsError, type Problem } from "../../compiler/errors.js";

/**
 * - `E_SLO_INVALID_POLICY`: a policy (derived, overridden or read back) fails its schema or its own rules
 *   (e.g. `forSeconds` longer than the window, more samples required than the window can hold).
 * - `E_SLO_INVALID_TARGET`: an ENSURE target with a known metric has a condition or value that cannot be
 *   checked numerically (e.g. `IS_ONE_OF`, a string threshold, a range that is not `[min, max]`).
 * - `E_SLO_SITE_NOT_TARGETED`: the site is not one of the intent's sites.
 * - `E_SLO_INVALID_IDENTITY`: the workload identity for the queries is incomplete.
 * - `E_SLO_INVALID_DURATION`: a duration string is not `<number><ms|s|m|h>`.
 * - `E_SLO_MISMATCH`: a decision is reported against an intent (or digest) it was not taken for.
 */
export type SloErrorCode =
  | "E_SLO_INVALID_POLICY"
  | "E_SLO_INVALID_TARGET"
  | "E_SLO_SITE_NOT_TARGETED"
  | "E_SLO_INVALID_IDENTITY"
  | "E_SLO_INVALID_DURATION"
  | "E_SLO_MISMATCH";

export class SloError extends IntentopsError {
  override readonly code: SloErrorCode;
  /** Every problem found (JSON pointers into the policy), for `E_SLO_INVALID_POLICY`. */
  readonly problems: readonly Problem[];

  constructor(
    code: SloErrorCode,
    message: string,
    options: { subject?: string; cause?: unknown; problems?: readonly Problem[] } = {},
  ) {
    super(code, message, options);
    this.name = "SloError";
    this.code = code;
    this.problems = options.problems ?? [];
  }
}
