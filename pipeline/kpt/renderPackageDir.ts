/**
 * `kpt fn render` for a package on disk, with in-process functions: read the tree, render it in
 * memory, and only when the render succeeded write the changes. A failed render leaves the directory
 * byte-for-byte untouched. With `resultsDir`, the FunctionResultList is written to `results.yaml`
 * there in every case, as kpt does.
 */
import * as nodeFs from "node:fs/promises";
import { join } from "node:path";
import { formatObject } from "../../functions/runtime/formatObject.js";
import { type RenderOutcome, renderPackage } from "../../functions/runtime/renderPackage.js";
import type { FunctionRegistry } from "../../functions/runtime/resolveFunction.js";
import { type PackageFs, readPackageDir } from "./readPackageDir.js";
import { type PackageWrite, writePackageDir } from "./writePackageDir.js";

/** Options of `renderPackageDir`. */
export interface RenderPackageDirOptions {
  dir: string;
  registry: FunctionRegistry;
  /** Where to write `results.yaml`; none by default. */
  resultsDir?: string;
  /** Record the render in the root Kptfile's `status` as newer kpt does (see `renderPackage`); default false. */
  kptfileStatus?: boolean;
  deps?: { fs?: PackageFs };
}

/** The render outcome plus what was written (nothing on failure). */
export type RenderPackageDirOutcome = RenderOutcome & { write: PackageWrite; resultsFile?: string };

/**
 * Renders the package in `dir` in place.
 *
 * @example const out = await renderPackageDir({ dir: "pkg", registry: stdlibRegistry, resultsDir: "/tmp/r" });
 */
export async function renderPackageDir(options: RenderPackageDirOptions): Promise<RenderPackageDirOutcome> {
  const { dir, registry, resultsDir, kptfileStatus = false, deps = {} } = options;
  const fs = deps.fs ?? nodeFs;
  const before = await readPackageDir(dir, { fs });
  const outcome = await renderPackage({ files: before, registry, kptfileStatus });
  // A failed render writes nothing — except, when asked for, the failure recorded in the root Kptfile.
  const write = outcome.ok
    ? await writePackageDir(dir, before, outcome.files, { fs })
    : outcome.kptfile !== undefined
      ? await writePackageDir(dir, before, { ...before, Kptfile: outcome.kptfile }, { fs })
      : { written: [], deleted: [] };
  if (resultsDir === undefined) return { ...outcome, write };
  await fs.mkdir(resultsDir, { recursive: true });
  const resultsFile = join(resultsDir, "results.yaml");
  await fs.writeFile(resultsFile, formatObject(outcome.results), "utf8");
  return { ...outcome, write, resultsFile };
}
