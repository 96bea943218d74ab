/**
 * `listSiteIntents`: the intents that have resources at an OpenStack site (by our tags), with how many of
 * each kind — and which of them no package owns (orphans: reported; removed only with `--prune-orphans`).
 */
import type { OpenStackClient } from "../client/createOpenStackClient.js";
import { liveResources, readLiveStack } from "./readLiveStack.js";

export interface SiteIntent {
  intentId: string;
  /** Kind → count. */
  resources: Record<string, number>;
  /** No package of the site owns it. */
  orphan: boolean;
}

/** @example const intents = await listSiteIntents(client, "openstack1", ["web-app-stack"]); */
export async function listSiteIntents(
  client: OpenStackClient,
  site: string,
  owned: readonly string[],
): Promise<SiteIntent[]> {
  const all = liveResources(await readLiveStack(client, { site }));
  const byIntent = new Map<string, Record<string, number>>();
  for (const r of all) {
    const counts = byIntent.get(r.intentId) ?? {};
    counts[r.kind] = (counts[r.kind] ?? 0) + 1;
    byIntent.set(r.intentId, counts);
  }
  const known = new Set(owned);
  return [...byIntent]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([intentId, resources]) => ({ intentId, resources, orphan: !known.has(intentId) }));
}
