/**
 * diffPackages: the objects of one (site, intent) package at base and at head → the object-level change
 * set (added / changed / removed, with a unified YAML diff each), sorted by group, kind, namespace, name.
 * Only objects a site applies are compared: the Kptfile and README are packaging, not changes to a site.
 */

import { formatObject } from "../../functions/runtime/formatObject.js";
import type { KrmObject } from "../../functions/runtime/types.js";
import { compareRefs, type ObjectRef, refKey, refOf, subjectOfRef } from "../reconcile/objectRef.js";
import { unifiedDiff } from "../reconcile/unifiedDiff.js";
import type { ObjectChange } from "./reviewTypes.js";

/** @example diffPackages(basePkg?.objects ?? [], headPkg?.objects ?? [], "edge1/analytics") */
export function diffPackages(
  base: readonly KrmObject[],
  head: readonly KrmObject[],
  packageSubject: string,
): ObjectChange[] {
  const before = new Map(base.map((o) => [refKey(refOf(o)), o]));
  const after = new Map(head.map((o) => [refKey(refOf(o)), o]));
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  const changes: Array<ObjectChange & { ref: ObjectRef }> = [];
  for (const key of keys) {
    const a = before.get(key);
    const b = after.get(key);
    const ref = refOf((b ?? a)!);
    const subject = subjectOfRef(ref);
    const aText = a ? formatObject(a) : "";
    const bText = b ? formatObject(b) : "";
    if (a && b && aText === bText) continue;
    const name = `${packageSubject}/${subject}`;
    changes.push({
      ref,
      subject,
      apiVersion: (b ?? a)!.apiVersion,
      action: !a ? "added" : !b ? "removed" : "changed",
      diff: unifiedDiff(aText, bText, a ? `base/${name}` : "/dev/null", b ? `head/${name}` : "/dev/null"),
    });
  }
  changes.sort((x, y) => compareRefs(x.ref, y.ref));
  return changes.map(({ ref: _ref, ...change }) => change);
}
