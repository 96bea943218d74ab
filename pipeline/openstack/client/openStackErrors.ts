/**
 * Errors of the OpenStack driver, each with a stable `code`. An API error carries the service, method,
 * path and status (never a token or a password) and the message the service gave.
 */
import { IntentopsError } from "../../../compiler/errors.js";

/** An OpenStack API answered with an unexpected status. */
export class OpenStackApiError extends IntentopsError {
  readonly status: number;
  readonly service: string;
  readonly method: string;
  readonly path: string;

  constructor(
    init: { status: number; service: string; method: string; path: string; detail: string },
    options: { subject?: string; cause?: unknown } = {},
  ) {
    super(
      init.status === 404 ? "E_OPENSTACK_NOT_FOUND" : "E_OPENSTACK_HTTP",
      `${init.service} ${init.method} ${init.path}: ${init.status} ${init.detail}`,
      options,
    );
    this.name = "OpenStackApiError";
    this.status = init.status;
    this.service = init.service;
    this.method = init.method;
    this.path = init.path;
  }
}

/** The service could not be reached (refused, reset, timed out). */
export class OpenStackUnreachableError extends IntentopsError {
  constructor(message: string, options: { subject?: string; cause?: unknown } = {}) {
    super("E_OPENSTACK_UNREACHABLE", message, options);
    this.name = "OpenStackUnreachableError";
  }
}

/** Keystone refused the credentials (or the catalog lacks a service we need). */
export class OpenStackAuthError extends IntentopsError {
  constructor(message: string, options: { subject?: string; cause?: unknown } = {}) {
    super("E_OPENSTACK_AUTH", message, options);
    this.name = "OpenStackAuthError";
  }
}

/** A resource did not reach the wanted state in time, or reached an error state. */
export class OpenStackWaitError extends IntentopsError {
  readonly lastStatus: string;
  constructor(
    code: "E_OPENSTACK_TIMEOUT" | "E_OPENSTACK_RESOURCE_ERROR",
    message: string,
    lastStatus: string,
    options: { subject?: string; cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.name = "OpenStackWaitError";
    this.lastStatus = lastStatus;
  }
}

/** Whether an error is worth retrying: a 5xx, a 409 conflict, an unreachable service, a wait that timed out. */
export function isTransient(error: unknown): boolean {
  if (error instanceof OpenStackUnreachableError) return true;
  if (error instanceof OpenStackWaitError) return error.code === "E_OPENSTACK_TIMEOUT";
  // A server whose build failed was removed by the step: building it again is the retry.
  if (error instanceof IntentopsError && error.code === "E_OPENSTACK_BUILD_FAILED") return true;
  if (error instanceof OpenStackApiError) return error.status >= 500 || error.status === 409;
  return false;
}

/** The message a service put in its error body (Nova, Neutron, Cinder, Keystone and Glance shapes). */
export function errorDetail(body: unknown, fallback: string): string {
  if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    for (const value of Object.values(record)) {
      if (value && typeof value === "object") {
        const inner = value as Record<string, unknown>;
        if (typeof inner.message === "string") return inner.message;
      }
    }
    if (typeof record.message === "string") return record.message;
  }
  if (typeof body === "string" && body.trim()) return body.trim().slice(0, 300);
  return fallback;
}
