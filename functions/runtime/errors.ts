/**
 * Error catalogue of the function runtime. Each class has a stable `code`; tests assert codes.
 * These are one concept (what can go wrong while running functions), so they share a file.
 */
import { type ErrorOptions, IntentopsError } from "../../compiler/errors.js";

/** A YAML file or ResourceList could not be parsed, or holds something that is not a KRM object. */
export class KrmParseError extends IntentopsError {
  readonly file: string | undefined;
  constructor(message: string, options: ErrorOptions & { file?: string } = {}) {
    super("E_KRM_PARSE", options.file ? `${options.file}: ${message}` : message, options);
    this.name = "KrmParseError";
    this.file = options.file;
  }
}

/** A Kptfile is malformed: wrong kind, a function with both or neither of image/exec, and so on. */
export class KptfileError extends IntentopsError {
  readonly file: string;
  readonly pointer: string;
  constructor(file: string, pointer: string, message: string, options: ErrorOptions = {}) {
    super("E_KPTFILE_INVALID", `${file}#${pointer || "/"}: ${message}`, options);
    this.name = "KptfileError";
    this.file = file;
    this.pointer = pointer;
  }
}

/** A pipeline names a function the registry does not hold. */
export class FunctionNotFoundError extends IntentopsError {
  constructor(ref: string, options: ErrorOptions = {}) {
    super("E_FN_NOT_FOUND", `no function registered for "${ref}"`, options);
    this.name = "FunctionNotFoundError";
  }
}

/** A function's configuration is missing or invalid (thrown by functions: an operational failure). */
export class FunctionConfigError extends IntentopsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("E_FN_CONFIG", message, options);
    this.name = "FunctionConfigError";
  }
}

/** A `configPath` names a file that holds no object in the package. */
export class MissingFunctionConfigError extends IntentopsError {
  constructor(configPath: string, options: ErrorOptions = {}) {
    super("E_FN_CONFIG_MISSING", `missing function config "${configPath}"`, options);
    this.name = "MissingFunctionConfigError";
  }
}

/** A function returned objects that break the package's invariants (duplicate path/index, path outside). */
export class FunctionOutputError extends IntentopsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("E_FN_OUTPUT", message, options);
    this.name = "FunctionOutputError";
  }
}

/** A render step failed: a function threw or reported an error result. `cause` holds the reason. */
export class RenderFailedError extends IntentopsError {
  readonly step: string;
  constructor(step: string, message: string, options: ErrorOptions = {}) {
    super("E_RENDER_FAILED", `${step}: ${message}`, options);
    this.name = "RenderFailedError";
    this.step = step;
  }
}
