/**
 * `intentops compile <file|dir>`: TMF921 intents → TS 28.312 intents (with their delta reports).
 * Exit 0 ok, 1 invalid input (every problem listed, nothing written), 2 usage.
 */
import type { Command } from "commander";
import { escapeControl, stringifyCanonical } from "../../../compiler/index.js";
import { writeFilesAtomically } from "../../fs/writeFilesAtomically.js";
import { compileFiles } from "../../intents/loadIntents.js";
import type { CliIo } from "../io.js";
import { withJsonErrors } from "../jsonErrors.js";

export function register(program: Command, io: CliIo): void {
  program
    .command("compile")
    .description("compile TMF921 intents (a file, or the *.json files of a directory) into TS 28.312 intents")
    .argument("<path>", "intent file or directory, e.g. intents/")
    .option("--sites <file>", "site registry (default: sites.yaml beside the intents)")
    .option(
      "--out <dir>",
      "write <intent-id>.json (CompiledIntent: 28.312 intent + delta report) into this directory",
    )
    .option("--json", "print the compiled intents (or the problems) as JSON")
    .addHelpText("after", "\nExample:\n  intentops compile intents/ --out .intentops/compiled\n")
    .action(
      withJsonErrors(io, async (path: string, options: { sites?: string; out?: string; json?: boolean }) => {
        const result = await compileFiles(path, {
          cwd: io.cwd,
          ...(options.sites ? { sites: options.sites } : {}),
        });
        const compiled = result.intents.map((i) => i.compiled);
        if (options.out) {
          const files = new Map(compiled.map((c) => [`${c.spec.intentId}.json`, stringifyCanonical(c)]));
          await writeFilesAtomically(
            options.out.startsWith("/") ? options.out : `${io.cwd}/${options.out}`,
            files,
          );
        }
        if (options.json) {
          io.stdout(stringifyCanonical({ intents: compiled }));
          return;
        }
        for (const { file, compiled: c } of result.intents) {
          const expectations = c.spec.intent.intentExpectations;
          const targets = expectations.reduce((n, e) => n + (e.expectationTargets?.length ?? 0), 0);
          io.stdout(
            `ok  ${c.spec.sites.map((s) => `${s}/${c.spec.intentId}`).join(", ")}  (${file}: ${expectations.length} expectations, ${targets} targets, ${c.spec.delta.length} unmapped)\n`,
          );
          for (const entry of c.spec.delta) io.stdout(`    unmapped ${entry.pointer}: ${entry.reason}\n`);
          if (c.spec.converted) {
            // The older demo's plain shape: show the TMF921 Intent it was read as.
            const lines = stringifyCanonical(c.spec.converted).split("\n");
            io.stdout(`    converted from the plain shape to this TMF921 Intent:\n`);
            for (const line of lines) io.stdout(`      ${escapeControl(line)}\n`);
          }
        }
        io.stdout(`${compiled.length} intent(s) compiled${options.out ? ` into ${options.out}` : ""}\n`);
      }),
    );
}
