/**
 * `intentops render`: compile `intents/` and bring `rendered/<site>/<intent-id>/` up to date.
 * Exit 0 ok; 1 invalid input, including an intent its generator cannot build (`E_GEN_*`); 2 usage; 3 a
 * failing pipeline function. Nothing is written unless the exit code is 0.
 */
import type { Command } from "commander";
import { stringifyCanonical } from "../../../compiler/index.js";
import { stdlibRegistry } from "../../../functions/stdlib/stdlibRegistry.js";
import { renderIntents } from "../../render/renderIntents.js";
import type { CliIo } from "../io.js";
import { withJsonErrors } from "../jsonErrors.js";

interface RenderFlags {
  intents: string;
  out: string;
  sites?: string;
  force?: boolean;
  resultsDir?: string;
  json?: boolean;
}

export function register(program: Command, io: CliIo): void {
  program
    .command("render")
    .description("compile the intents and write one kpt package per (site, intent) under rendered/")
    .option(
      "--intents <path>",
      "intent directory (packages of intents no longer in it are removed) or one intent file (only its packages are touched)",
      "intents",
    )
    .option("--out <dir>", "output root", "rendered")
    .option("--sites <file>", "site registry (default: sites.yaml beside the intents)")
    .option("--force", "re-render packages whose input digest is unchanged")
    .option("--results-dir <dir>", "write the kpt FunctionResultList as results.yaml into this directory")
    .option("--json", "print the outcome as JSON")
    .action(
      withJsonErrors(io, async (flags: RenderFlags) => {
        const started = performance.now();
        const result = await renderIntents({
          cwd: io.cwd,
          intents: flags.intents,
          out: flags.out,
          registry: stdlibRegistry,
          ...(flags.sites ? { sites: flags.sites } : {}),
          ...(flags.force ? { force: true } : {}),
          ...(flags.resultsDir ? { resultsDir: flags.resultsDir } : {}),
          onProgress: (done, total) => {
            if (!flags.json && total >= 50 && (done % 100 === 0 || done === total)) {
              io.stderr(`render: ${done}/${total} packages\n`);
            }
          },
        });
        const millis = Math.round(performance.now() - started);
        if (flags.json) {
          io.stdout(stringifyCanonical({ packages: result.packages, files: result.files, millis }));
          return;
        }
        for (const pkg of result.packages) io.stdout(`${pkg.action.padEnd(9)} ${flags.out}/${pkg.subject}\n`);
        const count = (action: string) => result.packages.filter((p) => p.action === action).length;
        io.stdout(
          `${count("rendered")} rendered, ${count("unchanged")} unchanged, ${count("removed")} removed in ${millis} ms\n`,
        );
      }),
    );
}
