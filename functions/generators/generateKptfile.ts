/**
 * The `kpt.dev/v1` Kptfile of a package: its name is the intent id, it is local config (never applied),
 * and it carries the same identity labels and annotations as the objects.
 */
import type { CompiledIntent, Site } from "../../compiler/types.js";
import {
  EXPECTATION_ID_ANNOTATION,
  INTENT_DIGEST_ANNOTATION,
  INTENT_ID_LABEL,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  REVISION_ANNOTATION,
  SITE_ANNOTATION,
} from "./buildMetadata.js";
import { labelValue } from "./dnsLabel.js";
import type { GeneratedObject, GenerateOptions, JsonObject, KptFunctionStep } from "./types.js";

/** Builds the Kptfile; `expectationIds` are the DELIVER expectations the package delivers. */
export function generateKptfile(
  compiled: CompiledIntent,
  site: Site,
  expectationIds: readonly string[],
  options: GenerateOptions = {},
): GeneratedObject {
  const spec = compiled.spec;
  const annotations: Record<string, string> = {
    "config.kubernetes.io/local-config": "true",
    [INTENT_DIGEST_ANNOTATION]: spec.intentDigest,
    [SITE_ANNOTATION]: site.id,
    [EXPECTATION_ID_ANNOTATION]: [...expectationIds].sort().join(","),
  };
  if (spec.revision !== undefined) annotations[REVISION_ANNOTATION] = spec.revision;
  const kptfile: GeneratedObject = {
    apiVersion: "kpt.dev/v1",
    kind: "Kptfile",
    metadata: {
      name: spec.intentId,
      labels: { [INTENT_ID_LABEL]: labelValue(spec.intentId), [MANAGED_BY_LABEL]: MANAGED_BY },
      annotations,
    },
    info: {
      description:
        spec.description === undefined
          ? `intentops package of intent ${spec.intentId} for site ${site.id}`
          : `${spec.description} (intent ${spec.intentId}, site ${site.id})`,
    },
  };
  const pipeline: JsonObject = {};
  if (options.pipeline?.mutators?.length) pipeline["mutators"] = options.pipeline.mutators.map(stepJson);
  if (options.pipeline?.validators?.length)
    pipeline["validators"] = options.pipeline.validators.map(stepJson);
  if (Object.keys(pipeline).length > 0) kptfile["pipeline"] = pipeline;
  return kptfile;
}

/** A pipeline step as JSON, with absent fields left out. */
function stepJson(step: KptFunctionStep): JsonObject {
  const out: JsonObject = {};
  if (step.image !== undefined) out["image"] = step.image;
  if (step.exec !== undefined) out["exec"] = step.exec;
  if (step.name !== undefined) out["name"] = step.name;
  if (step.configPath !== undefined) out["configPath"] = step.configPath;
  if (step.configMap !== undefined) out["configMap"] = { ...step.configMap };
  return out;
}
