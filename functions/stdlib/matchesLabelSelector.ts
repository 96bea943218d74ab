/**
 * Kubernetes label-selector strings, as `labelSelector` / `annotationSelector` in kustomize selectors
 * use them: comma-separated requirements `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`.
 */
import { FunctionConfigError } from "../runtime/errors.js";

type Requirement = (map: Readonly<Record<string, string>>) => boolean;

function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const c of selector) {
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (c === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

function parseRequirement(text: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (set) {
    const [, key, op, list] = set as unknown as [string, string, string, string];
    const values = new Set(list.split(",").map((v) => v.trim()));
    return op === "in"
      ? (m) => key in m && values.has(m[key] as string)
      : (m) => !(key in m) || !values.has(m[key] as string);
  }
  const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(text);
  if (eq) {
    const [, key, op, value] = eq as unknown as [string, string, string, string];
    return op === "!=" ? (m) => m[key] !== value : (m) => key in m && m[key] === value;
  }
  if (/^![^\s!=]+$/.test(text)) return (m) => !(text.slice(1) in m);
  if (/^[^\s!=(),]+$/.test(text)) return (m) => text in m;
  throw new FunctionConfigError(`invalid selector requirement "${text}"`);
}

/**
 * True when `map` satisfies every requirement of `selector` (an empty selector matches everything).
 *
 * @example matchesLabelSelector("app=web,tier!=db", { app: "web" }) === true
 */
export function matchesLabelSelector(
  selector: string,
  map: Readonly<Record<string, string>> | undefined,
): boolean {
  return splitTopLevel(selector)
    .map(parseRequirement)
    .every((req) => req(map ?? {}));
}
