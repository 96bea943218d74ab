/** Git delivery, revert and quarantine. */
export * from "./commitMessage.js";
export * from "./deliverIntent.js";
export * from "./gitDeps.js";
export * from "./gitErrors.js";
export * from "./quarantine.js";
export { resolveCredentials } from "./resolveCredentials.js";
export * from "./revertCommit.js";
export * from "./rollbackIntent.js";
