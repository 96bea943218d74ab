/**
 * The effects every Git operation takes, injected as one object so tests pin the clock and the author
 * (reproducible SHAs) and production passes `node:fs` and isomorphic-git's node HTTP client.
 */
import type { HttpClient, PromiseFsClient } from "isomorphic-git";

/** Who a commit is by. */
export interface GitIdentity {
  name: string;
  email: string;
}

/** Credentials for the remote; resolved from an env var name or a file path, never from config text. */
export interface RemoteCredentials {
  /** Defaults to `intentops` (servers that take a token as password ignore the user name). */
  username?: string;
  token: string;
  /** `basic` (default) sends `username:token`; `bearer` sends `Authorization: Bearer <token>`. */
  scheme?: "basic" | "bearer";
}

export interface GitDeps {
  /** A promise file system (`node:fs` works); isomorphic-git does all repository I/O through it. */
  fs: PromiseFsClient;
  /** isomorphic-git HTTP client (`isomorphic-git/http/node`); only needed with a remote. */
  http?: HttpClient;
  /** Commit and evidence time. Tests pin it so commit SHAs are reproducible. */
  clock: () => Date;
  author: GitIdentity;
  /** Committer; defaults to `author`. */
  committer?: GitIdentity;
  credentials?: RemoteCredentials;
  /** Wait between push attempts; injectable so tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** isomorphic-git object cache shared by the calls of one operation. */
  cache?: object;
}

/** Where the repository is and which branch and remote it delivers to. */
export interface RepoOptions {
  /** Repository directory: a bare repository, or a work tree with `.git/` (its files are never touched). */
  dir: string;
  /** Branch sites reconcile from. Default `main`. */
  branch?: string;
  /** Smart-HTTP URL of the remote; without it everything stays local. Must not carry credentials. */
  remote?: string;
  /** Push attempts before giving up on a remote that keeps moving. Default 6. */
  maxAttempts?: number;
  /** First backoff delay; doubles each attempt. Default 50 ms. */
  backoffMs?: number;
}

/**
 * HTTP headers that authenticate to the remote. Sent on every request (rather than through `onAuth`, which
 * isomorphic-git only calls after a 401) so bearer tokens work and no anonymous round trip is made.
 */
export function authHeaders(credentials: RemoteCredentials | undefined): Record<string, string> {
  if (!credentials) return {};
  if (credentials.scheme === "bearer") return { Authorization: `Bearer ${credentials.token}` };
  const pair = `${credentials.username ?? "intentops"}:${credentials.token}`;
  return { Authorization: `Basic ${Buffer.from(pair, "utf8").toString("base64")}` };
}

/** Unix seconds and offset for a commit signature at the clock's time (UTC: reproducible everywhere). */
export function signatureAt(identity: GitIdentity, clock: () => Date) {
  return {
    name: identity.name,
    email: identity.email,
    timestamp: Math.floor(clock().getTime() / 1000),
    timezoneOffset: 0,
  };
}
