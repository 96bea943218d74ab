/**
 * apply-setters: sets fields marked with a `# kpt-set: <pattern>` line comment, where the pattern names
 * setters as `${name}` (`${image}:${tag}` combines several). A comment on a sequence (after its key, or
 * on a flow sequence) replaces the whole list with the setter's value, itself a YAML list
 * (`[a, b]` or `- a\n- b`). Config: ConfigMap `data` (setter → value) or `ApplySetters` with
 * `setters: [{name, value}]`. Setter comments are read from the YAML the objects came from.
 */
import { isDocument, isMap, isScalar, isSeq, type Node, parse } from "yaml";
import { FunctionConfigError } from "../runtime/errors.js";
import { sourceOf } from "../runtime/sourceNode.js";
import type { KrmFunction, KrmObject, ResourceList, Result } from "../runtime/types.js";
import { readFunctionConfig, refOf } from "./readFunctionConfig.js";

// Only the documented form `# kpt-set: <pattern>` (the parser hands over the text after `#`).
const MARKER = /^ kpt-set: (\S.*?)\s*$/;
const SETTER_REF = /\$\{([^}]+)\}/g;

function readSetters(rl: ResourceList): Map<string, string> {
  const cfg = readFunctionConfig(rl, "apply-setters", ["ApplySetters"]);
  if (cfg.configMap) return new Map(Object.entries(cfg.data));
  const list = cfg.object["setters"];
  if (!Array.isArray(list))
    throw new FunctionConfigError("apply-setters: `setters` must be a list of {name, value}");
  const setters = new Map<string, string>();
  list.forEach((s, i) => {
    const name = (s as Record<string, unknown>)?.["name"];
    const value = (s as Record<string, unknown>)?.["value"];
    if (typeof name !== "string" || name === "")
      throw new FunctionConfigError(`apply-setters: setters[${i}].name is required`);
    setters.set(name, value === undefined || value === null ? "" : String(value));
  });
  return setters;
}

/** The setter names a pattern uses, in order. */
function namesIn(pattern: string): string[] {
  return [...pattern.matchAll(SETTER_REF)].map((m) => m[1] as string);
}

function markerOf(comment: string | null | undefined): string | undefined {
  if (!comment) return undefined;
  // A comment block may hold other lines; the marker is the last line that is one.
  const lines = comment
    .split("\n")
    .map((l) => MARKER.exec(l)?.[1])
    .filter((m): m is string => !!m);
  return lines[lines.length - 1];
}

/** Keeps the field's type: a number stays a number, a boolean a boolean, when the new text is one. */
function typedLike(current: unknown, text: string): unknown {
  if (typeof current === "number" && text.trim() !== "" && Number.isFinite(Number(text))) return Number(text);
  if (typeof current === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

function parseList(text: string, setter: string): unknown[] {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new FunctionConfigError(`apply-setters: setter "${setter}" is not a YAML list`, { cause: error });
  }
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value))
    throw new FunctionConfigError(`apply-setters: setter "${setter}" must be a list for a list field`);
  return value;
}

type Visit = (path: (string | number)[], pattern: string, kind: "scalar" | "seq") => void;

function walk(node: Node | null | undefined, path: (string | number)[], visit: Visit): void {
  if (!node) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      const value = pair.value as Node | null;
      if (isSeq(value)) {
        // `key: # kpt-set: ${x}` (block list) or `key: [a, b] # kpt-set: ${x}` (flow list).
        const marker =
          markerOf((pair.key as Node).comment) ?? (value.flow ? markerOf(value.comment) : undefined);
        if (marker) visit([...path, key], marker, "seq");
      } else if (isScalar(value)) {
        const marker = markerOf(value.comment);
        if (marker) visit([...path, key], marker, "scalar");
      }
      walk(value, [...path, key], visit);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      if (isScalar(item)) {
        const marker = markerOf(item.comment);
        if (marker) visit([...path, i], marker, "scalar");
      } else walk(item as Node, [...path, i], visit);
    });
  }
}

function getAt(
  obj: unknown,
  path: readonly (string | number)[],
): { parent: Record<string | number, unknown>; key: string | number } | undefined {
  let cur = obj as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const next = cur?.[path[i] as string | number];
    if (next === null || typeof next !== "object") return undefined;
    cur = next as Record<string | number, unknown>;
  }
  const key = path[path.length - 1] as string | number;
  return cur && key in cur ? { parent: cur, key } : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The values of the setters a pattern uses, taken from the config or, for those it does not give,
 * read back out of the field's current value (`nginx:1.1` under `${image}:${tag}` gives image=nginx),
 * so a pattern with only some of its setters given still updates its part. `undefined` when a
 * missing setter cannot be read back.
 */
function valuesFor(pattern: string, names: string[], setters: Map<string, string>, current: unknown) {
  const values = new Map<string, string>();
  for (const n of names) if (setters.has(n)) values.set(n, setters.get(n) as string);
  if (values.size === new Set(names).size) return values;
  if (current === null || typeof current === "object") return undefined;
  const seen = new Set<string>();
  const source = pattern
    .split(SETTER_REF)
    .map((part, i) => {
      if (i % 2 === 0) return escapeRegExp(part);
      if (seen.has(part)) return `\\k<s${names.indexOf(part)}>`;
      seen.add(part);
      return `(?<s${names.indexOf(part)}>.*?)`;
    })
    .join("");
  const match = new RegExp(`^${source}$`, "s").exec(String(current));
  if (!match?.groups) return undefined;
  for (const n of names) if (!values.has(n)) values.set(n, match.groups[`s${names.indexOf(n)}`] ?? "");
  return values;
}

function applyTo(obj: KrmObject, setters: Map<string, string>, results: Result[]): void {
  const source = sourceOf(obj);
  const root = source && isDocument(source) ? (source.contents as Node | null) : (source as Node | undefined);
  walk(root, [], (path, pattern, kind) => {
    const names = namesIn(pattern);
    if (names.length === 0 || !names.some((n) => setters.has(n))) return;
    const at = getAt(obj, path);
    if (!at) return;
    const current = at.parent[at.key];
    let proposed: unknown;
    if (kind === "seq") {
      if (names.length !== 1 || pattern !== `\${${names[0]}}`) {
        results.push({
          message: `apply-setters: a list field takes exactly one setter as its whole pattern, got "${pattern}"`,
          severity: "error",
          resourceRef: refOf(obj),
          field: { path: path.join(".") },
        });
        return;
      }
      proposed = parseList(setters.get(names[0] as string) ?? "", names[0] as string);
    } else {
      const values = valuesFor(pattern, names, setters, current);
      if (!values) return;
      proposed = typedLike(
        current,
        pattern.replace(SETTER_REF, (_m, n: string) => values.get(n) ?? ""),
      );
    }
    if (JSON.stringify(current) === JSON.stringify(proposed)) return;
    at.parent[at.key] = proposed;
    results.push({
      message: `set field value to ${JSON.stringify(proposed)}`,
      severity: "info",
      resourceRef: refOf(obj),
      field: { path: path.join("."), currentValue: current, proposedValue: proposed },
    });
  });
}

/**
 * The apply-setters function.
 *
 * @example await applySetters({ ...rl, functionConfig: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "s" }, data: { replicas: "4" } } })
 */
export const applySetters: KrmFunction = (rl: ResourceList) => {
  const setters = readSetters(rl);
  const results: Result[] = [...(rl.results ?? [])];
  for (const obj of rl.items) applyTo(obj, setters, results);
  return { ...rl, results };
};
