/**
 * renderIntents: compiles `intents/` and brings `rendered/<site>/<intent-id>/` up to date.
 *
 * A package is re-rendered only when its input digest (compiled intent + site + renderer version) differs
 * from the one recorded in its Kptfile, so one changed intent costs one render. Packages of intents that no
 * longer exist are removed. Everything is rendered in memory first: if any intent fails, nothing on disk
 * changes. Each package directory is then replaced as a whole (write a sibling, swap, drop the old one).
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import type { Digest } from "../../compiler/digest.js";
import {
  INPUT_DIGEST_ANNOTATION,
  packageInputDigest,
  type RenderedPackage,
  renderIntentPackage,
} from "../../functions/render/renderIntentPackage.js";
import { formatObject } from "../../functions/runtime/formatObject.js";
import { newResultList } from "../../functions/runtime/renderPackage.js";
import type { FunctionRegistry } from "../../functions/runtime/resolveFunction.js";
import type { FunctionResultList } from "../../functions/runtime/types.js";
import { writeFilesAtomically } from "../fs/writeFilesAtomically.js";
import { compileFiles, type LoadedIntent } from "../intents/loadIntents.js";

export type PackageAction = "rendered" | "unchanged" | "removed";

export interface PackageOutcome {
  subject: string;
  action: PackageAction;
  inputDigest?: Digest;
}

export interface RenderIntentsOptions {
  cwd: string;
  /** Intent file or directory. Default `intents`. */
  intents?: string;
  /** Output root. Default `rendered`. */
  out?: string;
  sites?: string;
  /** Re-render every package even when its input digest is unchanged. */
  force?: boolean;
  /** Write the merged `FunctionResultList` as `results.yaml` here. */
  resultsDir?: string;
  registry: FunctionRegistry;
  onProgress?: (done: number, total: number, subject: string) => void;
}

export interface RenderIntentsResult {
  packages: PackageOutcome[];
  rendered: RenderedPackage[];
  intents: LoadedIntent[];
  results: FunctionResultList;
}

/**
 * @throws InvalidInputError (bad intents), IntentopsError (generation or a pipeline step failed); nothing
 *   is written in either case.
 */
export async function renderIntents(options: RenderIntentsOptions): Promise<RenderIntentsResult> {
  const { cwd, registry, force = false } = options;
  const outRoot = resolve(cwd, options.out ?? "rendered");
  const compiled = await compileFiles(options.intents ?? "intents", {
    cwd,
    ...(options.sites ? { sites: options.sites } : {}),
  });
  const sites = new Map(compiled.registry.sites.map((s) => [s.id, s]));

  const wanted = compiled.intents.flatMap((intent) =>
    intent.compiled.spec.sites.map((siteId) => ({ intent, site: sites.get(siteId)! })),
  );
  const packages: PackageOutcome[] = [];
  const rendered: RenderedPackage[] = [];
  const results = newResultList();
  let done = 0;
  for (const { intent, site } of wanted) {
    const subject = `${site.id}/${intent.compiled.spec.intentId}`;
    const inputDigest = packageInputDigest(intent.compiled, site);
    if (!force && (await recordedDigest(join(outRoot, subject))) === inputDigest) {
      packages.push({ subject, action: "unchanged", inputDigest });
    } else {
      const pkg = await renderIntentPackage(intent.compiled, site, registry);
      results.items.push(...pkg.results.items);
      rendered.push(pkg);
      packages.push({ subject, action: "rendered", inputDigest });
    }
    options.onProgress?.(++done, wanted.length, subject);
  }

  const keep = new Set(wanted.map(({ intent, site }) => `${site.id}/${intent.compiled.spec.intentId}`));
  const stale = (await existingPackages(outRoot)).filter((subject) => !keep.has(subject));

  // Everything is known: now change the disk.
  for (const pkg of rendered) await replaceDirectory(join(outRoot, pkg.subject), pkg.files);
  for (const subject of stale) {
    await rm(join(outRoot, subject), { recursive: true, force: true });
    packages.push({ subject, action: "removed" });
  }
  if (options.resultsDir) {
    await writeFilesAtomically(
      resolve(cwd, options.resultsDir),
      new Map([["results.yaml", formatObject(results)]]),
    );
  }
  packages.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
  return { packages, rendered, intents: compiled.intents, results };
}

async function recordedDigest(dir: string): Promise<string | undefined> {
  const text = await readFile(join(dir, "Kptfile"), "utf8").catch(() => undefined);
  if (!text) return undefined;
  const match = new RegExp(
    `${INPUT_DIGEST_ANNOTATION.replace(/[./]/g, "\\$&")}: "?(sha256:[0-9a-f]{64})`,
  ).exec(text);
  return match?.[1];
}

/** `<site>/<intent>` of every directory under the output root that holds a Kptfile. */
async function existingPackages(outRoot: string): Promise<string[]> {
  const subjects: string[] = [];
  for (const site of await readdir(outRoot).catch(() => [] as string[])) {
    if (site.startsWith(".")) continue;
    const siteDir = join(outRoot, site);
    if (!(await stat(siteDir)).isDirectory()) continue;
    for (const intent of await readdir(siteDir)) {
      if (await stat(join(siteDir, intent, "Kptfile")).catch(() => undefined))
        subjects.push(`${site}/${intent}`);
    }
  }
  return subjects.sort();
}

/** Replaces `dir` with exactly `files`: built beside it, then swapped in with two renames. */
async function replaceDirectory(dir: string, files: Readonly<Record<string, string>>): Promise<void> {
  const temp = `${dir}.intentops-new-${process.pid}`;
  const old = `${dir}.intentops-old-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  for (const [path, text] of Object.entries(files)) {
    const target = join(temp, path);
    if (relative(temp, target).startsWith(".."))
      throw new Error(`refusing to write outside the package: ${path}`);
    await mkdir(join(target, ".."), { recursive: true });
    await writeFile(target, text);
  }
  const exists = await stat(dir).catch(() => undefined);
  if (exists) await rename(dir, old);
  await mkdir(join(dir, ".."), { recursive: true });
  await rename(temp, dir);
  if (exists) await rm(old, { recursive: true, force: true });
}
