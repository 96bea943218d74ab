/**
 * `diffOpenStackPackage`: what applying one intent's manifests to an OpenStack site would do — the plan
 * against the live resources, nothing written. Drift (a resource deleted or resized by hand, a rule added)
 * shows as the steps that would repair it.
 */
import type { KrmObject } from "../../../functions/runtime/types.js";
import type { OpenStackClient } from "../client/createOpenStackClient.js";
import { type PlannedStep, planStackChanges } from "./planStackChanges.js";
import { readDesiredStack } from "./readDesiredStack.js";
import { readLiveStack } from "./readLiveStack.js";

export interface OpenStackDiff {
  subject: string;
  steps: Array<Pick<PlannedStep, "id" | "op" | "kind" | "name">>;
  unchanged: string[];
}

/** @example const diff = await diffOpenStackPackage(client, { site, intentId, objects }); */
export async function diffOpenStackPackage(
  client: OpenStackClient,
  input: { site: string; intentId: string; objects: readonly KrmObject[] },
): Promise<OpenStackDiff> {
  const desired = readDesiredStack(input.objects);
  const live = await readLiveStack(client, { site: input.site, intentId: input.intentId });
  const plan = planStackChanges(desired, live);
  return {
    subject: `${input.site}/${input.intentId}`,
    steps: plan.steps.map(({ id, op, kind, name }) => ({ id, op, kind, name })),
    unchanged: plan.unchanged,
  };
}
