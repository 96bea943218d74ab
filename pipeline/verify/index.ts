export * from "./queryInstant.js";
export * from "./queryRange.js";
export * from "./requestPrometheus.js";
export * from "./verifyErrors.js";
export * from "./verifySlo.js";
