/**
 * The purity scan of the pure core (compiler/, functions/): reads every file with the TypeScript compiler
 * API — imports from the syntax tree, globals through the type checker (so a local variable called `fetch`
 * is not the global one) — and lists what would make the output depend on anything but the input.
 *
 * The rules:
 * - imports only from the allow-list: relative modules inside compiler/ or functions/, JSON data under
 *   schemas/, the packages `yaml`, `ajv` and `ajv-formats` (and their subpaths), `handlebars`, `jsonld`
 *   (always called with a document loader that refuses every URL: test/compiler/rdf.test.ts), `n3` (its
 *   Turtle parser), `jsonc-parser` (its scanner), and `createHash` of `node:crypto` (hashing is a pure
 *   function). Everything else — `fs`, `child_process`, `http`, `os`,
 *   `worker_threads`, `vm`, … with or without `node:`, other packages, pipeline/ — is a violation, in
 *   `import`, `export … from`, `import()` and `require()` alike.
 * - no clock, randomness, environment, network or timers: the globals `process`, `performance`, `fetch`,
 *   `setTimeout` & co., `globalThis`/`global`, `crypto`, `require`, `eval`, `Intl` and a few more, and
 *   `Math.random`.
 * - `Date` only where it cannot read the clock or the local time zone: as a type (a time the shell passes
 *   in), `Date.UTC(…)`, and `new Date(<number>).toISOString()` (UTC formatting of a given instant).
 *   `Date.now()`, `new Date()`, `Date()`, `Date.parse` and `new Date(<string>)` (a string without an offset
 *   is read in the local time zone) are violations, as are the local-time methods on any Date value.
 */
import { dirname, relative, resolve, sep } from "node:path";
import ts from "typescript";

export interface Violation {
  file: string;
  line: number;
  rule: "import" | "global" | "date";
  text: string;
  why: string;
}

export interface ScanOptions {
  /** The directory compiler/, functions/ and schemas/ are in (the repository root). */
  root: string;
  /** Files to scan, absolute. */
  files: readonly string[];
  /** Where `@types/node` is found (the repository's `node_modules/@types`). */
  typeRoots: readonly string[];
  /**
   * Files allowed to touch `process` (the stdin/stdout wiring of the kpt exec binaries, which only read
   * the ResourceList and write the result): their other rules still apply.
   */
  processAllowed?: (file: string) => boolean;
}

const PACKAGES = new Set(["yaml", "ajv", "ajv-formats", "handlebars", "jsonld", "n3", "jsonc-parser"]);
const PACKAGE_PREFIXES = ["ajv/", "ajv-formats/"];
const CRYPTO_NAMES = new Set(["createHash"]);
const CORE_DIRS = ["compiler", "functions"];

const BANNED_GLOBALS = new Map<string, string>([
  ["process", "the environment, arguments and exit code belong to the shell: take them as arguments"],
  ["performance", "a clock: take times as arguments"],
  ["fetch", "the network belongs to the shell"],
  ["XMLHttpRequest", "the network belongs to the shell"],
  ["WebSocket", "the network belongs to the shell"],
  ["setTimeout", "a timer: the pure core does not wait"],
  ["setInterval", "a timer: the pure core does not wait"],
  ["setImmediate", "a timer: the pure core does not wait"],
  ["clearTimeout", "a timer: the pure core does not wait"],
  ["clearInterval", "a timer: the pure core does not wait"],
  ["clearImmediate", "a timer: the pure core does not wait"],
  ["queueMicrotask", "scheduling: the pure core does not defer work"],
  ["globalThis", "reaches every global (process, fetch, …) around the rules"],
  ["global", "reaches every global (process, fetch, …) around the rules"],
  ["crypto", "Web Crypto: random values and UUIDs"],
  ["require", "a module load around the import allow-list"],
  ["eval", "runs code the scan cannot see"],
  ["Function", "builds code the scan cannot see"],
  ["Intl", "locale- and time-zone-dependent formatting"],
  ["navigator", "the host environment"],
]);

