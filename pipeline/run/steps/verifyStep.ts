/**
 * Verifying: the run's SLOs on its sites. A breach whose action is alert or scale sends an alert event; a
 * scale action writes the intent's next revision (replica target raised), run next through Git.
 */
import { join } from "node:path";
import { digestBytes } from "../../../compiler/digest.js";
import { raiseReplicaTarget } from "../../../compiler/raiseReplicaTarget.js";
import { writeFilesAtomically } from "../../fs/writeFilesAtomically.js";
import type { Step, StepResult } from "../advanceRun.js";
import { emitAlert } from "../emitAlert.js";
import { type StepKit, since } from "./stepKit.js";

export function verifyStep(kit: StepKit): Step {
  const { options } = kit;
  const clock = options.clock ?? (() => new Date());
  return async (run, { signal }) => {
    const started = performance.now();
    const { compiled: c, text } = await kit.compiled(run);
    const sites = run.data.sites ?? [];
    const result = await options.verify({ run, compiled: c, sites, signal, phase: "verify" });
    const data: StepResult = { verdict: result.verdict };
    const { decision, action, reasons } = result.verdict;
    let alerted: boolean | undefined;
    if (decision === "breach" && (action === "alert" || action === "scale")) {
      const event = {
        kind: "slo-alert" as const,
        intentId: run.intentId,
        runId: run.runId,
        action,
        reasons,
        at: clock().toISOString(),
      };
      alerted = await emitAlert(event, options.alerts ?? { log: () => undefined });
    }
    if (decision === "breach" && action === "scale") {
      // Scaling is a new revision through Git, not a patch of the cluster: write it for the next run.
      const raised = raiseReplicaTarget(text);
      if (raised) {
        const file = join(
          options.scaledDir ?? join(".intentops", "scaled"),
          `${run.intentId}.${raised.version}.json`,
        );
        await writeFilesAtomically(options.cwd, new Map([[file, raised.text]]));
        data.scaledSource = { file, digest: digestBytes(raised.text), from: raised.from, to: raised.to };
      }
    }
    data.evidence = await kit.evidence(
      run,
      {
        action: "verify",
        sites,
        commit: run.data.deliveryHead ?? null,
        result: decision === "pass" ? "success" : decision === "breach" ? "failure" : "inconclusive",
        durations: { totalMs: since(started) },
        details: {
          verdict: result.verdict,
          ...(data.scaledSource ? { scaled: data.scaledSource } : {}),
          ...(alerted !== undefined ? { alertDelivered: alerted } : {}),
          ...(result.details ?? {}),
        },
      },
      signal,
    );
    return data;
  };
}
