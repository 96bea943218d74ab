/**
 * kustomize field paths, as replacements use them: `spec.template.spec.containers.[name=app].image`.
 * Segments are split on dots outside brackets; `[k=v]` picks list elements whose `k` is `v`;
 * a number picks a list index; `*` picks every list element; `[a.b]` is a key containing dots.
 */
import { FunctionConfigError } from "../runtime/errors.js";

type Segment = { key: string } | { match: [string, string] } | { index: number } | { all: true };

/** Parses a field path into segments; throws `FunctionConfigError` on a malformed path. */
export function parseFieldPath(path: string): Segment[] {
  const raw: string[] = [];
  let cur = "";
  let depth = 0;
  for (const c of path) {
    if (c === "[") depth++;
    if (c === "]") depth--;
    if (c === "." && depth === 0) {
      raw.push(cur);
      cur = "";
    } else cur += c;
  }
  raw.push(cur);
  if (depth !== 0 || raw.some((s) => s === "")) throw new FunctionConfigError(`invalid fieldPath "${path}"`);
  return raw.map((s) => {
    if (s.startsWith("[") && s.endsWith("]")) {
      const body = s.slice(1, -1);
      const eq = body.indexOf("=");
      return eq > 0 ? { match: [body.slice(0, eq), body.slice(eq + 1)] as [string, string] } : { key: body };
    }
    if (s === "*") return { all: true as const };
    if (/^\d+$/.test(s)) return { index: Number(s) };
    return { key: s };
  });
}

type Container = Record<string, unknown> | unknown[];

/** A location found: set the value with `container[key] = value`. */
export interface FieldLocation {
  container: Container;
  key: string | number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Finds every location `path` names in `root`. With `create`, missing map keys (and list elements
 * named by `[k=v]`) are created along the way, as kustomize's `create: true` does.
 *
 * @example findFields(deploy, "spec.replicas", false)[0]
 */
export function findFields(root: unknown, path: string, create: boolean): FieldLocation[] {
  const segments = parseFieldPath(path);
  let frontier: FieldLocation[] = [{ container: { root } as Record<string, unknown>, key: "root" }];
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    const next: FieldLocation[] = [];
    for (const loc of frontier) {
      let value = (loc.container as Record<string | number, unknown>)[loc.key];
      if ("key" in seg) {
        if (value === undefined || value === null) {
          if (!create) continue;
          value = {};
          (loc.container as Record<string | number, unknown>)[loc.key] = value;
        }
        if (!isRecord(value)) continue;
        if (!last && (value[seg.key] === undefined || value[seg.key] === null) && !create) continue;
        if (last && !(seg.key in value) && !create) continue;
        next.push({ container: value, key: seg.key });
      } else {
        if (value === undefined || value === null) {
          if (!create || !("match" in seg)) continue;
          value = [];
          (loc.container as Record<string | number, unknown>)[loc.key] = value;
        }
        if (!Array.isArray(value)) continue;
        if ("index" in seg) {
          if (seg.index < value.length) next.push({ container: value, key: seg.index });
        } else if ("all" in seg) {
          value.forEach((_v, j) => {
            next.push({ container: value as unknown[], key: j });
          });
        } else {
          const [k, v] = seg.match;
          let found = false;
          value.forEach((el, j) => {
            if (isRecord(el) && String(el[k]) === v) {
              next.push({ container: value as unknown[], key: j });
              found = true;
            }
          });
          if (!found && create) {
            value.push({ [k]: v });
            next.push({ container: value, key: value.length - 1 });
          }
        }
      }
    }
    frontier = next;
  });
  return frontier;
}
