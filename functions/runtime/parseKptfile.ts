/**
 * Parses and validates a `kpt.dev/v1` Kptfile: package name and the pipeline (mutators, validators),
 * each function with `image` or `exec`, `configPath` or `configMap`, `selectors`, `exclude` and `name`.
 */
import { pointerOf } from "../../compiler/canonicalJson.js";
import { KptfileError } from "./errors.js";

/** Matches objects as kpt does: every field that is set must match; labels/annotations are subsets. */
export interface Selector {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** One pipeline step. Exactly one of `image` and `exec` is set. */
export interface FunctionSpec {
  image?: string;
  exec?: string;
  configPath?: string;
  configMap?: Record<string, string>;
  name?: string;
  selectors: Selector[];
  exclude: Selector[];
}

/** A validated Kptfile. */
export interface Kptfile {
  name: string;
  pipeline: { mutators: FunctionSpec[]; validators: FunctionSpec[] };
  /** The whole object as read, for callers that need other fields (info, upstream, inventory). */
  raw: Record<string, unknown>;
}

const FUNCTION_KEYS = new Set([
  "image",
  "exec",
  "configPath",
  "configMap",
  "name",
  "tag",
  "selectors",
  "exclude",
]);
const SELECTOR_KEYS = new Set(["apiVersion", "kind", "name", "namespace", "labels", "annotations"]);

type Fail = (pointer: string, message: string) => never;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function stringMap(value: unknown, pointer: string, fail: Fail): Record<string, string> {
  if (!isRecord(value)) fail(pointer, "must be a mapping of strings");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    // Go's map[string]string accepts any scalar; numbers and booleans become their text.
    if (v === null || typeof v === "object") fail(pointerOf(...pathOf(pointer), k), "must be a scalar");
    out[k] = String(v);
  }
  return out;
}

function pathOf(pointer: string): string[] {
  return pointer.split("/").slice(1);
}

function optionalString(obj: Record<string, unknown>, key: string, pointer: string, fail: Fail) {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") fail(`${pointer}/${key}`, "must be a string");
  return v as string;
}

function parseSelector(value: unknown, pointer: string, fail: Fail): Selector {
  if (!isRecord(value)) fail(pointer, "selector must be a mapping");
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw))
    if (!SELECTOR_KEYS.has(key)) fail(`${pointer}/${key}`, "unknown selector field");
  const selector: Selector = {};
  for (const key of ["apiVersion", "kind", "name", "namespace"] as const) {
    const v = optionalString(raw, key, pointer, fail);
    if (v) selector[key] = v;
  }
  if (raw["labels"] !== undefined) selector.labels = stringMap(raw["labels"], `${pointer}/labels`, fail);
  if (raw["annotations"] !== undefined) {
    selector.annotations = stringMap(raw["annotations"], `${pointer}/annotations`, fail);
  }
  return selector;
}

function parseSelectors(value: unknown, pointer: string, fail: Fail): Selector[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(pointer, "must be a list of selectors");
  return (value as unknown[]).map((s, i) => parseSelector(s, `${pointer}/${i}`, fail));
}

function parseFunction(value: unknown, pointer: string, fail: Fail): FunctionSpec {
  if (!isRecord(value)) fail(pointer, "function must be a mapping");
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw))
    if (!FUNCTION_KEYS.has(key)) fail(`${pointer}/${key}`, "unknown function field");
  const image = optionalString(raw, "image", pointer, fail);
  const exec = optionalString(raw, "exec", pointer, fail);
  if (!image && !exec) fail(pointer, "must specify `image` or `exec`");
  if (image && exec) fail(pointer, "must not specify both `image` and `exec`");
  const configPath = optionalString(raw, "configPath", pointer, fail);
  if (configPath !== undefined && raw["configMap"] !== undefined) {
    fail(pointer, "must not specify both `configPath` and `configMap`");
  }
  if (configPath !== undefined) {
    const clean = configPath.replace(/^\.\//, "");
    if (clean === "" || clean.startsWith("/") || clean.split("/").includes("..")) {
      fail(`${pointer}/configPath`, "must be a path inside the package");
    }
  }
  const spec: FunctionSpec = {
    selectors: parseSelectors(raw["selectors"], `${pointer}/selectors`, fail),
    exclude: parseSelectors(raw["exclude"], `${pointer}/exclude`, fail),
  };
  if (image) spec.image = image;
  if (exec) spec.exec = exec;
  if (configPath !== undefined) spec.configPath = configPath.replace(/^\.\//, "");
  if (raw["configMap"] !== undefined)
    spec.configMap = stringMap(raw["configMap"], `${pointer}/configMap`, fail);
  const name = optionalString(raw, "name", pointer, fail);
  if (name) spec.name = name;
  return spec;
}

function parseList(value: unknown, pointer: string, fail: Fail): FunctionSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(pointer, "must be a list of functions");
  return (value as unknown[]).map((f, i) => parseFunction(f, `${pointer}/${i}`, fail));
}

/**
 * Validates a Kptfile object (already parsed from YAML). Throws `KptfileError` (code `E_KPTFILE_INVALID`)
 * with a JSON pointer to the first problem.
 *
 * @example parseKptfile({ apiVersion: "kpt.dev/v1", kind: "Kptfile", metadata: { name: "app" } }, "Kptfile").pipeline.mutators // []
 */
export function parseKptfile(value: unknown, file = "Kptfile"): Kptfile {
  const fail: Fail = (pointer, message) => {
    throw new KptfileError(file, pointer, message);
  };
  if (!isRecord(value)) fail("", "Kptfile must be a mapping");
  const raw = value as Record<string, unknown>;
  if (raw["kind"] !== "Kptfile") fail("/kind", "must be Kptfile");
  if (raw["apiVersion"] !== "kpt.dev/v1")
    fail("/apiVersion", `must be kpt.dev/v1, got ${String(raw["apiVersion"])}`);
  const metadata = raw["metadata"];
  const name = isRecord(metadata) && typeof metadata["name"] === "string" ? metadata["name"] : "";
  const pipeline = raw["pipeline"];
  if (pipeline !== undefined && pipeline !== null && !isRecord(pipeline))
    fail("/pipeline", "must be a mapping");
  const pl = (pipeline ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(pl)) {
    if (key !== "mutators" && key !== "validators") fail(`/pipeline/${key}`, "unknown pipeline field");
  }
  return {
    name,
    pipeline: {
      mutators: parseList(pl["mutators"], "/pipeline/mutators", fail),
      validators: parseList(pl["validators"], "/pipeline/validators", fail),
    },
    raw,
  };
}
