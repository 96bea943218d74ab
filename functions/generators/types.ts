/**
 * The shapes the generators produce: KRM objects built as plain data, and the package around them.
 *
 * Objects are JSON values (see `compiler/canonicalJson.ts`), so the runtime's formatter can write them
 * and the canonical JSON of a package is a stable fingerprint of its content.
 */
import type { Json } from "../../compiler/canonicalJson.js";
import type { WorkloadKind } from "../../compiler/vocabulary.js";

/**
 * Object metadata as the generators write it: `name` is always set, labels and annotations always exist.
 * A type alias (not an interface) so that it is assignable to the runtime's open `KrmMetadata`.
 */
export type ObjectMeta = {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
};

/** One generated KRM object. Every field other than `metadata` is JSON data. */
export type GeneratedObject = {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: Json | ObjectMeta | undefined;
};

/** A JSON object, for `spec`-like fields. */
export type JsonObject = { [key: string]: Json };

/** One step of a Kptfile pipeline (`kpt.dev/v1`), passed through unchanged. */
export interface KptFunctionStep {
  image?: string;
  exec?: string;
  name?: string;
  configPath?: string;
  configMap?: Record<string, string>;
}

/** Options of `generatePackage` / `generateAll`. */
export interface GenerateOptions {
  /**
   * Fill SLO targets the intent does not state with the project defaults (ARCHITECTURE.md "SLO defaults")
   * when building the PrometheusRule of an application. Default `true`.
   */
  sloDefaults?: boolean;
  /** Pipeline written into the Kptfile (mutators, validators). Default: no pipeline. */
  pipeline?: { mutators?: KptFunctionStep[]; validators?: KptFunctionStep[] };
  /** Whether to render the package README. Default `true`. */
  readme?: boolean;
}

/** The package for one (intent, site): objects sorted, the Kptfile, and a README. */
export interface GeneratedPackage {
  /** `<site>/<intent-id>`: the package's subject and its directory under `rendered/`. */
  subject: string;
  site: string;
  intentId: string;
  objects: GeneratedObject[];
  kptfile: GeneratedObject;
  readme?: string;
}

/** Which workload kinds a generator handles and the site kinds it can deliver to. */
export type SiteKind = "kubernetes" | "openstack";

export type { WorkloadKind };