/** Date methods whose result depends on the local time zone or locale. */
const LOCAL_TIME_METHODS = new Set([
  "getFullYear",
  "getYear",
  "getMonth",
  "getDate",
  "getDay",
  "getHours",
  "getMinutes",
  "getSeconds",
  "getMilliseconds",
  "getTimezoneOffset",
  "setFullYear",
  "setYear",
  "setMonth",
  "setDate",
  "setHours",
  "setMinutes",
  "setSeconds",
  "setMilliseconds",
  "toString",
  "toDateString",
  "toTimeString",
  "toLocaleString",
  "toLocaleDateString",
  "toLocaleTimeString",
]);

/** Scans `files` and returns every violation, sorted by file and line. */
export function scanPurity(options: ScanOptions): Violation[] {
  const program = ts.createProgram({
    rootNames: [...options.files],
    options: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ["lib.es2023.d.ts"],
      types: ["node"],
      typeRoots: [...options.typeRoots],
      strict: true,
      resolveJsonModule: true,
      noEmit: true,
      skipLibCheck: true,
    },
  });
  const checker = program.getTypeChecker();
  const out: Violation[] = [];
  for (const file of options.files) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`the TypeScript program did not load ${file}`);
    scanFile(source, checker, options, out);
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}

function scanFile(source: ts.SourceFile, checker: ts.TypeChecker, options: ScanOptions, out: Violation[]) {
  const file = relative(options.root, source.fileName).split(sep).join("/");
  const report = (node: ts.Node, rule: Violation["rule"], why: string) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    out.push({ file, line: line + 1, rule, text: node.getText(source).split("\n")[0]!.slice(0, 80), why });
  };
  const processAllowed = options.processAllowed?.(source.fileName) ?? false;

  const visit = (node: ts.Node): void => {
    // Types describe values the shell passes in; they run nothing.
    if (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) return;
    if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;

    const specifier = moduleSpecifierOf(node);
    if (specifier) {
      const why = checkImport(specifier.text, source.fileName, options.root, importedNames(node));
      if (why) report(node, "import", why);
    }
    if (ts.isIdentifier(node) && isValueReference(node)) {
      const name = node.text;
      if (isGlobal(node, checker)) {
        const why = BANNED_GLOBALS.get(name);
        if (why && !(name === "process" && processAllowed)) report(node, "global", `\`${name}\`: ${why}`);
        if (name === "Date") {
          const dateWhy = checkDateUse(node, checker);
          if (dateWhy) report(node.parent, "date", dateWhy);
        }
        if (name === "Math" && isMemberNamed(node, "random")) {
          report(node.parent, "global", "`Math.random`: randomness makes the output differ run to run");
        }
      }
    }
    if (
      ts.isPropertyAccessExpression(node) &&
      LOCAL_TIME_METHODS.has(node.name.text) &&
      isDateType(checker.getTypeAtLocation(node.expression))
    ) {
      report(node, "date", `\`.${node.name.text}\` depends on the local time zone or locale`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

/** The module an import, re-export, `import()` or `require()` names. */
function moduleSpecifierOf(node: ts.Node): ts.StringLiteralLike | null {
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
    return ts.isStringLiteralLike(node.moduleSpecifier) ? node.moduleSpecifier : null;
  }
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
    const e = node.moduleReference.expression;
    return ts.isStringLiteralLike(e) ? e : null;
  }
  if (ts.isCallExpression(node)) {
    const callee = node.expression;
    const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
    const isRequire = ts.isIdentifier(callee) && callee.text === "require";
    if (isImport || isRequire) {
      const arg = node.arguments[0];
      // A computed module name cannot be checked: it is a violation on its own.
      return arg && ts.isStringLiteralLike(arg) ? arg : ts.factory.createStringLiteral("<computed>");
    }
  }
  return null;
}

/** Named imports of an import declaration (`null`: default, namespace or side-effect import). */
function importedNames(node: ts.Node): string[] | null {
  if (!ts.isImportDeclaration(node)) return null;
  const clause = node.importClause;
  if (!clause || clause.name || !clause.namedBindings || !ts.isNamedImports(clause.namedBindings))
    return null;
  return clause.namedBindings.elements.map((e) => (e.propertyName ?? e.name).text);
}

function checkImport(spec: string, fromFile: string, root: string, names: string[] | null): string | null {
  if (spec.startsWith(".")) {
    const target = relative(root, resolve(dirname(fromFile), spec))
      .split(sep)
      .join("/");
    if (CORE_DIRS.some((d) => target.startsWith(`${d}/`))) return null;
    if (target.startsWith("schemas/") && target.endsWith(".json")) return null;
    return `\`${spec}\` resolves to ${target}, outside the pure core (compiler/, functions/, schemas/*.json)`;
  }
  if (PACKAGES.has(spec) || PACKAGE_PREFIXES.some((p) => spec.startsWith(p))) return null;
  if (spec === "node:crypto" || spec === "crypto") {
    if (names?.length && names.every((n) => CRYPTO_NAMES.has(n))) return null;
    return `\`${spec}\`: only \`createHash\` is allowed (random bytes and UUIDs are not pure)`;
  }
  return `\`${spec}\` is not on the pure core's import allow-list (effects belong to pipeline/)`;
}

/** An identifier that names a value (not a property name, declaration name, label or import name). */
function isValueReference(node: ts.Identifier): boolean {
  const p = node.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === node) return false;
  if (ts.isQualifiedName(p) && p.right === node) return false;
  if (
    (ts.isPropertyAssignment(p) ||
      ts.isPropertyDeclaration(p) ||
      ts.isPropertySignature(p) ||
      ts.isMethodDeclaration(p) ||
      ts.isMethodSignature(p) ||
      ts.isGetAccessorDeclaration(p) ||
      ts.isSetAccessorDeclaration(p) ||
      ts.isEnumMember(p) ||
      ts.isBindingElement(p) ||
      ts.isVariableDeclaration(p) ||
      ts.isParameter(p) ||
      ts.isFunctionDeclaration(p) ||
      ts.isClassDeclaration(p) ||
      ts.isLabeledStatement(p)) &&
    (p as { name?: ts.Node }).name === node
  ) {
    return false;
  }
  if (ts.isBindingElement(p) && p.propertyName === node) return false;
  if (ts.isImportSpecifier(p) || ts.isExportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p)) {
    return false;
  }
  if (ts.isBreakOrContinueStatement(p)) return false;
  return true;
}

