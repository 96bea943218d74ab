// Shared helpers of the render tests: temp workspaces with the example intents, the `render` verb run
// in-process, and whole-tree snapshots (bytes, inode, mtime) to prove what a render did or did not touch.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { Command, CommanderError } from "commander";
import { IntentopsError, InvalidInputError } from "../../compiler/index.js";
import { register } from "../../pipeline/cli/commands/render.js";
import { memoryIo } from "../../pipeline/cli/io.js";

export const REPO = resolve(".");

const made: string[] = [];

/** A new temp directory, removed by `cleanupTempDirs`. */
export async function tempDir(prefix = "intentops-render-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function cleanupTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A workspace with a copy of the repository's `intents/` (including `sites.yaml`). */
export async function workspaceWithExamples(): Promise<string> {
  const dir = await tempDir();
  await cp(join(REPO, "intents"), join(dir, "intents"), { recursive: true });
  return dir;
}

export interface RenderRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `intentops render <args>` in-process with only the render verb registered (so the test does not
 * depend on other verbs building), mapping errors to the CLI's exit codes: 1 invalid input, 2 usage,
 * 3 any other failure — the contract of pipeline/cli/main.ts.
 */
export async function runRender(cwd: string, args: readonly string[] = []): Promise<RenderRun> {
  const io = memoryIo(cwd);
  const program = new Command("intentops").exitOverride();
  program.configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  register(program, io);
  let code = 0;
  try {
    await program.parseAsync(["render", ...args], { from: "user" });
    code = io.exitCode ?? 0;
  } catch (error) {
    if (error instanceof CommanderError) code = error.exitCode === 0 ? 0 : 2;
    else if (error instanceof InvalidInputError) code = 1;
    else if (error instanceof IntentopsError) code = error.code.startsWith("E_USAGE") ? 2 : 3;
    else throw error;
    io.stderr(`${error instanceof Error ? error.message : String(error)}\n`);
  }
  return { code, stdout: io.out(), stderr: io.err() };
}

export interface FileState {
  sha256: string;
  ino: number;
  mtimeMs: number;
}

/** Every file under `root` (hidden ones too), relative path → content digest, inode and mtime. */
export function snapshot(root: string): Map<string, FileState> {
  const files = new Map<string, FileState>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const info = statSync(path);
        files.set(relative(root, path), {
          sha256: createHash("sha256").update(readFileSync(path)).digest("hex"),
          ino: info.ino,
          mtimeMs: info.mtimeMs,
        });
      }
    }
  };
  walk(root);
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Relative path → content digest only. */
export function contentOf(root: string): Record<string, string> {
  return Object.fromEntries([...snapshot(root)].map(([path, state]) => [path, state.sha256]));
}

/** Every entry (files and directories) under `root` whose name marks it as a leftover temp. */
export function tempLeftovers(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (/intentops-(staging|new|old)|\.tmp$/.test(entry.name))
        found.push(relative(root, join(dir, entry.name)));
      if (entry.isDirectory()) walk(join(dir, entry.name));
    }
  };
  walk(root);
  return found;
}

/** Parses `--json` output of the render verb. */
export function jsonOutcome(run: RenderRun): {
  packages: Array<{ subject: string; action: string; inputDigest?: string; renderedDigest?: string }>;
  files: { total: number; compiled: number };
} {
  return JSON.parse(run.stdout);
}
