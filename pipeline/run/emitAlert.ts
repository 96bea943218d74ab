/**
 * emitAlert: an SLO breach whose action is `alert` (or `scale`, until scaling by a new commit exists) is
 * an event, not a rollback: a log line in the subject format, a counter in a Prometheus textfile, and a
 * POST of the event as JSON to a
 * webhook when one is configured. The webhook URL comes from configuration (an env var the CLI names),
 * never from an intent. Delivery failures are reported, not thrown: an alert must not fail the run.
 */
import type { Verdict } from "./advanceRun.js";
import { recordAlertMetric } from "./recordAlertMetric.js";

export interface AlertEvent {
  kind: "slo-alert";
  intentId: string;
  runId: string;
  action: Verdict["action"];
  reasons: string[];
  at: string;
}

export interface AlertDeps {
  log: (line: string) => void;
  webhookUrl?: string;
  fetch?: typeof fetch;
  /** Webhook request timeout, ms. Default 5000. */
  timeoutMs?: number;
  /** Textfile-collector file counting alerts (`intentops_slo_alerts_total`). */
  metricsFile?: string;
}

/** @returns whether the webhook accepted the event (undefined when there is none) */
export async function emitAlert(event: AlertEvent, deps: AlertDeps): Promise<boolean | undefined> {
  for (const reason of event.reasons)
    deps.log(`ALERT ${event.intentId} (run ${event.runId.slice(0, 8)}): ${reason}`);
  if (deps.metricsFile)
    await recordAlertMetric(deps.metricsFile, { intent: event.intentId, action: event.action });
  if (!deps.webhookUrl) return undefined;
  try {
    const response = await (deps.fetch ?? fetch)(deps.webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(deps.timeoutMs ?? 5000),
    });
    if (!response.ok) deps.log(`ALERT webhook answered ${response.status}`);
    return response.ok;
  } catch (error) {
    deps.log(`ALERT webhook unreachable: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}
