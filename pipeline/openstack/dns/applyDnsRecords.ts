/**
 * `applyDnsRecords`: an OpenStack site's DNS records written to the site's DNS server. The sandbox has no
 * Designate, so the site driver writes the intent's `RecordSet`s into the authoritative server named by the
 * site's `dns:` entry (PowerDNS's HTTP API, the key by reference) — the server the Kubernetes sites'
 * ExternalDNS writes to.
 *
 * Ownership: every rrset written carries a PowerDNS comment of account `intentops` naming the site, the
 * intent and the object (`intentops-site=… intentops-intent=… intentops-ref=RecordSet/…`). Only rrsets with
 * this intent's mark are replaced or deleted; a desired name/type held by a record without it (made by
 * hand, or by another intent) refuses the whole change with `E_DNS_NOT_OWNED` before anything is written.
 * Records of the intent that the package no longer holds (a removed record, or the deleted intent's empty
 * package) are deleted. Each zone's changes are one PATCH, which PowerDNS applies atomically.
 */
import type { Digest } from "../../../compiler/digest.js";
import { IntentopsError } from "../../../compiler/errors.js";
import type { Site } from "../../../compiler/types.js";
import type { ChangeSetEntry } from "../../reconcile/changeSet.js";
import { readSecret } from "../client/siteClientOptions.js";
import { OPENSTACK_API_VERSION } from "../stack/readDesiredStack.js";
import { type DesiredRecordSet, RECORD_SET_KIND } from "./readDesiredRecordSets.js";

export const DNS_OWNER_ACCOUNT = "intentops";

export interface ApplyDnsRecordsInput {
  site: Site;
  intentId: string;
  records: readonly DesiredRecordSet[];
  /** Digest of each desired object by `RecordSet/name`, for the change set. */
  digests?: ReadonlyMap<string, Digest>;
}

export interface ApplyDnsRecordsDeps {
  fetch?: typeof fetch;
  env?: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
}

interface LiveRrset {
  name: string;
  type: string;
  ttl: number;
  records: Array<{ content: string; disabled: boolean }>;
  comments?: Array<{ content: string; account: string }>;
}
interface Zone {
  id: string;
  name: string;
}
interface Owner {
  site: string;
  intent: string;
  ref: string;
}

const GROUP = OPENSTACK_API_VERSION.split("/")[0]!;

function ownerMark(site: string, intent: string, ref: string): string {
  return `intentops-site=${site} intentops-intent=${intent} intentops-ref=${ref}`;
}

/** The intentops mark of a live rrset, or undefined when it has none (not ours). */
export function ownerOf(rrset: Pick<LiveRrset, "comments">): Owner | undefined {
  for (const c of rrset.comments ?? []) {
    if (c.account !== DNS_OWNER_ACCOUNT) continue;
    const m = /^intentops-site=(\S+) intentops-intent=(\S+) intentops-ref=(\S+)$/.exec(c.content);
    if (m) return { site: m[1]!, intent: m[2]!, ref: m[3]! };
  }
  return undefined;
}

function entry(ref: string, action: ChangeSetEntry["action"], digest: Digest | null): ChangeSetEntry {
  const name = ref.slice(ref.indexOf("/") + 1);
  return { ref, object: { group: GROUP, kind: RECORD_SET_KIND, namespace: "", name }, action, digest };
}

