/**
 * `withDnsRecords`: the OpenStack site driver's DNS step around one intent's stack reconcile. The package's
 * `RecordSet`s are split off and read first (a bad one rejects the intent before anything is applied); the
 * rest goes to the stack saga; when that succeeded (or had nothing to do), the records are written to the
 * site's DNS server by `applyDnsRecords` and their changes join the intent's change set. A site without
 * `dns:` and a package without records reconcile exactly as before.
 */

import { digestJson } from "../../../compiler/digest.js";
import { IntentopsError } from "../../../compiler/errors.js";
import type { Site } from "../../../compiler/types.js";
import type { SitePackage } from "../../reconcile/reconcileSite.js";
import type { OpenStackIntentOutcome } from "../reconcileOpenStackSite.js";
import { type ApplyDnsRecordsDeps, applyDnsRecords } from "./applyDnsRecords.js";
import { type DesiredRecordSet, readDesiredRecordSets, splitRecordSets } from "./readDesiredRecordSets.js";

export async function withDnsRecords(
  pkg: SitePackage,
  site: Site,
  reconcileStack: (stackPackage: SitePackage) => Promise<OpenStackIntentOutcome>,
  deps: ApplyDnsRecordsDeps & { now?: () => number } = {},
): Promise<OpenStackIntentOutcome> {
  const { stack, recordSets } = splitRecordSets(pkg.objects);
  if (recordSets.length === 0 && !site.dns) return reconcileStack(pkg);
  const subject = `${site.id}/${pkg.intentId}`;
  let records: DesiredRecordSet[];
  try {
    records = readDesiredRecordSets(recordSets);
  } catch (error) {
    return {
      subject,
      intentId: pkg.intentId,
      result: "rejected",
      changeSet: [],
      health: null,
      prune: { refused: false, reason: "DNS records not read", count: 0 },
      ...errorOf(error),
      durations: { totalMs: 0, applyMs: 0, pruneMs: 0, healthMs: 0 },
      saga: null,
      resources: [],
    };
  }
  const outcome = await reconcileStack({ ...pkg, objects: stack });
  if (outcome.result !== "success" && outcome.result !== "noop") return outcome;
  const now = deps.now ?? (() => performance.now());
  const started = now();
  try {
    const entries = await applyDnsRecords(
      {
        site,
        intentId: pkg.intentId,
        records,
        digests: new Map(recordSets.map((o) => [`${o.kind}/${o.metadata.name}`, digestJson(o)])),
      },
      deps,
    );
    outcome.changeSet.push(...entries);
    outcome.prune.count += entries.filter((e) => e.action === "deleted").length;
    if (outcome.result === "noop" && entries.some((e) => e.action !== "unchanged"))
      outcome.result = "success";
  } catch (error) {
    outcome.result = "failure";
    Object.assign(outcome, errorOf(error));
  }
  const ms = Math.round(now() - started);
  outcome.durations.applyMs += ms;
  outcome.durations.totalMs += ms;
  return outcome;
}

function errorOf(error: unknown): { error: { code: string; message: string } } {
  return {
    error:
      error instanceof IntentopsError
        ? { code: error.code, message: error.message }
        : { code: "E_DNS", message: error instanceof Error ? error.message : String(error) },
  };
}
