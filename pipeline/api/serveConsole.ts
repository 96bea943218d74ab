/**
 * consoleDepsOf: the console's deps as `intentops serve` builds them — the registry re-read from the
 * sites file on each use, the delivery repository and Git deps of serve itself, the standard functions,
 * the built console under `dist/console/` (its HTML and styles under `pipeline/console/public/`), and the
 * LLM backend when configured.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseSiteRegistry } from "../../compiler/parseSiteRegistry.js";
import { stdlibRegistry } from "../../functions/stdlib/stdlibRegistry.js";
import type { ConsoleDeps } from "./consoleDeps.js";
import type { ServeOptions } from "./startServe.js";

/** The project root: dist/pipeline/api → ../../.. ; pipeline/api (run from source) → ../.. */
export function consoleRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${join("dist", "pipeline")}`) ? join(here, "..", "..", "..") : join(here, "..", "..");
}

export function consoleDepsOf(options: ServeOptions, sitesFile: string): ConsoleDeps {
  const root = consoleRoot();
  return {
    registry: async () => parseSiteRegistry(await readFile(sitesFile, "utf8"), sitesFile),
    repo: options.repo,
    git: options.git,
    functions: stdlibRegistry,
    staticDirs: [join(root, "dist", "console"), join(root, "pipeline", "console", "public")],
    preactDir: dirname(dirname(createRequire(import.meta.url).resolve("preact"))),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.llm
      ? {
          llm: {
            config: options.llm,
            deps: { fetch, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) },
          },
        }
      : {}),
  };
}