/** @example const changes = await applyDnsRecords({ site, intentId, records }, {}); */
export async function applyDnsRecords(
  input: ApplyDnsRecordsInput,
  deps: ApplyDnsRecordsDeps = {},
): Promise<ChangeSetEntry[]> {
  const { site, intentId, records } = input;
  const subject = `${site.id}/${intentId}`;
  const dns = site.dns;
  if (!dns) {
    if (records.length === 0) return [];
    throw new IntentopsError(
      "E_SITE_CONFIG",
      `${subject}: the package holds DNS records but site ${site.id} has no dns: server in the site registry`,
      { subject },
    );
  }
  const key = readSecret(dns.apiKey, deps.env);
  const f = deps.fetch ?? fetch;
  const base = `${dns.apiUrl.replace(/\/$/, "")}/api/v1/servers/${encodeURIComponent(dns.serverId ?? "localhost")}`;
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    let res: Response;
    try {
      res = await f(`${base}${path}`, {
        method,
        headers: { "x-api-key": key, "content-type": "application/json", accept: "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(deps.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new IntentopsError(
        "E_DNS_UNREACHABLE",
        `${subject}: the DNS server at ${dns.apiUrl} did not answer ${method} ${path} (${error instanceof Error ? error.message : String(error)})`,
        { subject },
      );
    }
    const text = await res.text();
    if (!res.ok) {
      let reason = text.slice(0, 500);
      try {
        reason = String((JSON.parse(text) as { error?: unknown }).error ?? reason);
      } catch {
        // not JSON: the text as it came
      }
      throw new IntentopsError(
        res.status === 422 ? "E_DNS_REFUSED" : "E_DNS_API",
        `${subject}: ${method} ${path} → ${res.status}: ${reason}`,
        { subject },
      );
    }
    return text === "" ? undefined : JSON.parse(text);
  };

  const zones = ((await call("GET", "/zones")) as Zone[]).map((z) => ({
    id: z.id,
    name: z.name.toLowerCase(),
  }));
  const zoneOf = (name: string) =>
    zones
      .filter((z) => name === z.name || name.endsWith(`.${z.name}`))
      .sort((a, b) => b.name.length - a.name.length)[0];
  for (const d of records) {
    if (!zoneOf(d.name)) {
      throw new IntentopsError(
        "E_DNS_NO_ZONE",
        `${subject}: ${d.ref}: no zone on the DNS server holds ${d.name} (zones: ${zones.map((z) => z.name).join(", ") || "none"}); nothing was written`,
        { subject },
      );
    }
  }
  // Every zone is read: the intent's own records may sit in any of them (a record whose name moved).
  const live = new Map<string, LiveRrset[]>();
  for (const zone of zones) {
    const z = (await call("GET", `/zones/${encodeURIComponent(zone.id)}`)) as { rrsets?: LiveRrset[] };
    live.set(
      zone.id,
      (z.rrsets ?? []).map((r) => ({ ...r, name: r.name.toLowerCase() })),
    );
  }

  const patches = new Map<string, unknown[]>();
  const add = (zoneId: string, change: unknown) =>
    patches.set(zoneId, [...(patches.get(zoneId) ?? []), change]);
  const entries: ChangeSetEntry[] = [];
  const wanted = new Set(records.map((d) => `${d.name} ${d.type}`));
  for (const d of records) {
    const zone = zoneOf(d.name)!;
    const current = live.get(zone.id)!.find((r) => r.name === d.name && r.type === d.type);
    const owner = current && ownerOf(current);
    if (current && (!owner || owner.site !== site.id || owner.intent !== intentId)) {
      throw new IntentopsError(
        "E_DNS_NOT_OWNED",
        `${subject}: ${d.ref}: ${d.name} ${d.type} exists and is not this intent's (${owner ? `owned by ${owner.site}/${owner.intent}` : "no intentops ownership mark"}); nothing was written`,
        { subject },
      );
    }
    const digest = input.digests?.get(d.ref) ?? null;
    const liveRecords = current?.records
      .filter((r) => !r.disabled)
      .map((r) => r.content)
      .sort();
    if (
      current &&
      owner?.ref === d.ref &&
      current.ttl === d.ttl &&
      JSON.stringify(liveRecords) === JSON.stringify(d.records)
    ) {
      entries.push(entry(d.ref, "unchanged", digest));
      continue;
    }
    add(zone.id, {
      name: d.name,
      type: d.type,
      ttl: d.ttl,
      changetype: "REPLACE",
      records: d.records.map((content) => ({ content, disabled: false })),
      comments: [{ content: ownerMark(site.id, intentId, d.ref), account: DNS_OWNER_ACCOUNT }],
    });
    entries.push(entry(d.ref, current ? "configured" : "created", digest));
  }
  for (const zone of zones) {
    for (const r of live.get(zone.id)!) {
      const owner = ownerOf(r);
      if (!owner || owner.site !== site.id || owner.intent !== intentId) continue;
      if (wanted.has(`${r.name} ${r.type}`)) continue;
      add(zone.id, { name: r.name, type: r.type, changetype: "DELETE" });
      entries.push(entry(owner.ref, "deleted", null));
    }
  }
  for (const [zoneId, rrsets] of [...patches].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    await call("PATCH", `/zones/${encodeURIComponent(zoneId)}`, { rrsets });
  }
  return entries.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}
