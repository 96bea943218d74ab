#!/usr/bin/env node
/**
 * `intentops <verb>`: the command line. Each verb lives in `commands/<verb>.ts` and exports a
 * `register(program, io)` function; this file only wires them together and maps errors to exit codes.
 *
 * Exit codes: 0 ok, 1 invalid input or a failed check, 2 usage error, 3 an operational failure
 * (a remote, cluster or tool did not do what was asked).
 */
import { Command, CommanderError } from "commander";
import { formatProblems, IntentopsError, InvalidInputError } from "../../compiler/errors.js";
import { commands } from "./commands/index.js";
import { type CliIo, processIo } from "./io.js";

export const EXIT = { ok: 0, invalid: 1, usage: 2, failure: 3 } as const;

export function buildProgram(io: CliIo): Command {
  const program = new Command("intentops")
    .description(
      "GitOps intent pipeline: compile, render, deliver, apply, verify and roll back TMF921 intents",
    )
    .version("0.1.0")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError("(run with --help for usage)");
  for (const register of commands) register(program, io);
  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return io.exitCode ?? EXIT.ok;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // --help and --version arrive here as "errors" with exit code 0.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof InvalidInputError) {
    io.stderr(`error: invalid input\n${formatProblems(error.problems)}\n`);
    return EXIT.invalid;
  }
  if (error instanceof IntentopsError) {
    // Some messages already lead with their subject; name it once.
    const subject = error.subject && !error.message.startsWith(error.subject) ? `${error.subject}: ` : "";
    io.stderr(`error: ${subject}${error.message} [${error.code}]\n`);
    return error.code.startsWith("E_USAGE") ? EXIT.usage : EXIT.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`error: ${message}\n`);
  return EXIT.failure;
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("/intentops");
if (isMain) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
