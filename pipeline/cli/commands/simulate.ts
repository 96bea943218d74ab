/**
 * `intentops simulate`: runs the demo's workload simulator as its own process, serving each simulated
 * pod's metrics on the pod's address mapped into loopback until it is stopped (SIGTERM / SIGINT). The
 * first stdout line is its control URL (`GET <url>pods` lists the pods it serves).
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { startWorkloadSimulator, type VersionProfile } from "../../demo/workloadSimulator.js";
import { absolute } from "../../git/cliSupport.js";
import type { CliIo } from "../io.js";

export function register(program: Command, io: CliIo): void {
  program
    .command("simulate")
    .description("serve simulated application metrics for the pods on the sites (demo)")
    .requiredOption("--kubeconfig <file>", "kubeconfig with one context per site")
    .requiredOption("--sites <ids>", "comma-separated site ids (= kubeconfig contexts)")
    .option("--port <n>", "control port on 127.0.0.1 (default: any free port)", "0")
    .option(
      "--profiles <file>",
      "JSON: application version → { p50Ms, p95Ms, errorRatio, cpuPerRequest, memoryBytes }",
    )
    .action(async (flags: { kubeconfig: string; sites: string; port: string; profiles?: string }) => {
      const kubeconfig = absolute(io.cwd, flags.kubeconfig);
      const profiles = flags.profiles
        ? (JSON.parse(await readFile(absolute(io.cwd, flags.profiles), "utf8")) as Record<
            string,
            VersionProfile
          >)
        : {};
      const sites = Object.fromEntries(flags.sites.split(",").map((id) => [id, { kubeconfig, context: id }]));
      const simulator = await startWorkloadSimulator({
        sites,
        profiles,
        port: Number(flags.port),
        log: (line) => io.stderr(`simulate: ${line}\n`),
      });
      io.stdout(`${simulator.url}\n`);
      await new Promise<void>((resolve) => {
        process.once("SIGTERM", resolve);
        process.once("SIGINT", resolve);
      });
      await simulator.stop();
    });
}
