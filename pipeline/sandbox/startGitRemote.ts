/**
 * startGitRemote: a Git smart-HTTP remote on this machine — Debian's `git http-backend` run as a CGI
 * program behind a small Node `http` server on 127.0.0.1 (any free port), with an optional token
 * check (Basic `user:token` or Bearer). Repositories are created bare with `receive.denyNonFastForwards`
 * and `receive.fsckObjects`, so the server itself refuses history rewrites and malformed objects. The
 * demo delivers through it (`intentops serve` needs a remote to push to); the tests use it as their remote.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

/** The `git` CLI with no user or system configuration. */
async function git(args: string[], cwd: string): Promise<void> {
  await execFileP("git", args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: cwd, GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0", LANG: "C" },
  });
}

export interface GitRemote {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Directory holding the bare repositories. */
  root: string;
  /** Creates a bare repository `<name>.git` and returns its URL. */
  createRepo(name: string): Promise<string>;
  /** Path of the bare repository `<name>.git` (for `git log`, `git fsck`). */
  repoPath(name: string): string;
  /**
   * Number of HTTP requests served, how many were refused for lack of credentials, and how many asked
   * for a pack (a fetch's `git-upload-pack` POST).
   */
  stats: { requests: number; unauthorized: number; uploadPacks: number };
  close(): Promise<void>;
}

export interface GitRemoteOptions {
  /** When set, every request must carry this token (Basic password or Bearer). */
  token?: string;
  /** Directory for the bare repositories (created by the caller); default a new temporary directory. */
  root?: string;
}

export async function startGitRemote({ token, root: given }: GitRemoteOptions = {}): Promise<GitRemote> {
  const root = given ?? (await mkdtemp(join(tmpdir(), "intentops-remote-")));
  const stats = { requests: 0, unauthorized: 0, uploadPacks: 0 };
  const server = createServer((req, res) => {
    stats.requests++;
    if (req.method === "POST" && req.url?.endsWith("/git-upload-pack")) stats.uploadPacks++;
    if (token !== undefined && !authorised(req, token)) {
      stats.unauthorized++;
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="intentops"' }).end("unauthorized\n");
      return;
    }
    runBackend(root, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    root,
    stats,
    repoPath: (name) => join(root, `${name}.git`),
    async createRepo(name) {
      const path = join(root, `${name}.git`);
      await git(["init", "--quiet", "--bare", "-b", "main", path], root);
      for (const [key, value] of [
        ["http.receivepack", "true"],
        ["receive.denyNonFastForwards", "true"],
        ["receive.denyDeletes", "true"],
        ["receive.fsckObjects", "true"],
      ] as const) {
        await git(["config", key, value], path);
      }
      return `${url}/${name}.git`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!given) await rm(root, { recursive: true, force: true });
    },
  };
}

function authorised(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? "";
  if (header === `Bearer ${token}`) return true;
  if (!header.startsWith("Basic ")) return false;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  return decoded.slice(decoded.indexOf(":") + 1) === token;
}

/** Runs one request through `git http-backend` (CGI/1.1: request meta-variables in the environment). */
function runBackend(root: string, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_CONFIG_NOSYSTEM: "1",
    HOME: root,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: "1",
    REMOTE_USER: "intentops",
    REMOTE_ADDR: "127.0.0.1",
    REQUEST_METHOD: req.method ?? "GET",
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    GATEWAY_INTERFACE: "CGI/1.1",
    SERVER_PROTOCOL: "HTTP/1.1",
  };
  if (req.headers["content-length"] !== undefined) env.CONTENT_LENGTH = req.headers["content-length"];
  if (req.headers["content-encoding"]) env.HTTP_CONTENT_ENCODING = req.headers["content-encoding"];
  if (req.headers["git-protocol"]) env.GIT_PROTOCOL = String(req.headers["git-protocol"]);
  const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
  req.pipe(child.stdin);
  child.stdin.on("error", () => {});
  let head = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on("data", (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) return;
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
      const colon = line.indexOf(":");
      const key = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (key.toLowerCase() === "status") status = Number.parseInt(value, 10);
      else headers[key] = value;
    }
    res.writeHead(status, headers);
    headersSent = true;
    res.write(head.subarray(end + 4));
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.on("close", (code) => {
    if (!headersSent) {
      res.writeHead(500, { "Content-Type": "text/plain" }).end(`http-backend exited ${code}: ${stderr}`);
      return;
    }
    res.end();
  });
}
