/**
 * refuseOwnershipConflicts: the check `run` and the runner make before anything is recorded — the packages
 * of the intents being run may claim no object (or DNS record) that another intent's package in the
 * delivery repository already holds, nor one another's (functions/render/findOwnershipConflicts.ts).
 */
import { capProblems, InvalidInputError } from "../../compiler/errors.js";
import type { CompiledIntent } from "../../compiler/types.js";
import {
  findOwnershipConflicts,
  type OwnershipClaim,
  ownedObjectsOf,
} from "../../functions/render/findOwnershipConflicts.js";
import type { RenderedPackage } from "../../functions/render/renderIntentPackage.js";
import type { OwnershipIndex } from "../git/ownershipIndex.js";
import type { RepoCtx } from "../git/treeOps.js";
import { ownershipProblems } from "./ownershipProblems.js";

export interface RenderedIntent {
  file: string;
  text: string | Uint8Array;
  compiled: CompiledIntent;
  packages: readonly RenderedPackage[];
}

export interface Delivered {
  index: OwnershipIndex;
  /** The delivery repository, or null when there is none yet (nothing is owned). */
  repo: RepoCtx | null;
  /** Head of the delivery branch (null: no commit yet). */
  commit: string | null;
}

/** @throws InvalidInputError `E_OWNERSHIP_CONFLICT`, one problem per claimed object, in the claiming file */
export async function refuseOwnershipConflicts(
  intents: readonly RenderedIntent[],
  delivered: Delivered,
): Promise<void> {
  const claims: OwnershipClaim[] = intents.flatMap((i) =>
    i.packages.map((p) => ({ site: p.site, intentId: p.intentId, owned: ownedObjectsOf(p.objects) })),
  );
  const conflicts = [
    ...(delivered.repo ? await delivered.index.conflictsAt(delivered.repo, delivered.commit, claims) : []),
    ...findOwnershipConflicts(claims),
  ];
  if (conflicts.length === 0) return;
  const byId = new Map(intents.map((i) => [i.compiled.spec.intentId, i]));
  throw new InvalidInputError(
    capProblems(
      ownershipProblems(
        conflicts,
        (id) => byId.get(id),
        (id) => byId.get(id)?.file ?? `intents/${id}.json`,
      ),
    ),
  );
}
