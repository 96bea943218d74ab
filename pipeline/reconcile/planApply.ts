/**
 * The apply order, written down as one list (`STAGES`), and the `config.kubernetes.io/depends-on` graph.
 *
 * Objects are ordered by stage, then by group/kind/namespace/name; a depends-on edge may pull an object
 * ahead of that order (a topological sort that prefers the stage order), and a cycle is an error naming
 * it. The plan is a list of waves: the objects of one wave share a stage and do not depend on each other,
 * so a wave can be applied concurrently; waves run one after the other.
 */
import type { KrmObject } from "../../functions/runtime/types.js";
import { compareRefs, type ObjectRef, refKey, refOf, subjectOfRef } from "./objectRef.js";
import { DependencyCycleError, DependsOnSyntaxError } from "./reconcileErrors.js";

export const DEPENDS_ON_ANNOTATION = "config.kubernetes.io/depends-on";

export type StageName = "crds" | "namespaces" | "cluster-scoped" | "namespaced";

/** Apply order. Prune runs it backwards: namespaced objects first, CRDs last. */
export const STAGES: ReadonlyArray<{ name: StageName; matches: (ref: ObjectRef) => boolean }> = [
  {
    name: "crds",
    matches: (r) => r.group === "apiextensions.k8s.io" && r.kind === "CustomResourceDefinition",
  },
  { name: "namespaces", matches: (r) => r.group === "" && r.kind === "Namespace" },
  { name: "cluster-scoped", matches: (r) => r.namespace === "" },
  { name: "namespaced", matches: () => true },
];

export function stageOf(ref: ObjectRef): number {
  return STAGES.findIndex((s) => s.matches(ref));
}

export interface Wave {
  stage: StageName;
  /** Indexes into the planned objects, in order. */
  items: number[];
}

export interface ApplyPlan {
  /** Every object index in apply order. */
  order: number[];
  waves: Wave[];
  /** Indexes each object depends on (only dependencies inside the package; others are assumed present). */
  dependsOn: number[][];
}

/**
 * Parses one depends-on annotation: comma-separated `<group>/namespaces/<ns>/<kind>/<name>` (namespaced)
 * or `<group>/<kind>/<name>` (cluster-scoped); the core group is empty (`/namespaces/a/ConfigMap/b`).
 *
 * @example parseDependsOn("apps/namespaces/a/Deployment/web") // [{group:"apps", kind:"Deployment", namespace:"a", name:"web"}]
 */
export function parseDependsOn(value: string, subject: string): ObjectRef[] {
  const refs: ObjectRef[] = [];
  for (const raw of value.split(",")) {
    const text = raw.trim();
    if (text === "") continue;
    const parts = text.split("/");
    if (parts.length === 5 && parts[1] === "namespaces" && parts.slice(2).every((p) => p !== "")) {
      refs.push({ group: parts[0]!, namespace: parts[2]!, kind: parts[3]!, name: parts[4]! });
    } else if (parts.length === 3 && parts[1] !== "" && parts[2] !== "") {
      refs.push({ group: parts[0]!, namespace: "", kind: parts[1]!, name: parts[2]! });
    } else {
      throw new DependsOnSyntaxError(
        `${DEPENDS_ON_ANNOTATION}: "${text}" is neither <group>/namespaces/<namespace>/<kind>/<name> nor <group>/<kind>/<name>`,
        subject,
      );
    }
  }
  return refs;
}

/**
 * Plans the apply of `objects`. Throws `DependencyCycleError` (E_DEPENDENCY_CYCLE) for a cycle and
 * `DependsOnSyntaxError` for an unreadable annotation.
 *
 * @example planApply([namespace, crd, deployment]).order // [1, 0, 2]: CRD, then Namespace, then the rest
 */
export function planApply(objects: readonly KrmObject[]): ApplyPlan {
  const refs = objects.map(refOf);
  const index = new Map(refs.map((r, i) => [refKey(r), i]));
  const dependsOn = objects.map((obj, i) => {
    const value = obj.metadata.annotations?.[DEPENDS_ON_ANNOTATION];
    if (!value) return [];
    const found = parseDependsOn(value, subjectOfRef(refs[i]!))
      .map((r) => index.get(refKey(r)))
      .filter((j): j is number => j !== undefined && j !== i);
    return [...new Set(found)].sort((a, b) => a - b);
  });
  const stage = refs.map(stageOf);
  const rank = (a: number, b: number) => stage[a]! - stage[b]! || compareRefs(refs[a]!, refs[b]!) || a - b;

  // Kahn's algorithm; among ready objects the one earliest in stage order goes first.
  const dependents: number[][] = objects.map(() => []);
  const waiting = dependsOn.map((d) => d.length);
  dependsOn.forEach((deps, i) => {
    for (const d of deps) dependents[d]!.push(i);
  });
  const ready = objects.map((_, i) => i).filter((i) => waiting[i] === 0);
  const order: number[] = [];
  while (ready.length > 0) {
    ready.sort(rank);
    const next = ready.shift()!;
    order.push(next);
    for (const j of dependents[next]!) if (--waiting[j]! === 0) ready.push(j);
  }
  if (order.length < objects.length) {
    const placed = new Set(order);
    throw new DependencyCycleError(findCycle(dependsOn, placed).map((i) => subjectOfRef(refs[i]!)));
  }

  const waves: Wave[] = [];
  const waveOf = new Map<number, number>();
  for (const i of order) {
    const current = waves[waves.length - 1];
    const name = STAGES[stage[i]!]!.name;
    const needsNew =
      !current || current.stage !== name || dependsOn[i]!.some((d) => waveOf.get(d) === waves.length - 1);
    if (needsNew) waves.push({ stage: name, items: [] });
    waves[waves.length - 1]!.items.push(i);
    waveOf.set(i, waves.length - 1);
  }
  return { order, waves, dependsOn };
}

/** One cycle among the objects Kahn's algorithm could not place, smallest index first. */
function findCycle(dependsOn: readonly number[][], placed: ReadonlySet<number>): number[] {
  const state = new Map<number, "open" | "done">();
  const stack: number[] = [];
  const visit = (i: number): number[] | null => {
    state.set(i, "open");
    stack.push(i);
    for (const d of dependsOn[i]!) {
      if (placed.has(d)) continue;
      if (state.get(d) === "open") return stack.slice(stack.indexOf(d));
      if (!state.has(d)) {
        const found = visit(d);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(i, "done");
    return null;
  };
  for (let i = 0; i < dependsOn.length; i++) {
    if (placed.has(i) || state.has(i)) continue;
    const cycle = visit(i);
    if (cycle) {
      const start = cycle.indexOf(Math.min(...cycle));
      return [...cycle.slice(start), ...cycle.slice(0, start)];
    }
  }
  return [];
}

/** Transitive dependents of `failed` (objects that must be skipped because something they need failed). */
export function dependentsOf(plan: ApplyPlan, failed: number): number[] {
  const out = new Set<number>();
  const queue = [failed];
  while (queue.length > 0) {
    const f = queue.shift()!;
    plan.dependsOn.forEach((deps, i) => {
      if (deps.includes(f) && !out.has(i)) {
        out.add(i);
        queue.push(i);
      }
    });
  }
  return [...out].sort((a, b) => a - b);
}
