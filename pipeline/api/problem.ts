/**
 * RFC 9457 problem documents that are also TMF921 `Error` objects, and the error handler that turns every
 * refusal (schema validation, parse limits, auth, rate limit, unknown route) into one: a stable `code`,
 * the JSON pointers at fault, never a stack trace or a secret.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { IntentopsError } from "../../compiler/errors.js";

export interface ProblemItem {
  pointer: string;
  detail: string;
  code?: string;
}

/** An API refusal with its HTTP status and stable code. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: ProblemItem[];
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    code: string,
    message: string,
    options: { errors?: ProblemItem[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.errors = options.errors ?? [];
    this.headers = options.headers ?? {};
  }
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Intake error codes → HTTP status. */
const STATUS_OF_CODE: Record<string, number> = {
  E_NOT_FOUND: 404,
  E_CONFLICT: 409,
  E_IDEMPOTENCY_MISMATCH: 422,
  // Operator mode: the commit or the IntentDeployment write did not finish in time (it goes on).
  E_GIT_UNAVAILABLE: 503,
};

export function problemBody(error: ApiError, request: FastifyRequest): Record<string, unknown> {
  const title = TITLES[error.status] ?? "Error";
  return {
    type: `https://intentops.io/problems/${error.code.toLowerCase().replace(/^e_/, "").replace(/_/g, "-")}`,
    title,
    detail: error.message,
    instance: request.url.split("?")[0],
    "@type": "Error",
    code: error.code,
    reason: title,
    message: error.message,
    requestId: String(request.id),
    ...(error.errors.length ? { errors: error.errors } : {}),
  };
}

/** Maps anything thrown in a route or hook to an `ApiError`. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof IntentopsError && STATUS_OF_CODE[error.code]) {
    return new ApiError(STATUS_OF_CODE[error.code]!, error.code, error.message);
  }
  const e = error as FastifyError & {
    validation?: Array<{
      instancePath: string;
      message?: string;
      params?: Record<string, unknown>;
      keyword: string;
    }>;
    validationContext?: string;
  };
  if (e?.validation) {
    const where = e.validationContext === "body" ? "" : `/${e.validationContext ?? ""}`;
    return new ApiError(
      400,
      "E_VALIDATION",
      `the request ${e.validationContext ?? "input"} does not match the API schema`,
      {
        errors: e.validation.slice(0, 20).map((v) => ({
          pointer: `${where}${v.instancePath}${v.keyword === "required" && v.params?.missingProperty ? `/${String(v.params.missingProperty)}` : ""}`,
          detail: v.message ?? v.keyword,
          code: `E_SCHEMA_${v.keyword.toUpperCase()}`,
        })),
      },
    );
  }
  switch (e?.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ApiError(413, "E_TOO_LARGE", "the request body is larger than the limit");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new ApiError(
        415,
        "E_MEDIA_TYPE",
        "send the body as application/json (or application/merge-patch+json for PATCH)",
      );
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new ApiError(400, "E_EMPTY_BODY", "the request body is empty");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new ApiError(400, "E_CONTENT_LENGTH", "the Content-Length does not match the body");
  }
  if (typeof e?.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return new ApiError(e.statusCode, "E_REQUEST", e.message);
  }
  return new ApiError(
    500,
    "E_INTERNAL",
    "the server failed to handle the request; see its log for the request id",
  );
}

/** Sends `error` as `application/problem+json`. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: unknown): FastifyReply {
  const api = toApiError(error);
  if (api.status >= 500) request.log.error({ err: error }, "request failed");
  return reply
    .code(api.status)
    .headers(api.headers)
    .type("application/problem+json")
    .send(problemBody(api, request));
}
