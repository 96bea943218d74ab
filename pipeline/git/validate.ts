/** Checks on caller-supplied names and paths, shared by the public Git verbs. */
import { GitUsageError } from "./gitErrors.js";

const INTENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Intent ids become directory names and trailer values: one path segment, no spaces. */
export function checkIntentId(intentId: string): void {
  if (!INTENT_ID.test(intentId)) {
    throw new GitUsageError(`intent id ${JSON.stringify(intentId)} must match ${INTENT_ID}`);
  }
}

/** A repository-relative file path under `prefix`: no empty, `.` or `..` segments, nothing inside `.git`. */
export function checkRepoPath(path: string, prefix: string): void {
  const segments = path.split("/");
  const bad =
    !path.startsWith(prefix) ||
    segments.some((s) => s === "" || s === "." || s === ".." || s.toLowerCase() === ".git") ||
    path.includes("\\") ||
    path.includes("\0");
  if (bad) throw new GitUsageError(`path ${JSON.stringify(path)} must be a relative path under ${prefix}`);
}

/**
 * Remote URLs come from config, and config must never hold a secret: user-info in the URL is refused
 * (credentials come from an env var name or a file path instead).
 */
export function checkRemoteUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GitUsageError("remote must be an http(s) URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new GitUsageError(`remote must be an http(s) URL (smart HTTP), not ${parsed.protocol}`);
  }
  if (parsed.username || parsed.password) {
    throw new GitUsageError(
      "remote URL must not carry credentials; give an env var name or a credentials file path instead",
    );
  }
}
