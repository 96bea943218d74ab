/**
 * `adoptableOf`: what the interrupted sagas a new saga inherits began to create — `Kind/name` → the id
 * their journal recorded (undefined when the process died before the create request returned an id). A
 * Neutron resource made but killed before its tags were set is found through this map (by id, else by name)
 * and adopted instead of being made a second time.
 */
import type { SagaStep } from "./sagaStore.js";

/** @example ctx.adoptable = adoptableOf(record.inherited) */
export function adoptableOf(inherited: readonly SagaStep[]): Map<string, string | undefined> {
  const adoptable = new Map<string, string | undefined>();
  for (const step of inherited) {
    if (step.op !== "create" || step.compensation?.do !== "delete") continue;
    const id = step.compensation.id ?? step.resourceId;
    // A later step of the same resource with a known id wins over an earlier one without.
    if (id !== undefined || !adoptable.has(step.compensation.ref)) adoptable.set(step.compensation.ref, id);
  }
  return adoptable;
}
