/**
 * ownershipProblems: render-time ownership conflicts (functions/render/findOwnershipConflicts.ts) as input
 * problems of the refused intent's file, `E_OWNERSHIP_CONFLICT`, each naming both intents (`site/intent-id`)
 * and the object (`Kind/namespace/name`), at the JSON pointer of the parameter that named the object: the
 * expectation's `io:namespace` for a Namespace (or `/id` when the namespace is the intent id), `io:dnsName`
 * for a DNS record, `io:appName` for the rest — or the DELIVER expectation itself when it sets none.
 */
import { type Problem, pointerOf } from "../../compiler/index.js";
import type { CompiledIntent } from "../../compiler/types.js";
import type { OwnershipConflict } from "../../functions/render/findOwnershipConflicts.js";
import { locateIntentParam, setsAttribute } from "./locateIntentParam.js";

export const OWNERSHIP_CONFLICT = "E_OWNERSHIP_CONFLICT";

/** The refused intent: the file it came from, as compiled, and its text. */
export interface ConflictingSource {
  file: string;
  compiled: CompiledIntent;
  text: string | Uint8Array;
}

/**
 * @param sourceOf the refused intent's source, by intent id
 * @param ownerFileOf where the owning intent is written (`intents/<id>.json`), for the message
 */
export function ownershipProblems(
  conflicts: readonly OwnershipConflict[],
  sourceOf: (intentId: string) => ConflictingSource | undefined,
  ownerFileOf: (intentId: string) => string | undefined,
): Problem[] {
  return conflicts.map((c) => {
    const source = sourceOf(c.intentId);
    const ownerFile = ownerFileOf(c.owner);
    const message =
      `${c.object.subject} on site ${c.site} is already rendered by ${c.site}/${c.owner}` +
      `${ownerFile ? ` (${ownerFile})` : ""}; ${c.site}/${c.intentId} renders it too: an object belongs to ` +
      "one intent only (give it another name, or change it in the intent that owns it)";
    if (!source) return { code: OWNERSHIP_CONFLICT, pointer: "", message };
    const converted = source.compiled.spec.converted !== undefined;
    return {
      code: OWNERSHIP_CONFLICT,
      pointer: pointerOfConflict(c, source),
      message,
      file: converted ? `${source.file} (as converted to TMF921)` : source.file,
    };
  });
}

function pointerOfConflict(c: OwnershipConflict, source: ConflictingSource): string {
  const expectationId = c.object.expectationIds[0];
  const attribute =
    c.object.kind === "Namespace"
      ? "namespace"
      : c.object.kind === "DNSRecord" || c.object.kind === "DNSEndpoint" || c.object.kind === "RecordSet"
        ? "dnsName"
        : "applicationName";
  // A namespace nobody gave is the intent id.
  if (attribute === "namespace" && !setsAttribute(source, expectationId, attribute)) {
    const known = source.compiled.spec.intent.intentExpectations.some(
      (e) => e.expectationId === expectationId,
    );
    if (known) return pointerOf("id");
  }
  return locateIntentParam(source, expectationId, attribute);
}
