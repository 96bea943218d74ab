/**
 * compiler/ and functions/ are pure: this scan (see scanPurity.ts for the rules) must find nothing in
 * them, and must find every violation planted in a temporary copy of the layout.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { scanPurity } from "./scanPurity.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const TYPE_ROOTS = [join(ROOT, "node_modules/@types")];
/** The kpt exec binaries wire stdin/stdout to a pure function: `process` is theirs, nothing else. */
const isExecBinary = (root: string) => (file: string) => file.startsWith(join(root, "functions/bin/"));

async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await tsFiles(path)));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out.sort();
}

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

describe("purity of compiler/ and functions/", () => {
  it("finds no import, global or clock outside the allow-list in the tree", async () => {
    const files = [...(await tsFiles(join(ROOT, "compiler"))), ...(await tsFiles(join(ROOT, "functions")))];
    expect(files.length).toBeGreaterThan(50);
    const violations = scanPurity({
      root: ROOT,
      files,
      typeRoots: TYPE_ROOTS,
      processAllowed: isExecBinary(ROOT),
    });
    expect(violations.map((v) => `${v.file}:${v.line} ${v.text} — ${v.why}`)).toEqual([]);
  }, 120_000);

  it("catches every planted violation, and passes the pure uses next to them", async () => {
    const root = await mkdtemp(join(tmpdir(), "intentops-purity-"));
    temps.push(root);
    await mkdir(join(root, "compiler"), { recursive: true });
    await mkdir(join(root, "functions/bin"), { recursive: true });
    const modules = [
      "fs",
      "node:fs",
      "node:fs/promises",
      "child_process",
      "node:child_process",
      "http",
      "node:https",
      "net",
      "node:dns",
      "tls",
      "os",
      "node:os",
      "worker_threads",
      "node:vm",
      "http2",
      "node:dgram",
      "cluster",
      "node:perf_hooks",
      "isomorphic-git",
      "../pipeline/git/openRepo.js",
    ];
    const planted = [
      ...modules.map((m, i) => `import * as m${i} from "${m}";`),
      `export { readFileSync } from "node:fs";`,
      `import { randomUUID } from "node:crypto";`,
      `const lazy = await import("node:child_process");`,
      `const name = "fs"; const dyn = await import(name);`,
      `const req = require("fs");`,
      `const now = Date.now();`,
      `const later = new Date();`,
      `const local = new Date("2025-01-01T00:00:00");`,
      `const parsed = Date.parse("2025-01-01T00:00:00");`,
      `const stamp = Date();`,
      `const D = Date;`,
      `export function hour(d: Date): number { return d.getHours(); }`,
      `const dice = Math.random();`,
      `const dice2 = Math["random"]();`,
      `const t0 = performance.now();`,
      `const env = process.env.HOME;`,
      `const env2 = globalThis.process.env.HOME;`,
      `const g = { process };`,
      `const page = fetch("http://example.test");`,
      `setTimeout(() => {}, 1);`,
      `const timer = setInterval(() => {}, 1);`,
      `const id = crypto.randomUUID();`,
      `const fmt = new Intl.NumberFormat().format(1);`,
      `const code = eval("1");`,
    ];
    const violating = join(root, "compiler/planted.ts");
    await writeFile(violating, `${planted.join("\n")}\nexport {};\n`);
    const pure = join(root, "functions/pure.ts");
    await writeFile(
      pure,
      [
        `import { createHash } from "node:crypto";`,
        `import YAML from "yaml";`,
        `import Ajv from "ajv/dist/2020.js";`,
        `import { helper } from "../compiler/helper.js";`,
        `import schema from "../schemas/x.schema.json" with { type: "json" };`,
        `export function at(ms: number, now: Date): string { return new Date(ms).toISOString() + now.toISOString(); }`,
        `export const epoch = Date.UTC(2025, 0, 1);`,
        `export function shadow(fetch: (u: string) => string, process: number) { return fetch("x") + process; }`,
        `export const digest = createHash("sha256").update(YAML.stringify({ helper, schema, Ajv })).digest("hex");`,
      ].join("\n"),
    );
    await writeFile(join(root, "compiler/helper.ts"), "export const helper = 1;\n");
    await mkdir(join(root, "schemas"));
    await writeFile(join(root, "schemas/x.schema.json"), "{}\n");
    const exec = join(root, "functions/bin/exec.ts");
    await writeFile(exec, `process.stdout.write("ok");\nimport { readFileSync } from "node:fs";\n`);

    const violations = scanPurity({
      root,
      files: [violating, pure, exec],
      typeRoots: TYPE_ROOTS,
      processAllowed: isExecBinary(root),
    });
    const lines = (file: string) => violations.filter((v) => v.file === file).map((v) => v.line);
    // Every planted line is caught (some more than once: `globalThis.process` breaks two rules).
    expect([...new Set(lines("compiler/planted.ts"))]).toEqual(planted.map((_, i) => i + 1));
    expect(lines("functions/pure.ts")).toEqual([]);
    // The exec binary may write to stdout, but not read files.
    expect(violations.filter((v) => v.file === "functions/bin/exec.ts")).toMatchObject([
      { line: 2, rule: "import" },
    ]);
    expect(violations.find((v) => v.text.startsWith("Date.now"))).toMatchObject({ rule: "date" });
    expect(violations.find((v) => v.text.includes("../pipeline/"))?.why).toContain("outside the pure core");
  }, 120_000);
});
