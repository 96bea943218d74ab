/**
 * `intentops demo`: the closed loop on real local components (see pipeline/demo/runDemo.ts). Progress on
 * stderr; a summary on stdout. Exit 0 when the good revision succeeded, the bad one was rolled back, both
 * sites run the good version again and the evidence chain verifies; 1 otherwise.
 */
import type { Command } from "commander";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { IntentopsError } from "../../../compiler/errors.js";
import { runDemo } from "../../demo/runDemo.js";
import { absolute } from "../../git/cliSupport.js";
import type { CliIo } from "../io.js";

function portOf(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new IntentopsError("E_USAGE_DEMO", `--port must be an integer from 0 to 65535, not ${value}`);
  }
  return port;
}

export function register(program: Command, io: CliIo): void {
  program
    .command("demo")
    .description(
      "run the closed loop locally: two Kubernetes sites, Prometheus, a good and a regressing revision",
    )
    .option("--work <dir>", "work directory (default: a new temporary directory, kept afterwards)")
    .option("--window <seconds>", "SLO verification window", "24")
    .option("--keep", "keep the console, clusters, Prometheus and the simulator running until Ctrl-C")
    .option("--port <n>", "port of the web console and API on 127.0.0.1 (default: any free port)")
    .option("--openstack", "also run the web-app-stack intent on the OpenStack sandbox (site openstack1)")
    .option("--json", "print the summary as JSON")
    .action(
      async (flags: {
        work?: string;
        window: string;
        keep?: boolean;
        port?: string;
        openstack?: boolean;
        json?: boolean;
      }) => {
        const summary = await runDemo({
          ...(flags.work ? { work: absolute(io.cwd, flags.work) } : {}),
          ...(flags.keep ? { keep: true } : {}),
          ...(flags.openstack ? { openstack: true } : {}),
          ...(flags.port !== undefined ? { port: portOf(flags.port) } : {}),
          windowSeconds: Number(flags.window),
          log: (line) => io.stderr(`${line}\n`),
        });
        if (flags.json) io.stdout(stringifyCanonical(summary));
        else {
          io.stdout("\nintentops demo — summary\n");
          for (const run of summary.runs) {
            io.stdout(
              `  edge-analytics revision ${run.revision}: ${run.phase} in ${run.seconds.toFixed(1)} s` +
                `${run.verdict ? ` (SLO ${run.verdict})` : ""}` +
                `${run.deliveryCommit ? `, delivered ${run.deliveryCommit.slice(0, 12)}` : ""}` +
                `${run.revertCommit ? `, reverted by ${run.revertCommit.slice(0, 12)}` : ""}\n`,
            );
            for (const [site, targets] of Object.entries(run.slo ?? {})) {
              io.stdout(`    ${site}: the SLO queries and the values they returned\n`);
              for (const t of targets) {
                io.stdout(`      ${t.targetId}${t.status ? ` (${t.status})` : ""}: ${t.values.join(", ")}\n`);
                io.stdout(`        ${t.promql}\n`);
              }
            }
          }
          for (const [site, state] of Object.entries(summary.sites)) {
            io.stdout(`  ${site}/edge-analytics now runs version ${state.version ?? "(none)"}\n`);
          }
          if (summary.openstack) {
            const active = summary.openstack.servers.filter((s) => s.status === "ACTIVE").length;
            io.stdout(
              `  openstack1/web-app-stack: ${summary.openstack.phase} in ${summary.openstack.seconds.toFixed(1)} s` +
                `${summary.openstack.verdict ? ` (SLO ${summary.openstack.verdict}, from the resources' status)` : ""}` +
                `, ${active}/${summary.openstack.servers.length} servers ACTIVE; then deleted: ${summary.openstack.deleted.phase} in ${summary.openstack.deleted.seconds.toFixed(1)} s, ${summary.openstack.deleted.left} resources of ours left\n`,
            );
          }
          io.stdout(
            `  evidence: ${summary.evidence.records} records, chain ${summary.evidence.chainOk ? "verified" : "BROKEN"}\n`,
          );
          io.stdout(`  work directory: ${summary.work}\n`);
          io.stdout(`  read the evidence: intentops evidence edge-analytics --repo ${summary.repository}\n`);
          io.stdout(
            `  verify its chain:  intentops evidence verify edge-analytics --repo ${summary.repository}\n`,
          );
          io.stdout(summary.ok ? "  result: OK\n" : "  result: NOT as expected (see above)\n");
        }
        if (!summary.ok) io.exitCode = 1;
      },
    );
}
