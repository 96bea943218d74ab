/** Evidence: one hash-chained, schema-valid, redacted record per pipeline action, on its own branch. */
export * from "./evidenceRecord.js";
export { EVIDENCE_BRANCH } from "./evidenceStore.js";
export * from "./listEvidence.js";
export * from "./recordEvidence.js";
export * from "./redactSecrets.js";
export * from "./validateEvidence.js";
export * from "./verifyEvidence.js";
