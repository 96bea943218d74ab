export * from "./readPackageDir.js";
export * from "./renderPackageDir.js";
export * from "./writePackageDir.js";
