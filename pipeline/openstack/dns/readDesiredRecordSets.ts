/**
 * `readDesiredRecordSets`: the `RecordSet` manifests of an OpenStack site's package (a `dnsRecord`
 * workload, `openstack.intentops.io/v1alpha1`) split from the stack's manifests and read into typed
 * records. A manifest the DNS path cannot write is refused here, before anything is written, with the
 * object and field.
 */
import type { KrmObject } from "../../../functions/runtime/types.js";
import { ManifestError, OPENSTACK_API_VERSION } from "../stack/readDesiredStack.js";

export const RECORD_SET_KIND = "RecordSet";

export interface DesiredRecordSet {
  /** `RecordSet/<metadata.name>`: the object the record comes from. */
  ref: string;
  /** Absolute, lower case, with the trailing dot. */
  name: string;
  type: string;
  /** As PowerDNS stores them (TXT quoted), sorted. */
  records: string[];
  ttl: number;
}

const TYPES = new Set(["A", "AAAA", "CNAME", "TXT"]);
const DEFAULT_TTL = 300;

/** The package's objects without its `RecordSet`s (what the stack saga applies) and the `RecordSet`s. */
export function splitRecordSets(objects: readonly KrmObject[]): {
  stack: KrmObject[];
  recordSets: KrmObject[];
} {
  return {
    stack: objects.filter((o) => o.kind !== RECORD_SET_KIND),
    recordSets: objects.filter((o) => o.kind === RECORD_SET_KIND),
  };
}

/** TXT content in zone-file form (PowerDNS's API takes and returns it quoted). */
export function quoteTxt(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function readDesiredRecordSets(objects: readonly KrmObject[]): DesiredRecordSet[] {
  const out: DesiredRecordSet[] = [];
  const seen = new Map<string, string>();
  for (const obj of objects) {
    const subject = `${RECORD_SET_KIND}/${obj.metadata?.name ?? "?"}`;
    if (obj.apiVersion !== OPENSTACK_API_VERSION) {
      throw new ManifestError(subject, `apiVersion ${obj.apiVersion} is not ${OPENSTACK_API_VERSION}`);
    }
    const spec = (obj.spec ?? {}) as Record<string, unknown>;
    const name = spec.name;
    if (typeof name !== "string" || !/^([a-z0-9_]([-a-z0-9_]*[a-z0-9_])?\.)+$/i.test(name)) {
      throw new ManifestError(subject, "spec.name must be an absolute DNS name with its trailing dot");
    }
    const type = spec.type;
    if (typeof type !== "string" || !TYPES.has(type)) {
      throw new ManifestError(subject, `spec.type must be one of ${[...TYPES].join(", ")}`);
    }
    const records = spec.records;
    if (!Array.isArray(records) || records.length === 0 || !records.every((r) => typeof r === "string")) {
      throw new ManifestError(subject, "spec.records must be a non-empty list of strings");
    }
    const ttl = spec.ttl ?? DEFAULT_TTL;
    if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 0) {
      throw new ManifestError(subject, "spec.ttl must be a whole number of seconds");
    }
    const key = `${name.toLowerCase()} ${type}`;
    const other = seen.get(key);
    if (other) throw new ManifestError(subject, `spec.name/spec.type ${key} is also written by ${other}`);
    seen.set(key, subject);
    out.push({
      ref: subject,
      name: name.toLowerCase(),
      type,
      records: (records as string[]).map((r) => (type === "TXT" ? quoteTxt(r) : r)).sort(),
      ttl,
    });
  }
  return out.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}
