/**
 * `runAgent`: pull mode for one site, like Config Sync's RootSync: sync now, then again every interval
 * or when the optional loopback endpoint is poked (`POST /sync`), until stopped. Each sync's outcome goes
 * to `onSync`; a failed sync is reported and retried on the next tick, never fatal.
 */
import { createServer, type Server } from "node:http";
import type { GitDeps } from "../git/gitDeps.js";
import type { ReconcileSiteDeps } from "./reconcileSite.js";
import { type SyncFromGitOptions, type SyncOutcome, syncFromGit } from "./syncFromGit.js";

export interface RunAgentOptions extends SyncFromGitOptions {
  /** Default 10 s. */
  intervalMs?: number;
  /** One sync, then return. */
  once?: boolean;
  /** `127.0.0.1:PORT`: a push notification endpoint (`POST /sync`) that triggers a sync. */
  listen?: string;
  /** Stops the loop. */
  signal?: AbortSignal;
}

export interface RunAgentDeps extends ReconcileSiteDeps {
  git: GitDeps;
  onSync?: (outcome: SyncOutcome) => void | Promise<void>;
  onError?: (error: unknown) => void;
  /** Called with the bound address when `listen` is set. */
  onListening?: (address: { host: string; port: number }) => void;
}

/** Returns the last sync's outcome once stopped (or after one sync with `once`). */
export async function runAgent(options: RunAgentOptions, deps: RunAgentDeps): Promise<SyncOutcome | null> {
  const { intervalMs = 10_000, once = false, signal } = options;
  let last: SyncOutcome | null = null;
  let wake: (() => void) | null = null;
  let poked = false;
  const server =
    options.listen && !once
      ? await listen(
          options.listen,
          () => {
            poked = true;
            wake?.();
          },
          deps,
        )
      : null;
  try {
    for (;;) {
      poked = false;
      try {
        last = await syncFromGit({ ...options, lastSynced: last?.commit ?? null }, deps);
        await deps.onSync?.(last);
      } catch (error) {
        if (once) throw error;
        deps.onError?.(error);
      }
      if (once || signal?.aborted) return last;
      if (!poked) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, intervalMs);
          const done = () => {
            clearTimeout(timer);
            resolve();
          };
          wake = done;
          signal?.addEventListener("abort", done, { once: true });
        });
        wake = null;
      }
      if (signal?.aborted) return last;
    }
  } finally {
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}

async function listen(address: string, poke: () => void, deps: RunAgentDeps): Promise<Server> {
  const m = /^(127\.0\.0\.1|localhost|\[::1\]):(\d+)$/.exec(address);
  if (!m) throw new Error(`--listen ${address}: only a loopback address 127.0.0.1:PORT is accepted`);
  const server = createServer((req, res) => {
    if (req.method === "POST" && req.url === "/sync") {
      poke();
      res.writeHead(202, { "Content-Type": "text/plain" }).end("sync scheduled\n");
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(m[2]), m[1] === "[::1]" ? "::1" : m[1], () => resolve());
  });
  const bound = server.address() as import("node:net").AddressInfo;
  deps.onListening?.({ host: bound.address, port: bound.port });
  return server;
}
