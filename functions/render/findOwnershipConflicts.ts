/**
 * Render-time ownership: on one site, an object — and a DNS record — may be rendered by one intent only.
 * Two intents rendering the same object would take it from each other on every apply, and deleting either
 * would prune what the other still needs; so the second one is refused before anything is written.
 *
 * Identity is what the site would see: for Kubernetes the API group, kind, namespace and name (versions are
 * not identity); for OpenStack the kind and name the manifests give the resource; and for a DNS record
 * (`DNSEndpoint` endpoints, OpenStack `RecordSet`s) the record's name and type, whatever the object holding
 * it is called. Exempt: the CustomResourceDefinitions of intentops' own API groups (`*.intentops.io`), which
 * every package that needs them ships identically.
 *
 * Pure: objects in, conflicts out.
 */
import type { KrmObject } from "../runtime/types.js";

/** One identity an object claims on its site. */
export interface OwnedObject {
  /** Unique per site: `group|Kind|namespace|name`, or `dns|name.|TYPE` for a DNS record. */
  key: string;
  /** `Kind/namespace/name` (`Kind/name` cluster-scoped); a record is `DNSRecord/<name>/<TYPE>`. */
  subject: string;
  kind: string;
  /** The DELIVER expectation(s) the object comes from (`intentops.io/expectation-id`), when recorded. */
  expectationIds: string[];
}

/** The objects one intent renders for one site. */
export interface OwnershipClaim {
  site: string;
  intentId: string;
  owned: readonly OwnedObject[];
}

export interface OwnershipConflict {
  site: string;
  /** The intent refused. */
  intentId: string;
  /** The intent that holds the object. */
  owner: string;
  object: OwnedObject;
}

const EXPECTATION_ANNOTATION = "intentops.io/expectation-id";

/** The identities `objects` claim (an object and, for DNS objects, each record it holds). */
export function ownedObjectsOf(objects: readonly KrmObject[]): OwnedObject[] {
  const out: OwnedObject[] = [];
  for (const object of objects) {
    const apiVersion = typeof object.apiVersion === "string" ? object.apiVersion : "";
    const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
    const kind = String(object.kind ?? "");
    const name = String(object.metadata?.name ?? "");
    const namespace = object.metadata?.namespace ? String(object.metadata.namespace) : "";
    if (kind === "CustomResourceDefinition" && name.endsWith(".intentops.io")) continue;
    const annotation = object.metadata?.annotations?.[EXPECTATION_ANNOTATION];
    const expectationIds = typeof annotation === "string" && annotation ? annotation.split(",") : [];
    out.push({
      key: `${group}|${kind}|${namespace}|${name}`,
      subject: namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`,
      kind,
      expectationIds,
    });
    for (const [record, type] of dnsRecordsOf(object)) {
      out.push({
        key: `dns|${record}|${type}`,
        subject: `DNSRecord/${record}/${type}`,
        kind: "DNSRecord",
        expectationIds,
      });
    }
  }
  return out;
}

/**
 * The conflicts among `claims`, taken in order: the first intent to claim an identity on a site owns it,
 * and each later claim of it by another intent is a conflict. A claim of the owner itself (a new revision
 * of the same intent) is none.
 */
export function findOwnershipConflicts(claims: Iterable<OwnershipClaim>): OwnershipConflict[] {
  const owners = new Map<string, Map<string, string>>();
  const conflicts: OwnershipConflict[] = [];
  for (const claim of claims) {
    const site = owners.get(claim.site) ?? new Map<string, string>();
    owners.set(claim.site, site);
    for (const object of claim.owned) {
      const owner = site.get(object.key);
      if (owner === undefined) site.set(object.key, claim.intentId);
      else if (owner !== claim.intentId) {
        conflicts.push({ site: claim.site, intentId: claim.intentId, owner, object });
      }
    }
  }
  return conflicts;
}

/** `[name, type]` of each DNS record an object holds: names lower-case and absolute (trailing dot). */
function dnsRecordsOf(object: KrmObject): Array<[string, string]> {
  const spec = object.spec as Record<string, unknown> | undefined;
  if (!spec || typeof spec !== "object") return [];
  const absolute = (name: string) => `${name.toLowerCase().replace(/\.$/, "")}.`;
  if (object.kind === "DNSEndpoint" && String(object.apiVersion).startsWith("externaldns.k8s.io/")) {
    const endpoints = Array.isArray(spec.endpoints) ? spec.endpoints : [];
    return endpoints
      .filter((e): e is Record<string, unknown> => e !== null && typeof e === "object")
      .filter((e) => typeof e.dnsName === "string" && typeof e.recordType === "string")
      .map((e) => [absolute(e.dnsName as string), (e.recordType as string).toUpperCase()]);
  }
  if (object.kind === "RecordSet" && typeof spec.name === "string" && typeof spec.type === "string") {
    return [[absolute(spec.name), spec.type.toUpperCase()]];
  }
  return [];
}
