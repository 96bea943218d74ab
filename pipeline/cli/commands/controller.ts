/**
 * `intentops controller --management-kubeconfig F`: operator mode. Intents are `IntentDeployment`
 * resources in a management cluster; replicas elect a leader with a Lease; the leader runs each resource's
 * revisions through the pipeline of `intentops run`, with the resources' status as the run store.
 * Runs until SIGTERM/SIGINT (exit 0, lease released) or until the lease is lost (exit 3).
 */
import { hostname } from "node:os";
import type { Command } from "commander";
import { IntentopsError } from "../../../compiler/errors.js";
import { absolute } from "../../git/cliSupport.js";
import { syncBackedFs } from "../../git/syncBackedFs.js";
import { startController } from "../../operator/runController.js";
import type { CliIo } from "../io.js";
import { type RunFlags, runPipelineOptions, withRunOptions } from "./runSupport.js";

interface ControllerFlags extends RunFlags {
  managementKubeconfig: string;
  managementContext?: string;
  namespace: string;
  identity?: string;
  leaseDuration: string;
  renewDeadline: string;
  retryPeriod: string;
  maxActiveRuns: string;
}

export function register(program: Command, io: CliIo): void {
  withRunOptions(
    program
      .command("controller")
      .description("operator mode: run IntentDeployment resources of a management cluster (leader-elected)"),
  )
    .requiredOption("--management-kubeconfig <file>", "kubeconfig of the management cluster")
    .option("--management-context <name>", "its context (default: the kubeconfig's current one)")
    .option("--namespace <ns>", "namespace of the IntentDeployments and the Lease", "intentops")
    .option("--identity <id>", "this replica's identity in the Lease (default host:pid)")
    .option("--lease-duration <seconds>", "how long a lease holds without renewal", "15")
    .option("--renew-deadline <seconds>", "how long the leader may fail to renew before it stops", "10")
    .option("--retry-period <seconds>", "how often the leader renews and the others look", "2")
    .option(
      "--max-active-runs <n>",
      "new revisions compiling, rendering, delivering or reconciling at once (the rest wait their turn)",
      "4",
    )
    .action(async (flags: ControllerFlags) => {
      const kubeconfig = absolute(io.cwd, flags.managementKubeconfig);
      const log = (line: string) => io.stderr(`${line}\n`);
      const maxActiveRuns = Number(flags.maxActiveRuns);
      if (!Number.isInteger(maxActiveRuns) || maxActiveRuns < 1 || maxActiveRuns > 1000) {
        throw new IntentopsError(
          "E_USAGE_CONTROLLER",
          `--max-active-runs must be an integer from 1 to 1000, not ${flags.maxActiveRuns}`,
        );
      }
      const controller = await startController({
        kubeconfig,
        context: flags.managementContext ?? (await currentContext(kubeconfig)),
        namespace: flags.namespace,
        identity: flags.identity ?? `${hostname()}:${process.pid}`,
        leaseDurationSeconds: Number(flags.leaseDuration),
        renewDeadlineSeconds: Number(flags.renewDeadline),
        retrySeconds: Number(flags.retryPeriod),
        maxActiveRuns,
        // Repository I/O with synchronous calls: the leader's CPU is its limit, and each of isomorphic-git's
        // hundreds of file calls per run was a trip through libuv's thread pool and back.
        pipeline: await runPipelineOptions(flags, io).then((o) => ({
          ...o,
          git: { ...o.git, fs: syncBackedFs() },
        })),
        log,
      });
      // A leader that cannot start (its pipeline, its clone) stops, and another replica takes over.
      const failed = controller.leading.then(
        () => new Promise<string>(() => undefined),
        (error: unknown) => `failed to lead: ${error instanceof Error ? error.message : String(error)}`,
      );
      const signalled = new Promise<string>((resolve) => {
        process.once("SIGTERM", () => resolve("SIGTERM"));
        process.once("SIGINT", () => resolve("SIGINT"));
      });
      const why = await Promise.race([
        signalled,
        failed,
        controller.lost.then((reason) => `lost: ${reason}`),
      ]);
      log(`stopping (${why})`);
      await controller.stop();
      io.exitCode = why.startsWith("SIG") ? 0 : 3;
      // Runs in flight belong to the next leader now; do not wait for their steps.
      process.exit(io.exitCode);
    });
}

async function currentContext(kubeconfig: string): Promise<string> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc.getCurrentContext();
}
