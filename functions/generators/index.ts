export {
  EXPECTATION_ID_ANNOTATION,
  INTENT_DIGEST_ANNOTATION,
  INTENT_ID_LABEL,
  MANAGED_BY_LABEL,
  SITE_ANNOTATION,
} from "./buildMetadata.js";
export {
  buildNetworkSliceCrd,
  NETWORK_SLICE_SCHEMA,
  SLICE_API_VERSION,
  SLICE_CRD_NAME,
} from "./buildNetworkSliceCrd.js";
export { SLO_DEFAULTS, SLO_METRICS, type SloAction } from "./buildSloRules.js";
export { chooseFiveQi, type FiveQiChoice, type LatencyRequirement, meetsLatency } from "./chooseFiveQi.js";
export { DNS_LABEL_MAX, dns1035Label, dnsLabel, dnsLabelWithSuffix, labelValue } from "./dnsLabel.js";
export {
  FIVE_QI_CANDIDATES,
  FIVE_QI_REFERENCE,
  FIVE_QI_TABLE,
  type FiveQiRow,
  fiveQiRow,
  type SliceType,
  SST_BY_SLICE_TYPE,
  SST_REFERENCE,
} from "./fiveQiTable.js";
export { GeneratorError, type GeneratorErrorCode } from "./GeneratorError.js";
export { generateAll } from "./generateAll.js";
export { generatePackage } from "./generatePackage.js";
export { OPENSTACK_API_VERSION, ORDINAL_ANNOTATION } from "./generateWebAppStack.js";
export { identityOf, objectSubject, sortObjects } from "./sortObjects.js";
export type {
  GeneratedObject,
  GeneratedPackage,
  GenerateOptions,
  KptFunctionStep,
  ObjectMeta,
} from "./types.js";
export { WEB_APP_STACK_TEMPLATE } from "./webAppStackTemplate.js";
export { WORKLOAD_GENERATORS } from "./workloadGenerators.js";
