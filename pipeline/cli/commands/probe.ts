/**
 * `intentops probe <file>`: is this intent feasible on its sites? A TMF921 ProbeIntent (or an Intent) is
 * compiled, rendered in memory and dry-run (server-side apply, `dryRun=All`, field manager `intentops`)
 * against each target site's API server. Nothing is written, committed or applied.
 * Exit 0 feasible, 1 not feasible or invalid input, 2 usage, 3 a site could not be asked.
 */
import type { Command } from "commander";
import { escapeControl, stringifyCanonical } from "../../../compiler/index.js";
import { stdlibRegistry } from "../../../functions/stdlib/stdlibRegistry.js";
import { compileFiles } from "../../intents/loadIntents.js";
import { type ProbeAnswer, probeIntent } from "../../probe/probeIntent.js";
import { createKubeClient } from "../../reconcile/kubeClient.js";
import type { CliIo } from "../io.js";
import { withJsonErrors } from "../jsonErrors.js";

interface ProbeFlags {
  sites?: string;
  kubeconfig?: string;
  json?: boolean;
}

export function register(program: Command, io: CliIo): void {
  program
    .command("probe")
    .description(
      "answer a TMF921 ProbeIntent (or probe an Intent): render it and dry-run it against each target site's API server; nothing is written",
    )
    .argument("<file>", "intent file (ProbeIntent or Intent)")
    .option(
      "--sites <file>",
      "site registry (default: sites.yaml beside the intent, else intents/sites.yaml)",
    )
    .option("--kubeconfig <path>", "kubeconfig for every site (default: the site's, else $KUBECONFIG)")
    .option("--json", "print the answer as JSON")
    .addHelpText("after", "\nExample:\n  intentops probe probes/edge-capacity.json --json\n")
    .action(
      withJsonErrors(io, async (file: string, flags: ProbeFlags) => {
        const { registry, intents } = await compileFiles(file, {
          cwd: io.cwd,
          ...(flags.sites ? { sites: flags.sites } : {}),
        });
        const answers: ProbeAnswer[] = [];
        for (const { compiled } of intents) {
          answers.push(
            await probeIntent(compiled, registry, stdlibRegistry, {
              kubeFor: (site) => {
                const kubeconfig = flags.kubeconfig ?? site.kubernetes?.kubeconfig ?? io.env["KUBECONFIG"];
                return createKubeClient({
                  context: site.kubernetes!.context,
                  ...(kubeconfig ? { kubeconfig } : {}),
                });
              },
            }),
          );
        }
        if (answers.some((a) => a.verdict === "not-feasible")) io.exitCode = 1;
        else if (answers.some((a) => a.verdict === "undetermined")) io.exitCode = 3;
        if (flags.json) {
          io.stdout(stringifyCanonical({ probes: answers }));
          return;
        }
        for (const answer of answers) printAnswer(io, answer);
      }),
    );
}

function printAnswer(io: CliIo, answer: ProbeAnswer): void {
  const e = escapeControl;
  const what = answer.probeIntent ? "ProbeIntent" : "Intent";
  io.stdout(`${e(answer.intentId)} (${what}): ${answer.verdict}\n`);
  for (const site of answer.sites) {
    io.stdout(`  ${e(site.subject)}: ${site.verdict}\n`);
    for (const o of site.objects) {
      const detail = o.outcome === "refused" ? `: ${o.reason} [${o.code}]` : o.action ? ` (${o.action})` : "";
      io.stdout(`    ${o.outcome.padEnd(11)} ${e(o.ref)}${e(detail)}\n`);
      if (o.note) io.stdout(`                ${e(o.note)}\n`);
    }
    if (!site.objects.length) for (const r of site.reasons) io.stdout(`    ${e(r)}\n`);
  }
}
