/** Shared fixtures for the Git tests: temp dirs, pinned deps, rendered packages. */
import * as fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import http from "isomorphic-git/http/node";
import { type Digest, digestBytes, digestJson } from "../../compiler/digest.js";
import type { DeliverIntentOptions } from "../../pipeline/git/deliverIntent.js";
import type { GitDeps, RemoteCredentials } from "../../pipeline/git/gitDeps.js";

export const AUTHOR = { name: "intentops", email: "intentops@example.test" };

/** A clock that starts at a pinned instant and advances one second per reading. */
export function steppingClock(start = Date.UTC(2025, 0, 2, 3, 4, 5)): () => Date {
  let t = start;
  return () => {
    const now = new Date(t);
    t += 1000;
    return now;
  };
}

export function pinnedDeps(extra: Partial<GitDeps> = {}): GitDeps {
  return { fs, http, clock: steppingClock(), author: AUTHOR, sleep: async () => {}, ...extra };
}

export function bearer(token: string): RemoteCredentials {
  return { token, scheme: "bearer" };
}

const dirs: string[] = [];
export async function tempDir(prefix = "intentops-git-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
export async function cleanupTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/**
 * Delivery options for an intent whose packages hold `files` (name → content) at every site; the intent
 * document says `version`.
 */
export function intentDelivery(
  dir: string,
  intentId: string,
  sites: string[],
  files: Record<string, string>,
  version = 1,
  extra: Partial<DeliverIntentOptions> = {},
): DeliverIntentOptions {
  const intent = { id: intentId, version };
  const rendered = new Map<string, string>();
  const renderedDigests: Record<string, Digest> = {};
  for (const site of sites) {
    const listing: Record<string, string> = {};
    for (const [name, content] of Object.entries(files)) {
      const path = `rendered/${site}/${intentId}/${name}`;
      rendered.set(path, content);
      listing[name] = digestBytes(content);
    }
    renderedDigests[site] = digestJson(listing);
  }
  return {
    dir,
    intentId,
    intentFile: { path: `intents/${intentId}.json`, content: `${JSON.stringify(intent, null, 2)}\n` },
    rendered,
    digests: { intentDigest: digestJson(intent), renderedDigests },
    ...extra,
  };
}

export function deployment(name: string, replicas: number): string {
  return [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    `  name: ${name}`,
    "  namespace: default",
    "spec:",
    `  replicas: ${replicas}`,
    "  template:",
    "    spec:",
    "      containers:",
    `        - name: ${name}`,
    "          image: registry.example/analytics:1.0",
    "",
  ].join("\n");
}
