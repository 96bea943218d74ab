/**
 * `intentops evidence <intent-id>` lists an intent's evidence records; `intentops evidence verify
 * [<intent-id>]` checks seals, chain and ledger, naming every edited, removed, inserted or reordered
 * record (exit 1 when anything is wrong).
 */
import type { Command } from "commander";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { listEvidence } from "../../evidence/listEvidence.js";
import { verifyEvidence } from "../../evidence/verifyEvidence.js";
import { absolute, cliDeps, type GitCliOptions, withGitOptions } from "../../git/cliSupport.js";
import type { CliIo } from "../io.js";

export function register(program: Command, io: CliIo): void {
  const evidence = withGitOptions(
    program
      .command("evidence")
      .description("list or verify the evidence records of an intent")
      .argument("[intent-id]", "intent whose records to list"),
  ).action(async (intentId: string | undefined, o: GitCliOptions) => {
    if (!intentId) {
      evidence.help({ error: true });
      return;
    }
    const deps = await cliDeps(o, io.env, io.cwd);
    const records = await listEvidence({ dir: absolute(io.cwd, o.repo), remote: o.remote, intentId }, deps);
    if (o.json) {
      io.stdout(stringifyCanonical(records));
      return;
    }
    if (records.length === 0) io.stdout(`${intentId}: no evidence\n`);
    for (const r of records) {
      io.stdout(
        `#${r.seq} ${r.timestamp} ${r.action} ${r.result} ${r.subject}` +
          `${r.commit ? ` commit ${r.commit.slice(0, 12)}` : ""} ${r.chain.digest.slice(0, 19)}\n`,
      );
    }
  });

  withGitOptions(
    evidence
      .command("verify")
      .description("verify evidence chains; exit 1 when a record was edited, removed, inserted or reordered")
      .argument("[intent-id]", "only this intent (default: all)"),
  ).action(async (intentId: string | undefined, _own: GitCliOptions, command: Command) => {
    // `evidence` declares the same options, so commander may hand `--repo` & co. to the parent command:
    // read them merged, or a verify would silently look at the wrong repository.
    const o = command.optsWithGlobals<GitCliOptions>();
    const deps = await cliDeps(o, io.env, io.cwd);
    const v = await verifyEvidence({ dir: absolute(io.cwd, o.repo), remote: o.remote, intentId }, deps);
    // Nothing to check is not a pass: a named intent without records is reported and fails.
    const empty = intentId !== undefined && v.intents.every((i) => i.records === 0);
    if (empty) {
      if (o.json)
        io.stdout(
          stringifyCanonical({
            ...v,
            ok: false,
            problems: [...v.problems, { kind: "missing", message: `no evidence for ${intentId}` }],
          }),
        );
      else io.stdout(`${intentId}: no evidence in ${o.repo}\n`);
      io.exitCode = 1;
      return;
    }
    if (o.json) io.stdout(stringifyCanonical(v));
    else {
      for (const i of v.intents)
        io.stdout(`${i.intentId}: ${i.records} record(s) ${i.ok ? "ok" : "BROKEN"}\n`);
      for (const p of v.problems) {
        io.stdout(`  ${p.kind} ${p.seq === null ? "" : `#${p.seq} `}${p.path ?? ""}: ${p.message}\n`);
      }
    }
    if (!v.ok) io.exitCode = 1;
  });
}
