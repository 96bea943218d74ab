export * from "./canonicalJson.js";
export * from "./compileIntent.js";
export * from "./digest.js";
export * from "./errors.js";
export * from "./normaliseQuantity.js";
export * from "./parseJsonSafely.js";
export * from "./parseSiteRegistry.js";
export type * from "./types.js";
export * from "./vocabulary.js";
