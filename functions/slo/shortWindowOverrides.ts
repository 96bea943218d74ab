/**
 * SLO policy overrides for a verification window given on the command line (`--window`): a short window
 * needs a short evaluation interval, `for` and rate window too, or nothing could be sampled or count.
 */
import type { SloPolicyOverrides } from "./deriveSloPolicy.js";

/** @example shortWindowOverrides(16) // { windowSeconds: 16, intervalSeconds: 2.67, forSeconds: 4, rateWindowSeconds: 16 } */
export function shortWindowOverrides(windowSeconds: number): SloPolicyOverrides {
  return {
    windowSeconds,
    intervalSeconds: Math.min(10, Math.max(1, windowSeconds / 6)),
    ...(windowSeconds < 120
      ? { forSeconds: windowSeconds / 4, rateWindowSeconds: Math.min(60, Math.max(5, windowSeconds)) }
      : {}),
  };
}
