/**
 * Errors of the Verifying phase's shell. Kept in one file (as `pipeline/git/gitErrors.ts` does) because
 * they are small and imported together; each has a stable literal `code` that tests assert.
 *
 * A `PrometheusError` never decides anything by itself: `verifySlo` turns it into an unusable sample, so a
 * failing Prometheus makes targets inconclusive, never passing.
 */
import { type ErrorOptions, IntentopsError } from "../../compiler/errors.js";

/**
 * - `E_PROM_UNREACHABLE`: no connection (refused, reset, DNS);
 * - `E_PROM_TIMEOUT`: no complete answer within the query timeout;
 * - `E_PROM_HTTP`: an HTTP error status without a Prometheus error body;
 * - `E_PROM_API`: Prometheus answered `status: "error"` (bad PromQL, execution error, its own timeout);
 * - `E_PROM_BAD_RESPONSE`: the body is not the JSON the HTTP API documents.
 */
export type PrometheusErrorCode =
  | "E_PROM_UNREACHABLE"
  | "E_PROM_TIMEOUT"
  | "E_PROM_HTTP"
  | "E_PROM_API"
  | "E_PROM_BAD_RESPONSE";

export class PrometheusError extends IntentopsError {
  override readonly code: PrometheusErrorCode;
  /** HTTP status, when there was a response. */
  readonly status: number | undefined;
  /** Prometheus' `errorType` (`bad_data`, `execution`, `timeout`, …), when it sent one. */
  readonly errorType: string | undefined;

  constructor(
    code: PrometheusErrorCode,
    message: string,
    options: ErrorOptions & { status?: number; errorType?: string } = {},
  ) {
    super(code, message, options);
    this.name = "PrometheusError";
    this.code = code;
    this.status = options.status;
    this.errorType = options.errorType;
  }
}

/** `verifySlo` was called with options that cannot work (a target without a query, a bad URL). */
export class VerifyOptionsError extends IntentopsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("E_VERIFY_INVALID_OPTIONS", message, options);
    this.name = "VerifyOptionsError";
  }
}
