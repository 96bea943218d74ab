/**
 * Prune safety: a package that suddenly lists far fewer objects is more often a broken render or a wrong
 * path than a real intent to delete. Pruning every object of an inventory, or more than `maxShare` of it,
 * is refused unless forced.
 */

export interface PruneSafetyInput {
  /** Objects the inventory lists. */
  inventorySize: number;
  /** Objects that would be deleted. */
  pruneCount: number;
  /** Largest share of the inventory one run may delete. Default 0.5. */
  maxShare?: number;
  force?: boolean;
}

export type PruneSafetyDecision = { allowed: true; reason: string } | { allowed: false; reason: string };

/**
 * Decides whether a prune may run. Deleting nothing is always allowed; deleting exactly `maxShare` of
 * the inventory is allowed (the limit is inclusive); deleting all of it never is without `force`.
 *
 * @example checkPruneSafety({ inventorySize: 10, pruneCount: 6 }).allowed === false
 */
export function checkPruneSafety(input: PruneSafetyInput): PruneSafetyDecision {
  const { inventorySize, pruneCount, maxShare = 0.5, force = false } = input;
  if (!(maxShare >= 0 && maxShare <= 1)) throw new RangeError(`maxShare ${maxShare} is not within [0, 1]`);
  if (pruneCount === 0) return { allowed: true, reason: "nothing to prune" };
  if (force) return { allowed: true, reason: `forced: pruning ${pruneCount} of ${inventorySize}` };
  if (pruneCount >= inventorySize) {
    return {
      allowed: false,
      reason: `would delete all ${inventorySize} object(s) of the inventory; use force to confirm`,
    };
  }
  // Compare in integers: 0.5 * 10 is exact, but 0.3 * 10 is not.
  if (pruneCount * 1000 > Math.round(maxShare * 1000) * inventorySize) {
    return {
      allowed: false,
      reason: `would delete ${pruneCount} of ${inventorySize} object(s) (more than ${Math.round(maxShare * 100)} %); use force to confirm`,
    };
  }
  return { allowed: true, reason: `pruning ${pruneCount} of ${inventorySize}` };
}
