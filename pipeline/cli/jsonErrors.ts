import { IntentopsError, InvalidInputError, stringifyCanonical } from "../../compiler/index.js";
import type { CliIo } from "./io.js";

/**
 * Wraps a command action so that, with `--json`, failures are printed as JSON on stdout
 * (`{ "errors": [...] }`) and the exit code still says what happened; without `--json` errors propagate to
 * the CLI's handler, which prints them for people.
 */
export function withJsonErrors<A extends unknown[]>(
  io: CliIo,
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const options = args.find(
      (a) => a !== null && typeof a === "object" && !Array.isArray(a) && "json" in a,
    ) as { json?: boolean } | undefined;
    try {
      await action(...args);
    } catch (error) {
      if (!options?.json) throw error;
      if (error instanceof InvalidInputError) {
        io.stdout(stringifyCanonical({ errors: error.problems }));
        io.exitCode = 1;
        return;
      }
      if (error instanceof IntentopsError) {
        io.stdout(
          stringifyCanonical({
            errors: [{ code: error.code, message: error.message, subject: error.subject }],
          }),
        );
        io.exitCode = error.code.startsWith("E_USAGE") ? 2 : 3;
        return;
      }
      throw error;
    }
  };
}
