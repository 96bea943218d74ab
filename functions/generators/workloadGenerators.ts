/**
 * The dispatch table: which generator builds each workload kind, and which kinds of site it delivers to.
 * The one place to look when adding a workload kind.
 */
import type { WorkloadKind } from "../../compiler/vocabulary.js";
import { generateApplication } from "./generateApplication.js";
import { generateDnsRecord } from "./generateDnsRecord.js";
import { generateSlice } from "./generateSlice.js";
import { generateWebAppStack } from "./generateWebAppStack.js";
import type { WorkloadInput } from "./readWorkloads.js";
import type { GeneratedObject, SiteKind } from "./types.js";

export interface WorkloadGenerator {
  /** Site kinds the generator can deliver to; any other is `E_GEN_UNSUPPORTED`. */
  siteKinds: readonly SiteKind[];
  generate: (input: WorkloadInput) => GeneratedObject[];
}

export const WORKLOAD_GENERATORS: Readonly<Record<WorkloadKind, WorkloadGenerator>> = {
  application: { siteKinds: ["kubernetes"], generate: generateApplication },
  slice: { siteKinds: ["kubernetes"], generate: generateSlice },
  webAppStack: { siteKinds: ["openstack"], generate: generateWebAppStack },
  // Kubernetes: an ExternalDNS DNSEndpoint; OpenStack: a RecordSet for the site driver.
  dnsRecord: { siteKinds: ["kubernetes", "openstack"], generate: generateDnsRecord },
};
