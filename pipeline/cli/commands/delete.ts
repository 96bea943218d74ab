/**
 * `intentops delete <intent-id>`: removes an intent from every site it is on, through Git — one commit that
 * removes its intent file and rendered packages, then each site prunes the intent's objects (the explicit
 * delete path: prune safety allows emptying its inventory), with evidence per site. Ends `Deleted` (exit 0);
 * a site that keeps objects ends `Failed` (exit 3), and `intentops retry <run>` goes on from there.
 */
import type { Command } from "commander";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { checkIntentId } from "../../git/validate.js";
import { exitCodeOf } from "../../run/runTypes.js";
import type { CliIo } from "../io.js";
import { describeRun, openRunPipeline, type RunFlags, withRunOptions } from "./runSupport.js";

export function register(program: Command, io: CliIo): void {
  withRunOptions(
    program
      .command("delete")
      .description("remove an intent from every site through Git (a removal commit, then prune per site)")
      .argument("<intent-id>", "the intent to delete"),
  ).action(async (intentId: string, flags: RunFlags) => {
    checkIntentId(intentId);
    const pipeline = await openRunPipeline(flags, io);
    try {
      const resumed = await pipeline.runner.resume();
      for (const run of resumed)
        if (!flags.json)
          io.stderr(`resuming ${run.intentId} (run ${run.runId.slice(0, 8)}) in ${run.phase}\n`);
      const submitted = await pipeline.runner.submit({
        intentId,
        source: { file: `intents/${intentId}.json`, digest: "delete" },
        operation: "delete",
      });
      await pipeline.runner.idle();
      const finals = [...resumed, submitted].map(
        (r) => pipeline.runner.runs().find((x) => x.runId === r.runId)!,
      );
      if (flags.json) io.stdout(stringifyCanonical({ runs: finals }));
      else for (const run of finals) io.stdout(`${describeRun(run)}\n`);
      io.exitCode = exitCodeOf(finals.map((r) => r.phase));
    } finally {
      await pipeline.runner.close();
    }
  });
}
