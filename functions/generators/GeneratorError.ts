/**
 * The one error class of the generators. Its `code` is stable and tests assert it; the message names the
 * subject (`site/intent-id`) and the expectation it is about.
 */
import { IntentopsError } from "../../compiler/errors.js";

/**
 * - `E_GEN_UNSUPPORTED`: the workload kind cannot be delivered to this kind of site.
 * - `E_GEN_MISSING_PARAM`: a context the generator needs is absent.
 * - `E_GEN_INVALID_PARAM`: a context or target has a value or shape the generator cannot use.
 * - `E_GEN_SITE_NOT_TARGETED`: the site is not a target of the intent (or of any of its DELIVER expectations).
 * - `E_GEN_UNKNOWN_SITE`: the intent targets a site that the given site list does not describe.
 * - `E_GEN_CONFLICT`: two expectations produce different objects with the same identity.
 * - `E_GEN_QOS_INCOMPATIBLE`: no 5QI (or not the explicit one) meets the intent's latency target.
 * - `E_GEN_TOO_LARGE`: the package the intent expands into is over the render budget (RENDER_BUDGET).
 */
export type GeneratorErrorCode =
  | "E_GEN_UNSUPPORTED"
  | "E_GEN_MISSING_PARAM"
  | "E_GEN_INVALID_PARAM"
  | "E_GEN_SITE_NOT_TARGETED"
  | "E_GEN_UNKNOWN_SITE"
  | "E_GEN_CONFLICT"
  | "E_GEN_QOS_INCOMPATIBLE"
  | "E_GEN_TOO_LARGE";

/** Where a generator problem is: the package subject and, when known, the expectation and attribute. */
export interface GeneratorWhere {
  /** `site/intent-id`. */
  subject: string;
  expectationId?: string;
  /** The `contextAttribute` or `targetName` concerned. */
  attribute?: string;
}

export class GeneratorError extends IntentopsError {
  override readonly code: GeneratorErrorCode;
  readonly expectationId: string | undefined;
  readonly attribute: string | undefined;

  constructor(code: GeneratorErrorCode, where: GeneratorWhere, message: string, cause?: unknown) {
    const about = [
      where.subject,
      where.expectationId === undefined ? undefined : `expectation ${where.expectationId}`,
      where.attribute,
    ]
      .filter((part) => part !== undefined)
      .join(": ");
    super(code, `${about}: ${message}`, { subject: where.subject, cause });
    this.name = "GeneratorError";
    this.code = code;
    this.expectationId = where.expectationId;
    this.attribute = where.attribute;
  }
}
