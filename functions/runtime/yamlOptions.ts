/**
 * The pinned YAML options every reader and writer of KRM in this project uses, and the quoting rule
 * that keeps strings strings for every YAML reader Kubernetes tools use (YAML 1.1 as well as 1.2).
 */
import { type Document, isScalar, type Node, type Scalar, visit } from "yaml";

/** Parse options: YAML 1.2 core schema, unique keys, no anchors expanded into shared objects. */
export const PARSE_OPTIONS = {
  version: "1.2",
  uniqueKeys: true,
  strict: true,
  prettyErrors: false,
  keepSourceTokens: false,
} as const;

/**
 * Stringify options. `lineWidth: 0` never folds long strings; `indentSeq: false` writes sequences in the
 * compact style of kubectl and kyaml; `aliasDuplicateObjects: false` never writes anchors or aliases.
 */
export const STRINGIFY_OPTIONS = {
  lineWidth: 0,
  minContentWidth: 0,
  indent: 2,
  indentSeq: false,
  aliasDuplicateObjects: false,
  defaultStringType: "PLAIN",
  defaultKeyType: "PLAIN",
  nullStr: "null",
  trueStr: "true",
  falseStr: "false",
  doubleQuotedAsJSON: false,
} as const;

// YAML 1.1 readers (yaml.v2, PyYAML, old kubectl) read these as booleans, nulls, numbers or dates, so
// such strings are quoted even though YAML 1.2 would read some of them back as strings.
const AMBIGUOUS_WORD = /^(?:y|n|yes|no|on|off|true|false|null|~|<<|=|[-+]?\.(?:inf|nan))$/i;
const NUMBER_LIKE = /^[-+]?\.?[0-9][0-9a-fA-FxXoObB_:.eE+-]*$/;
const DATE_LIKE = /^\d{4}-\d{1,2}-\d{1,2}/;

/** True when a plain (unquoted) rendering of `value` could be read back as something other than it. */
export function isAmbiguousString(value: string): boolean {
  return value === "" || AMBIGUOUS_WORD.test(value) || NUMBER_LIKE.test(value) || DATE_LIKE.test(value);
}

/** Marks a string scalar as double-quoted when its plain form would be ambiguous. */
export function quoteIfAmbiguous(node: Scalar): void {
  if (typeof node.value !== "string") return;
  if (node.type === "PLAIN" || node.type === undefined) {
    if (isAmbiguousString(node.value)) node.type = "QUOTE_DOUBLE";
  }
}

/** Applies `quoteIfAmbiguous` to every scalar (keys too) under `root`, in place. */
export function quoteAmbiguousScalars(root: Document | Node): void {
  visit(root, {
    Scalar(_key, node) {
      quoteIfAmbiguous(node);
    },
  });
}

/** Narrow helper so callers need not import `isScalar` just for this. */
export function isStringScalar(node: unknown): node is Scalar<string> {
  return isScalar(node) && typeof node.value === "string";
}
