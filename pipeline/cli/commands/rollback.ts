/**
 * `intentops rollback <intent-id|commit>`: a real `git revert` of any earlier intent commit, the reverted
 * commit quarantined, evidence recorded. A conflict changes nothing and exits 1. In a work tree with the
 * branch checked out, index and files follow the revert (as after `git revert`); local changes the revert
 * would overwrite refuse it with exit 1, and nothing is written (no commit, ref move or evidence).
 */
import type { Command } from "commander";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { secretsFromEnv } from "../../evidence/redactSecrets.js";
import { absolute, cliDeps, type GitCliOptions, isRefusal, withGitOptions } from "../../git/cliSupport.js";
import { ConflictError, LocalChangesError } from "../../git/gitErrors.js";
import { rollbackIntent } from "../../git/rollbackIntent.js";
import type { CliIo } from "../io.js";

export function register(program: Command, io: CliIo): void {
  withGitOptions(
    program
      .command("rollback")
      .description(
        "revert an intent's newest delivery (or any commit) with a revert commit, and quarantine it",
      )
      .argument("<target>", "intent id (its newest non-revert commit) or commit id")
      .option("--reason <text>", "why, recorded in evidence and quarantine", "manual rollback"),
  ).action(async (target: string, o: GitCliOptions & { reason: string }) => {
    const deps = await cliDeps(o, io.env, io.cwd);
    try {
      const { outcome, evidence } = await rollbackIntent(
        {
          dir: absolute(io.cwd, o.repo),
          remote: o.remote,
          branch: o.branch,
          target,
          reason: o.reason,
          trigger: { kind: "cli" },
          secrets: secretsFromEnv(io.env),
        },
        deps,
      );
      if (o.json) {
        io.stdout(
          stringifyCanonical({
            rollback: outcome,
            evidence: { path: evidence.path, digest: evidence.record.chain.digest },
          }),
        );
      } else {
        io.stdout(
          `reverted ${outcome.reverted.slice(0, 12)} ("${outcome.revertedSubject}") with ${outcome.commit.slice(0, 12)}` +
            `${outcome.pushed ? ", pushed" : ""}; quarantined\n`,
        );
      }
    } catch (error) {
      if (!isRefusal(error)) throw error;
      if (o.json) {
        const paths = error instanceof ConflictError || error instanceof LocalChangesError ? error.paths : [];
        io.stdout(stringifyCanonical({ error: { code: error.code, message: error.message, paths } }));
      }
      io.stderr(`error: ${error.subject ? `${error.subject}: ` : ""}${error.message} [${error.code}]\n`);
      io.exitCode = 1;
    }
  });
}
