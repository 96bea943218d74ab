/**
 * The data shapes of the KRM Functions Specification v1 and of kpt's `FunctionResultList`.
 *
 * Objects are plain JSON values so functions stay fast and easy to test; comments and formatting are
 * kept beside them (see `sourceNode.ts`) and merged back when the objects are written.
 */

/** Kubernetes object metadata, as functions see it. */
export interface KrmMetadata {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** One Kubernetes Resource Model object. */
export interface KrmObject {
  apiVersion: string;
  kind: string;
  metadata: KrmMetadata;
  [key: string]: unknown;
}

/** `error` fails the function; `warning` and `info` are reported. Never `warn`. */
export type Severity = "error" | "warning" | "info";

/** Identifies the object a result is about. */
export interface ResourceRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** The field a result is about, with the value found and the value proposed. */
export interface FieldRef {
  path: string;
  currentValue?: unknown;
  proposedValue?: unknown;
}

/** The file (and document index in it) a result is about. */
export interface FileRef {
  path: string;
  index?: number;
}

/** One structured finding of a function. */
export interface Result {
  message: string;
  severity?: Severity;
  resourceRef?: ResourceRef;
  field?: FieldRef;
  file?: FileRef;
  tags?: Record<string, string>;
}

/** `config.kubernetes.io/v1` `ResourceList`: the whole input and output of a function. */
export interface ResourceList {
  apiVersion: "config.kubernetes.io/v1";
  kind: "ResourceList";
  items: KrmObject[];
  functionConfig?: KrmObject;
  results?: Result[];
}

/**
 * A KRM function. Findings go into `results` (severity `error` fails the step); operational failures
 * (bad config, a bug) are thrown errors. Two channels, never three.
 *
 * @example
 * const addTeam: KrmFunction = (rl) => ({ ...rl, items: rl.items.map(o => ({...o, metadata: {...o.metadata, labels: {team: "a"}}})) });
 */
export type KrmFunction = (rl: ResourceList) => ResourceList | Promise<ResourceList>;

/** One entry of a `FunctionResultList`: what one function run produced. */
export interface FunctionResult {
  image?: string;
  exec?: string;
  stderr?: string;
  exitCode: number;
  results?: Result[];
}

/** `kpt.dev/v1` `FunctionResultList`, as written to `results.yaml` by `kpt fn render --results-dir`. */
export interface FunctionResultList {
  apiVersion: "kpt.dev/v1";
  kind: "FunctionResultList";
  metadata: { name: "fnresults" };
  exitCode: number;
  items: FunctionResult[];
}
