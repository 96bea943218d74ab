// The directory-driven conformance cases (kpt's own layout): `test/testdata/render/<case>/` is a package
// tree for `kpt fn render`; `test/testdata/fn/<function>/<case>/` is a directory for `kpt fn eval`.
// Each case has `.expected/config.yaml` (exit code, and for eval the function's `args` or an
// `fnConfig` file inside `.expected/`) and `.expected/diff.patch`, the `git diff` the run must leave
// (absent or empty: nothing changes). Kptfiles name our functions as `exec: node FN_BIN/<fn>.js`;
// the runner puts the absolute path of dist/functions/bin there and takes it out of the diff again.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";

const run = promisify(execFile);
export const KPT = "/usr/bin/kpt";
export const BIN = resolve("dist/functions/bin");
export const TESTDATA = resolve("test/testdata");
const PLACEHOLDER = "FN_BIN";

/** What `.expected/config.yaml` says. */
export interface CaseConfig {
  exitCode: number;
  /** eval only: `-- key=value` arguments. */
  args?: Record<string, string>;
  /** eval only: a config file in `.expected/`, given as `--fn-config`. */
  fnConfig?: string;
  /** eval only: the function (defaults to the directory above the case). */
  fn?: string;
  /** The stable code our in-process run fails with (when exitCode is 1). */
  errorCode?: string;
}

export interface Case {
  name: string;
  dir: string;
  config: CaseConfig;
  expectedDiff: string;
}

/** Lists the cases under `test/testdata/<kind>/` (for `fn`, one level of function directories first). */
export function listCases(kind: "render" | "fn"): Case[] {
  const root = join(TESTDATA, kind);
  const dirs: string[] = [];
  for (const entry of readdirSync(root).sort()) {
    const dir = join(root, entry);
    if (kind === "render") dirs.push(dir);
    else for (const sub of readdirSync(dir).sort()) dirs.push(join(dir, sub));
  }
  return dirs.map((dir) => {
    const expected = join(dir, ".expected");
    const config = parse(readFileSync(join(expected, "config.yaml"), "utf8")) as CaseConfig;
    const diffFile = join(expected, "diff.patch");
    return {
      name: relative(root, dir),
      dir,
      config: { ...config, exitCode: config.exitCode ?? 0 },
      expectedDiff: existsSync(diffFile) ? readFileSync(diffFile, "utf8") : "",
    };
  });
}

function walk(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const path = rel === "" ? name : `${rel}/${name}`;
    if (name === ".expected") continue;
    if (statSync(join(dir, path)).isDirectory()) out.push(...walk(dir, path));
    else out.push(path);
  }
  return out;
}

/** The case's files (no `.expected/`), with FN_BIN replaced by the real path. */
export function caseFiles(c: Case): Record<string, string> {
  const files: Record<string, string> = {};
  for (const path of walk(c.dir))
    files[path] = readFileSync(join(c.dir, path), "utf8").replaceAll(PLACEHOLDER, BIN);
  return files;
}

/** A git work tree holding `files`, committed, so `git diff` shows what a run changed. */
export async function stage(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "intentops-conf-"));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const git = (...args: string[]) => run("git", ["-C", dir, ...args]);
  await git("init", "-q");
  await git("add", "-A");
  await git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "case");
  return dir;
}

/** `git diff` of the work tree (new files included), FN_BIN put back and `index` lines dropped. */
export async function diffOf(dir: string): Promise<string> {
  await run("git", ["-C", dir, "add", "-A"]);
  const { stdout } = await run("git", ["-C", dir, "diff", "--cached", "--no-color", "--no-renames"]);
  return stdout
    .replaceAll(BIN, PLACEHOLDER)
    .split("\n")
    .filter((l) => !l.startsWith("index "))
    .join("\n");
}

/** Same normalisation for a stored patch. */
export function normalisePatch(text: string): string {
  return text
    .split("\n")
    .filter((l) => !l.startsWith("index "))
    .join("\n");
}

/** Runs kpt; never throws for a non-zero exit. */
export async function kpt(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(KPT, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stderr };
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stderr: e.stderr ?? String(error) };
  }
}

/** Reads the results of the single function kpt ran, from `--results-dir`. */
export async function kptResults(resultsDir: string): Promise<unknown[] | undefined> {
  const file = join(resultsDir, "results.yaml");
  if (!existsSync(file)) return undefined;
  const list = parse(await readFile(file, "utf8")) as { items?: { results?: unknown[] }[] };
  return list.items?.flatMap((i) => i.results ?? []);
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
