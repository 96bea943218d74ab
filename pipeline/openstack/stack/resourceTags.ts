/**
 * How the driver marks what it owns. Every Neutron resource and every server carries tags naming the site,
 * the intent and the manifest object it came from; every server and volume also carries the same facts as
 * metadata (with the tier's ordinal). A re-run finds a resource by these marks and creates nothing twice;
 * orphan cleanup and delete touch only resources that carry them — a resource made by hand never does.
 *
 * Neutron and Nova tags are at most 60 characters and may hold neither `,` nor `/`: a longer value is cut
 * and given a short hash of the whole, so two long names never share a tag.
 */
import { createHash } from "node:crypto";

export const OWNER_TAG = "intentops";
const MAX_TAG = 60;

function tag(key: string, value: string): string {
  const clean = value.replace(/[,/]/g, "_");
  const full = `${key}=${clean}`;
  if (full.length <= MAX_TAG && clean === value) return full;
  const hash = createHash("sha256").update(value).digest("hex").slice(0, 10);
  return `${key}=${clean.slice(0, MAX_TAG - key.length - 12)}~${hash}`;
}

export function siteTag(site: string): string {
  return tag("intentops-site", site);
}

export function intentTag(intentId: string): string {
  return tag("intentops-intent", intentId);
}

/** The manifest object, `Kind.name` (a `/` is not allowed in a tag). */
export function refTag(kind: string, name: string): string {
  return tag("intentops-ref", `${kind}.${name}`);
}

/** The tags of one resource. */
export function ownerTags(site: string, intentId: string, kind: string, name: string): string[] {
  return [OWNER_TAG, siteTag(site), intentTag(intentId), refTag(kind, name)];
}

/** The value of a `key=value` tag, or undefined. */
export function tagValue(tags: readonly string[], key: string): string | undefined {
  const found = tags.find((t) => t.startsWith(`${key}=`));
  return found?.slice(key.length + 1);
}

/**
 * Metadata keys of servers and volumes: the same facts as the tags. Nova allows no `/` in a metadata key
 * (`^[a-zA-Z0-9-_:. ]{1,255}$`), so the manifest's `intentops.io/x` keys are written `intentops.io:x`.
 */
export const META = {
  intent: "intentops.io:intent-id",
  site: "intentops.io:site",
  ref: "intentops.io:ref",
  ordinal: "intentops.io:ordinal",
  tier: "intentops.io:tier",
} as const;

/** A manifest metadata key as Nova and Cinder take it (`/` → `:`). */
export function metadataKey(key: string): string {
  return key.replace(/\//g, ":");
}

export function ownerMetadata(
  site: string,
  intentId: string,
  kind: string,
  name: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(extra)) out[metadataKey(k)] = v;
  return { ...out, [META.intent]: intentId, [META.site]: site, [META.ref]: `${kind}/${name}` };
}
