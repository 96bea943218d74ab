/**
 * What counts as a change. Server-maintained fields (managedFields, resourceVersion, generation, uid,
 * creationTimestamp, status) are dropped before comparing a dry-run result with the live object, and the
 * cheap no-op check projects the live object onto the fields we set.
 */
import { isDeepStrictEqual } from "node:util";
import type { KrmObject } from "../../functions/runtime/types.js";

type Obj = Record<string, unknown>;

const SERVER_METADATA = ["managedFields", "resourceVersion", "generation", "creationTimestamp", "uid"];

/** A copy of `obj` without the fields the server maintains; used for comparisons and diffs. */
export function normalizeLive(obj: Obj): Obj {
  const { status: _status, metadata, ...rest } = obj;
  const meta = { ...((metadata as Obj | undefined) ?? {}) };
  for (const key of SERVER_METADATA) delete meta[key];
  return { ...rest, metadata: meta };
}

/** True when applying would not change the object: dry-run result and live agree outside server fields. */
export function sameObject(dryRun: Obj, live: Obj): boolean {
  return isDeepStrictEqual(normalizeLive(dryRun), normalizeLive(live));
}

/**
 * The live value restricted to the shape of `desired`: maps keep only the keys `desired` has, arrays are
 * compared element by element (a different length is returned whole, so it never matches). When
 * `projectOnto(live, desired)` deep-equals `desired`, every field we set still has our value.
 */
export function projectOnto(live: unknown, desired: unknown): unknown {
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return live;
    return desired.map((d, i) => projectOnto(live[i], d));
  }
  if (desired && typeof desired === "object") {
    if (!live || typeof live !== "object" || Array.isArray(live)) return live;
    const out: Obj = {};
    for (const key of Object.keys(desired)) {
      if (key in (live as Obj)) out[key] = projectOnto((live as Obj)[key], (desired as Obj)[key]);
    }
    return out;
  }
  return live;
}

/** True when every field of `desired` has the same value in `live` (extra live fields are ignored). */
export function liveHasDesiredFields(live: Obj, desired: KrmObject): boolean {
  return isDeepStrictEqual(projectOnto(live, desired), desired);
}