/**
 * True when the identifier refers to a global of the runtime (declared only in the TypeScript or Node
 * type libraries) — or to nothing the checker knows, which is treated as a global, not a pass.
 */
function isGlobal(node: ts.Identifier, checker: ts.TypeChecker): boolean {
  // `{ process }` names the property and the value; the value is what counts.
  const symbol = ts.isShorthandPropertyAssignment(node.parent)
    ? checker.getShorthandAssignmentValueSymbol(node.parent)
    : checker.getSymbolAtLocation(node);
  const declarations = symbol?.declarations ?? [];
  if (!declarations.length) return true;
  return declarations.every((d) => d.getSourceFile().isDeclarationFile);
}

function isMemberNamed(node: ts.Identifier, name: string): boolean {
  const p = node.parent;
  if (ts.isPropertyAccessExpression(p) && p.expression === node) return p.name.text === name;
  if (ts.isElementAccessExpression(p) && p.expression === node) {
    return !ts.isStringLiteralLike(p.argumentExpression) || p.argumentExpression.text === name;
  }
  return false;
}

/** `null` when this use of the global `Date` cannot read the clock or the local time zone. */
function checkDateUse(node: ts.Identifier, checker: ts.TypeChecker): string | null {
  const p = node.parent;
  if (ts.isPropertyAccessExpression(p) && p.expression === node) {
    if (p.name.text === "UTC") return null;
    return `\`Date.${p.name.text}\` reads the clock or the local time zone; take instants as arguments`;
  }
  if (ts.isNewExpression(p) && p.expression === node) {
    const args = p.arguments ?? [];
    const formatted =
      ts.isPropertyAccessExpression(p.parent) &&
      p.parent.expression === p &&
      p.parent.name.text === "toISOString";
    if (args.length === 1 && isNumberType(checker.getTypeAtLocation(args[0]!)) && formatted) return null;
    if (args.length === 0) return "`new Date()` reads the clock; take the time as an argument";
    return "`new Date(…)` only as `new Date(<number>).toISOString()` (a string may be read in local time)";
  }
  if (ts.isCallExpression(p) && p.expression === node) return "`Date()` reads the clock";
  return "`Date` passed around as a value escapes the scan";
}

function isNumberType(type: ts.Type): boolean {
  return (type.flags & ts.TypeFlags.NumberLike) !== 0;
}

function isDateType(type: ts.Type): boolean {
  return type.getSymbol()?.getName() === "Date";
}
