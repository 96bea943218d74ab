/**
 * The shapes the compiler reads and writes.
 *
 * Input: a TMF921 v5 `Intent` (as POSTed: `Intent_FVO`) whose `expression` is a `JsonLdExpression` in the
 * restricted intentops profile (see `schemas/intentops-expression.v1.schema.json`).
 * Output: a 3GPP TS 28.312 Rel-18 `Intent` (the `Intent-Single` attributes of the Intent NRM), wrapped in a
 * `CompiledIntent` envelope that carries the identity, digest, sites and delta report downstream stages need.
 */
import type { Json } from "./canonicalJson.js";
import type { Digest } from "./digest.js";

// ---------------------------------------------------------------- TS 28.312 (Intent NRM v18.2.0)

/** `Condition` of TS 28.312 (IntentNrm `#/components/schemas/Condition`). */
export type Condition =
  | "IS_EQUAL_TO"
  | "IS_LESS_THAN"
  | "IS_GREATER_THAN"
  | "IS_WITHIN_RANGE"
  | "IS_OUTSIDE_RANGE"
  | "IS_ONE_OF"
  | "IS_NOT_ONE_OF"
  | "IS_EQUAL_TO_OR_LESS_THAN"
  | "IS_EQUAL_TO_OR_GREATER_THAN"
  | "IS_ALL_OF";

export type ExpectationVerb = "DELIVER" | "ENSURE";

/** The object types this project emits; other spellings of the 3GPP files are accepted on input. */
export type ObjectType = "EdgeService_Support" | "RAN_SubNetwork" | "5GC_SubNetwork";

/** `ValueRangeType`: scalars, or the structured 3GPP types (PlmnId, TimeWindow, …) as plain objects. */
export type ValueRange = string | number | boolean | { [key: string]: Json };

export interface Context {
  contextAttribute: string;
  contextCondition: Condition;
  contextValueRange: ValueRange | ValueRange[];
}

export interface ExpectationTarget {
  targetName: string;
  targetCondition: Condition;
  targetValueRange: ValueRange | ValueRange[];
  targetContexts?: Context[];
}

export interface ExpectationObject {
  objectType: ObjectType;
  objectInstance?: string;
  objectContexts?: Context[];
}

export interface IntentExpectation {
  expectationId: string;
  expectationVerb: ExpectationVerb;
  expectationObject: ExpectationObject;
  expectationTargets?: ExpectationTarget[];
  expectationContexts?: Context[];
}

/** TS 28.312 `Intent-Single` (Top `id` + Intent attributes). */
export interface Intent28312 {
  id: string;
  userLabel?: string;
  intentExpectations: IntentExpectation[];
  intentContexts?: Context[];
  intentPriority?: number;
  intentAdminState?: "ACTIVATED" | "DEACTIVATED";
  /** Observation period of the fulfilment info, in seconds. */
  observationPeriod?: number;
}

// ---------------------------------------------------------------- the envelope

/** Something in the input that the compiler did not map, and why. Nothing is dropped silently. */
export interface DeltaEntry {
  /** JSON pointer into the TMF921 input. */
  pointer: string;
  reason: string;
}

export interface CompiledIntent {
  apiVersion: "intentops.io/v1alpha1";
  kind: "CompiledIntent";
  metadata: { name: string };
  spec: {
    /** Safe DNS-1123 label: used in paths (`rendered/<site>/<intentId>/`), labels and commit trailers. */
    intentId: string;
    /** A TMF921 ProbeIntent: a feasibility question — rendered and dry-run, never delivered. */
    probe?: boolean;
    /** The TMF921 Intent an input in the older demo's plain shape was converted to (compiled as such). */
    converted?: Record<string, unknown>;
    /** TMF921 `version`, when given. */
    revision?: string;
    description?: string;
    /** Digest of the canonical TMF921 input: the intent's identity for caches and evidence. */
    intentDigest: Digest;
    /** Resolved target sites, sorted. */
    sites: string[];
    intent: Intent28312;
    delta: DeltaEntry[];
  };
}

// ---------------------------------------------------------------- sites

export type SecretRef = { env: string } | { file: string };

export interface KubernetesSiteConnection {
  /** Context name in the kubeconfig. */
  context: string;
  /** Path of the kubeconfig file; default: `$KUBECONFIG` or `~/.kube/config` (resolved by the pipeline). */
  kubeconfig?: string;
  /** Server-side apply with `force` (take ownership of conflicting fields). Default false. */
  forceConflicts?: boolean;
}

export interface OpenStackSiteConnection {
  authUrl: string;
  region: string;
  projectName: string;
  projectDomain?: string;
  userName: string;
  userDomain?: string;
  /** The password, by reference only. */
  password: SecretRef;
}

/** The DNS server an OpenStack site's `RecordSet`s are written to (PowerDNS's HTTP API; no Designate). */
export interface DnsSiteConnection {
  provider: "powerdns";
  /** Base URL of the HTTP API, e.g. `http://127.0.0.1:8081`. */
  apiUrl: string;
  /** PowerDNS server id; default `localhost`. */
  serverId?: string;
  /** The API key, by reference only. */
  apiKey: SecretRef;
}

export interface Site {
  id: string;
  kind: "kubernetes" | "openstack";
  kubernetes?: KubernetesSiteConnection;
  openstack?: OpenStackSiteConnection;
  dns?: DnsSiteConnection;
  /** `siteLabel`: the target label telling this site's series apart (`null`: none); see `siteLabelOf`. */
  prometheus?: { url: string; siteLabel?: string | null };
  labels?: Record<string, string>;
  o2ims?: { oCloudId?: string; resourcePoolId?: string };
}

export interface SiteRegistry {
  apiVersion: "intentops.io/v1alpha1";
  kind: "SiteRegistry";
  sites: Site[];
}
