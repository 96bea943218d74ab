/**
 * Credentials by reference: config names an environment variable or a file path, never the secret.
 * A credentials file holds the token on its first line, or `username:token`.
 */
import { readFile } from "node:fs/promises";
import type { RemoteCredentials } from "./gitDeps.js";
import { GitUsageError } from "./gitErrors.js";

export interface CredentialsRef {
  /** Name of the environment variable holding the token. */
  tokenEnv?: string;
  /** Path of a file holding the token (or `username:token`). */
  credentialsFile?: string;
  username?: string;
  scheme?: "basic" | "bearer";
}

/** Resolves a reference to credentials, or `undefined` when none is configured. Errors never quote a secret. */
export async function resolveCredentials(
  ref: CredentialsRef,
  env: Readonly<Record<string, string | undefined>>,
): Promise<RemoteCredentials | undefined> {
  const { tokenEnv, credentialsFile, username, scheme } = ref;
  if (tokenEnv && credentialsFile)
    throw new GitUsageError("give either a token env var or a credentials file, not both");
  if (tokenEnv) {
    const token = env[tokenEnv];
    if (!token) throw new GitUsageError(`environment variable ${tokenEnv} (the remote token) is not set`);
    return { token, username, scheme };
  }
  if (credentialsFile) {
    let text: string;
    try {
      text = await readFile(credentialsFile, "utf8");
    } catch (error) {
      throw new GitUsageError(`cannot read credentials file ${credentialsFile}`, {
        cause: (error as { code?: string }).code,
      });
    }
    const line = text.split(/\r?\n/)[0]?.trim() ?? "";
    if (!line) throw new GitUsageError(`credentials file ${credentialsFile} is empty`);
    const colon = line.indexOf(":");
    return colon > 0
      ? { username: username ?? line.slice(0, colon), token: line.slice(colon + 1), scheme }
      : { token: line, username, scheme };
  }
  return undefined;
}
