/**
 * `dnsRecord` workload on a Kubernetes site: an ExternalDNS `DNSEndpoint` (`externaldns.k8s.io/v1alpha1`)
 * in the workload's namespace, `spec.endpoints[{ dnsName, recordType, targets, recordTTL }]`.
 *
 * Record type: `dnsRecordType`, or when absent `A` if every target is an IPv4 address and `AAAA` if every
 * target is an IPv6 address; otherwise it is required. A CNAME has exactly one target. Targets are copied
 * as given (TXT values included), as plain strings.
 *
 * On an OpenStack site the same record is a `RecordSet` of `openstack.intentops.io/v1alpha1` (Designate's
 * recordset fields: `name`, `type`, `records`, `ttl`; names absolute, with the trailing dot). The OpenStack
 * site driver writes it into the zone of the site's DNS server (`dns:` in the site registry) that holds the
 * name, since the sandbox has no Designate.
 */
import { buildMetadata } from "./buildMetadata.js";
import { buildNamespace, namespaceOf } from "./buildNamespace.js";
import { dnsLabel } from "./dnsLabel.js";
import { GeneratorError } from "./GeneratorError.js";
import type { WorkloadInput } from "./readWorkloads.js";
import type { GeneratedObject, JsonObject } from "./types.js";

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

/** Objects of one `dnsRecord` workload. */
export function generateDnsRecord(input: WorkloadInput): GeneratedObject[] {
  const p = input.params;
  const dnsName = p.requireString("dnsName");
  const targets = p.stringList("dnsRecordTargets");
  if (targets === undefined || targets.length === 0) {
    throw new GeneratorError(
      "E_GEN_MISSING_PARAM",
      p.where("dnsRecordTargets"),
      "a record needs at least one target",
    );
  }
  const recordType = p.string("dnsRecordType") ?? inferType(targets);
  if (recordType === undefined) {
    throw new GeneratorError(
      "E_GEN_MISSING_PARAM",
      p.where("dnsRecordType"),
      "the record type cannot be inferred from the targets; give A, AAAA, CNAME or TXT",
    );
  }
  if (recordType === "CNAME" && targets.length !== 1) {
    throw new GeneratorError(
      "E_GEN_INVALID_PARAM",
      p.where("dnsRecordTargets"),
      "a CNAME record has exactly one target",
    );
  }
  const endpoint: JsonObject = { dnsName, recordType, targets };
  const ttl = p.integer("dnsTtl", 0, 2_147_483_647);
  if (ttl !== undefined) endpoint["recordTTL"] = ttl;

  const appName = p.string("applicationName");
  if (input.site.kind === "openstack") return [recordSet(input, dnsName, recordType, targets, ttl, appName)];
  const namespace = namespaceOf(input);
  // Several records may share a name with different types (A and TXT), so the type is part of the name.
  const name = dnsLabel([
    ...(appName === undefined ? [] : [appName]),
    dnsName.replace(/\.$/, ""),
    recordType,
  ]);
  return [
    ...buildNamespace(input, namespace),
    {
      apiVersion: "externaldns.k8s.io/v1alpha1",
      kind: "DNSEndpoint",
      metadata: buildMetadata(input, name, namespace),
      spec: { endpoints: [endpoint] },
    },
  ];
}

function inferType(targets: readonly string[]): string | undefined {
  if (targets.every((t) => IPV4.test(t))) return "A";
  if (targets.every((t) => t.includes(":") && IPV6.test(t))) return "AAAA";
  return undefined;
}

/** The record on an OpenStack site: one `RecordSet` (no namespace; names absolute). */
function recordSet(
  input: WorkloadInput,
  dnsName: string,
  recordType: string,
  targets: readonly string[],
  ttl: number | undefined,
  appName: string | undefined,
): GeneratedObject {
  const name = `${dnsName.replace(/\.$/, "")}.`;
  const spec: JsonObject = {
    name,
    type: recordType,
    records: recordType === "CNAME" ? targets.map((t) => `${t.replace(/\.$/, "")}.`) : [...targets],
  };
  if (ttl !== undefined) spec["ttl"] = ttl;
  return {
    apiVersion: "openstack.intentops.io/v1alpha1",
    kind: "RecordSet",
    metadata: buildMetadata(
      input,
      dnsLabel([...(appName === undefined ? [] : [appName]), name.replace(/\.$/, ""), recordType]),
      undefined,
    ),
    spec,
  };
}
