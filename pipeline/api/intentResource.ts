/**
 * The TMF921 resources the API answers with, built from the intake record (the intent document as
 * committed) and the runs of its revisions: `Intent` (lifecycleStatus from the latest run) and one
 * `IntentReport` per run (a JSON-LD expression naming the run's phase, error, verdict and commits).
 */
import type { IntakeRecord } from "../intake/createIntake.js";
import type { RunState } from "../run/runTypes.js";
import { lifecycleStatusOf } from "./lifecycleStatus.js";
import { TMF921_BASE } from "./openApiDocument.js";

export const intentHref = (id: string) => `${TMF921_BASE}/intent/${id}`;
export const reportHref = (intentId: string, id: string) =>
  `${TMF921_BASE}/intent/${intentId}/intentReport/${id}`;

/** The TMF921 Intent for a record; `runs` are the intent's runs, oldest first. */
export function toTmfIntent(record: IntakeRecord, runs: readonly RunState[]): Record<string, unknown> {
  const latest = runs.at(-1);
  return {
    ...record.body,
    "@type": typeof record.body["@type"] === "string" ? record.body["@type"] : "Intent",
    id: record.intentId,
    href: intentHref(record.intentId),
    creationDate: record.createdAt,
    lastUpdate: record.updatedAt,
    lifecycleStatus: lifecycleStatusOf(latest),
    statusChangeDate: latest?.updatedAt ?? record.updatedAt,
    version: typeof record.body.version === "string" ? record.body.version : String(record.revisions),
  };
}

/** The IntentReport of one run of the intent. */
export function toIntentReport(intentId: string, run: RunState): Record<string, unknown> {
  const value: Record<string, unknown> = {
    "@context": {
      icm: "http://tio.models.tmforum.org/tio/v3.6.0/IntentCommonModel/",
      io: "https://intentops.io/ontology/v1#",
    },
    "@id": `io:report-${run.runId}`,
    "@type": "icm:IntentReport",
    "icm:about": `io:${intentId}`,
    "io:runId": run.runId,
    "io:phase": run.phase,
    "io:lifecycleStatus": lifecycleStatusOf(run),
    "io:sourceDigest": run.source.digest,
    "io:updatedAt": run.updatedAt,
  };
  if (run.error) value["io:error"] = { "io:code": run.error.code, "io:message": run.error.message };
  if (run.data.intentDigest) value["io:intentDigest"] = run.data.intentDigest;
  if (run.data.sites) value["io:sites"] = run.data.sites;
  if (run.data.deliveryCommit) value["io:deliveryCommit"] = run.data.deliveryCommit;
  if (run.data.revertCommit) value["io:revertCommit"] = run.data.revertCommit;
  if (run.data.verdict) {
    value["io:verdict"] = {
      "io:decision": run.data.verdict.decision,
      "io:reasons": run.data.verdict.reasons,
      ...(run.data.verdict.action ? { "io:action": run.data.verdict.action } : {}),
    };
  }
  return {
    "@type": "IntentReport",
    id: run.runId,
    href: reportHref(intentId, run.runId),
    name: `${intentId} run ${run.runId}`,
    description: `The run of revision ${run.source.digest} of intent ${intentId}: ${run.phase}`,
    creationDate: run.createdAt,
    intent: { "@type": "IntentRef", id: intentId, href: intentHref(intentId) },
    expression: { "@type": "JsonLdExpression", expressionValue: value },
  };
}

/** Keeps the `fields` named (comma-separated, top-level) plus `id`, `href` and `@type`. */
export function selectFields(
  resource: Record<string, unknown>,
  fields: string | undefined,
): Record<string, unknown> {
  if (!fields) return resource;
  const keep = new Set([
    "id",
    "href",
    "@type",
    ...fields
      .split(",")
      .map((f) => f.trim())
      .filter(Boolean),
  ]);
  return Object.fromEntries(Object.entries(resource).filter(([k]) => keep.has(k)));
}
