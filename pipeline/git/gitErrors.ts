/**
 * Errors raised by Git delivery, revert and push. Kept in one file (not one per file as in isomorphic-git)
 * because they are small and always imported together; each has a stable literal `code` that tests assert.
 */
import { type ErrorOptions, IntentopsError } from "../../compiler/errors.js";

/** A change could not be re-applied, or a revert could not be merged: `paths` are the conflicting files. */
export class ConflictError extends IntentopsError {
  readonly paths: readonly string[];
  constructor(
    code: "E_REVERT_CONFLICT" | "E_DELIVERY_CONFLICT",
    message: string,
    paths: readonly string[],
    options: ErrorOptions = {},
  ) {
    super(code, `${message}: ${paths.join(", ")}`, options);
    this.name = "ConflictError";
    this.paths = paths;
  }
}

/** The remote kept refusing our update (someone kept pushing first) after every allowed attempt. */
export class PushRejectedError extends IntentopsError {
  readonly attempts: number;
  constructor(message: string, attempts: number, options: ErrorOptions = {}) {
    super("E_PUSH_REJECTED", message, options);
    this.name = "PushRejectedError";
    this.attempts = attempts;
  }
}

/**
 * One push refused because the remote's branch is no longer where we built on (another writer pushed
 * first). `updateBranch` rebuilds on the new head and tries again; after its last attempt it throws
 * `PushRejectedError`, so this one never reaches a caller.
 */
export class RefMovedError extends IntentopsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("E_REF_MOVED", message, options);
    this.name = "RefMovedError";
  }
}

/** The remote could not be reached or answered with an error that retrying does not fix. */
export class RemoteError extends IntentopsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("E_REMOTE", message, options);
    this.name = "RemoteError";
  }
}

/** The commit or intent named for a revert does not exist on the branch. */
export class NotFoundError extends IntentopsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("E_NOT_FOUND", message, options);
    this.name = "NotFoundError";
  }
}

/** A revert that would change nothing, or of a commit that cannot be reverted (merge, root, already reverted). */
export class RevertRefusedError extends IntentopsError {
  constructor(
    code: "E_REVERT_EMPTY" | "E_REVERT_MERGE" | "E_REVERT_ROOT" | "E_ALREADY_REVERTED",
    message: string,
    options: ErrorOptions = {},
  ) {
    super(code, message, options);
    this.name = "RevertRefusedError";
  }
}

/** An option given by the caller is unusable (bad path, secret in a URL, unknown branch). */
export class GitUsageError extends IntentopsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("E_USAGE_GIT", message, options);
    this.name = "GitUsageError";
  }
}

/** The repository's branches diverged in a way we will not resolve automatically. */
export class DivergedError extends IntentopsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("E_DIVERGED", message, options);
    this.name = "DivergedError";
  }
}

/**
 * The work tree has local changes a revert would overwrite (staged changes anywhere, or unstaged or
 * untracked files on the paths it touches), as `git revert` refuses; `paths` are the offending files.
 */
export class LocalChangesError extends IntentopsError {
  readonly paths: readonly string[];
  constructor(message: string, paths: readonly string[], options: ErrorOptions = {}) {
    super("E_LOCAL_CHANGES", `${message}: ${paths.join(", ")}`, options);
    this.name = "LocalChangesError";
    this.paths = paths;
  }
}
