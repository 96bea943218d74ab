/**
 * What the `deliver`, `rollback` and `evidence` verbs share: real effects (node fs with every write renamed
 * into place, isomorphic-git's node HTTP client, the system clock), credentials by reference, and the mapping
 * of refusals to exit code 1.
 */
import * as fs from "node:fs";
import { isAbsolute, resolve } from "node:path";
import http from "isomorphic-git/http/node";
import { IntentopsError } from "../../compiler/errors.js";
import { crashSafeFs } from "./crashSafeFs.js";
import type { GitDeps } from "./gitDeps.js";
import { resolveCredentials } from "./resolveCredentials.js";

/** Options every Git verb accepts. */
export interface GitCliOptions {
  repo: string;
  remote?: string;
  branch: string;
  tokenEnv?: string;
  credentialsFile?: string;
  bearer?: boolean;
  author: string;
  json?: boolean;
}

/** Registers the shared options on a commander command. */
export function withGitOptions<
  T extends { option: (flags: string, description: string, defaultValue?: string) => T },
>(command: T): T {
  return command
    .option("--repo <dir>", "delivery repository (created bare if missing)", ".")
    .option("--remote <url>", "smart-HTTP remote to push to (no credentials in the URL)")
    .option("--branch <name>", "delivery branch", "main")
    .option("--token-env <name>", "environment variable holding the remote token")
    .option("--credentials-file <path>", "file holding the remote token (or user:token)")
    .option("--author <name <email>>", "commit author", "intentops <intentops@localhost>")
    .option("--json", "print the outcome as JSON");
}

export function absolute(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** Real effects for the CLI; the token is read from the env var or file named, never from an argument. */
export async function cliDeps(
  o: GitCliOptions,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<GitDeps> {
  const credentials = await resolveCredentials(
    {
      tokenEnv: o.tokenEnv,
      credentialsFile: o.credentialsFile ? absolute(cwd, o.credentialsFile) : undefined,
      scheme: o.bearer ? "bearer" : "basic",
    },
    env,
  );
  const m = /^(.*?)\s*<([^>]+)>$/.exec(o.author);
  const author = m ? { name: m[1]!, email: m[2]! } : { name: o.author, email: "intentops@localhost" };
  return { fs: crashSafeFs(fs), http, clock: () => new Date(), author, credentials };
}

/** Codes that mean "your input or the repository's state refuses this" (exit 1), not an outage (exit 3). */
export const REFUSAL_CODES = new Set([
  "E_REVERT_CONFLICT",
  "E_DELIVERY_CONFLICT",
  "E_NOT_FOUND",
  "E_REVERT_EMPTY",
  "E_REVERT_MERGE",
  "E_ALREADY_REVERTED",
  "E_DIVERGED",
  "E_LOCAL_CHANGES",
]);

/** Turns a refusal into a printed message and exit code 1; anything else propagates to main's mapping. */
export function isRefusal(error: unknown): error is IntentopsError {
  return error instanceof IntentopsError && REFUSAL_CODES.has(error.code);
}
