export * from "./diffPackages.js";
export * from "./formatReviewMarkdown.js";
export * from "./formatReviewText.js";
export * from "./locateProblem.js";
export * from "./publishReview.js";
export * from "./readRevision.js";
export * from "./reviewChange.js";
export * from "./reviewTemplate.js";
export type * from "./reviewTypes.js";
