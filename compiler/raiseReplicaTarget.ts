/**
 * raiseReplicaTarget: the `scale` action of an SLO breach, as a new intent revision. The replica target
 * (`io:replicas`, `io:minReplicas`) of the intent's delivery is raised by half (at least one), within
 * `io:maxReplicas` when the intent sets one, and the TMF921 `version` gets a `-scaleN` suffix, so the
 * change goes through Git like any other revision instead of patching the cluster behind its back.
 * Pure: text in, text out.
 */
import { isRecord, NameResolver } from "./jsonLdProfile.js";
import { parseJsonSafely } from "./parseJsonSafely.js";

export interface RaisedTarget {
  text: string;
  from: number;
  to: number;
  version: string;
}

const MAX_REPLICAS = 1000;

/**
 * @returns the new intent text, or undefined when there is no headroom (already at `io:maxReplicas`)
 *   or no replica target to raise
 * @example raiseReplicaTarget(text)?.to // 3 → 5
 */
export function raiseReplicaTarget(text: string): RaisedTarget | undefined {
  const parsed = parseJsonSafely(text);
  if (!parsed.ok || !isRecord(parsed.value)) return undefined;
  const intent = structuredClone(parsed.value);
  const expression = intent.expression;
  if (!isRecord(expression) || !isRecord(expression.expressionValue)) return undefined;
  const value = expression.expressionValue;
  const resolver = new NameResolver(isRecord(value["@context"]) ? value["@context"] : {});
  const params = findReplicaParams(value, resolver);
  if (!params) return undefined;

  const key = (name: string) => Object.keys(params).find((k) => resolver.canonical(k) === name);
  const read = (name: string) => {
    const k = key(name);
    const v = k === undefined ? undefined : params[k];
    return typeof v === "number" && Number.isInteger(v) ? v : undefined;
  };
  const replicas = read("io:replicas");
  const min = read("io:minReplicas");
  const max = read("io:maxReplicas") ?? MAX_REPLICAS;
  const from = min ?? replicas;
  if (from === undefined) return undefined;
  const to = Math.min(max, from + Math.max(1, Math.ceil(from / 2)));
  if (to <= from) return undefined;
  for (const name of ["io:replicas", "io:minReplicas"]) {
    const k = key(name);
    if (k !== undefined) params[k] = to;
  }
  const previous = typeof intent.version === "string" ? intent.version : "1";
  const match = /^(.*)-scale(\d+)$/.exec(previous);
  const version = match ? `${match[1]}-scale${Number(match[2]) + 1}` : `${previous}-scale1`;
  intent.version = version;
  return { text: `${JSON.stringify(intent, null, 2)}\n`, from, to, version };
}

/** The `icm:params` object of the delivery that carries a replica target. */
function findReplicaParams(node: unknown, resolver: NameResolver): Record<string, unknown> | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findReplicaParams(item, resolver);
      if (found) return found;
    }
    return undefined;
  }
  if (!isRecord(node)) return undefined;
  const names = Object.keys(node).map((k) => resolver.canonical(k));
  if (names.includes("io:replicas") || names.includes("io:minReplicas")) return node;
  for (const child of Object.values(node)) {
    const found = findReplicaParams(child, resolver);
    if (found) return found;
  }
  return undefined;
}
