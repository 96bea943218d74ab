// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${name}` is the literal kpt-set setter syntax under test
// Runs our stdlib functions as `exec` functions under the real kpt binary and compares with the
// in-process render. Needs `/usr/bin/kpt` and the compiled bins in dist/ (`npx tsc -p tsconfig.json`;
// `npm test` does it). If kpt fails, these tests fail: nothing is skipped.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseAllDocuments } from "yaml";
import { renderPackage } from "../../functions/runtime/index.js";
import { stdlibRegistry } from "../../functions/stdlib/index.js";
import { readPackageDir } from "../../pipeline/kpt/index.js";

const run = promisify(execFile);
const KPT = "/usr/bin/kpt";
const BIN = resolve("dist/functions/bin");

const deploy = [
  "apiVersion: apps/v1",
  "kind: Deployment",
  "metadata:",
  "  name: web # the web tier",
  "  namespace: dev",
  "spec:",
  "  replicas: 1 # kpt-set: ${replicas}",
  "  selector:",
  "    matchLabels:",
  "      app: web",
  "  template:",
  "    metadata:",
  "      labels:",
  "        app: web",
  "    spec:",
  "      containers:",
  "      - name: app",
  "        image: nginx:1",
  "",
].join("\n");
const service =
  "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: dev\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n";

function kptfileWith(fn: (name: string) => string): string {
  return [
    "apiVersion: kpt.dev/v1",
    "kind: Kptfile",
    "metadata:",
    "  name: app",
    "pipeline:",
    "  mutators:",
    `    - ${fn("set-namespace")}`,
    "      configMap:",
    "        namespace: prod",
    `    - ${fn("set-labels")}`,
    "      configMap:",
    "        team: net",
    `    - ${fn("apply-setters")}`,
    "      configMap:",
    '        replicas: "3"',
    "  validators:",
    `    - ${fn("kubeconform")}`,
    "",
  ].join("\n");
}

/** Objects of every YAML file, without comments or formatting, for a semantic comparison. */
function objectsOf(files: Record<string, string>): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [path, text] of Object.entries(files)) {
    if (path === "Kptfile" || !path.endsWith(".yaml")) continue;
    out[path] = parseAllDocuments(text).map((d) => (Array.isArray(d) ? d : d.toJS()));
  }
  return out;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "intentops-kpt-"));
  for (const name of ["set-namespace", "set-labels", "apply-setters", "kubeconform"]) {
    if (!existsSync(join(BIN, `${name}.js`)))
      throw new Error(`missing ${BIN}/${name}.js: run npx tsc -p tsconfig.json first`);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("our functions under the real kpt", () => {
  test("kpt fn render --allow-exec with exec functions equals the in-process render", async () => {
    const pkg = join(dir, "render");
    const files = {
      Kptfile: kptfileWith((n) => `exec: node ${BIN}/${n}.js`),
      "deploy.yaml": deploy,
      "service.yaml": service,
    };
    const { mkdir } = await import("node:fs/promises");
    await mkdir(pkg, { recursive: true });
    for (const [p, t] of Object.entries(files)) await writeFile(join(pkg, p), t);
    const resultsDir = join(dir, "results");
    await run(KPT, ["fn", "render", pkg, "--allow-exec", "--results-dir", resultsDir], { timeout: 240_000 });
    const byKpt = await readPackageDir(pkg);
    const inProcess = await renderPackage({ files, registry: stdlibRegistry });
    expect(inProcess.ok).toBe(true);
    expect(objectsOf(byKpt)).toEqual(objectsOf(inProcess.ok ? inProcess.files : {}));
    // Comments written by people survive both ways.
    expect(byKpt["deploy.yaml"]).toContain("name: web # the web tier");
    expect(byKpt["deploy.yaml"]).toContain("replicas: 3 # kpt-set: ${replicas}");
    const results = parseAllDocuments(await readFile(join(resultsDir, "results.yaml"), "utf8"))[0]?.toJS();
    expect(results).toMatchObject({ apiVersion: "kpt.dev/v1", kind: "FunctionResultList", exitCode: 0 });
    expect(results.items).toHaveLength(4);
    expect(inProcess.results.items.map((i) => i.exitCode)).toEqual([0, 0, 0, 0]);
  }, 300_000);

  test("kpt fn eval --exec passes key=value as a ConfigMap; the result equals the in-process function", async () => {
    const pkg = join(dir, "eval");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(pkg, { recursive: true });
    await writeFile(join(pkg, "deploy.yaml"), deploy);
    await writeFile(join(pkg, "service.yaml"), service);
    await run(
      KPT,
      ["fn", "eval", pkg, "--exec", `node ${BIN}/set-annotations.js`, "--", "owner=net", "on=yes"],
      { timeout: 240_000 },
    );
    const byKpt = await readPackageDir(pkg);
    const files = {
      Kptfile:
        'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\npipeline:\n  mutators:\n    - image: set-annotations\n      configMap:\n        owner: net\n        "on": "yes"\n',
      "deploy.yaml": deploy,
      "service.yaml": service,
    };
    const inProcess = await renderPackage({ files, registry: stdlibRegistry });
    expect(objectsOf(byKpt)).toEqual(objectsOf(inProcess.ok ? inProcess.files : {}));
    expect(objectsOf(byKpt)["service.yaml"]?.[0]).toMatchObject({
      metadata: { annotations: { owner: "net", on: "yes" } },
    });
  }, 300_000);

  test("a failing exec function makes kpt fail and leaves the package untouched", async () => {
    const pkg = join(dir, "fail");
    await cp(join(dir, "eval"), pkg, { recursive: true });
    const before = await readPackageDir(pkg);
    const failed = await run(KPT, [
      "fn",
      "eval",
      pkg,
      "--exec",
      `node ${BIN}/set-namespace.js`,
      "--",
      "namespace=Bad_Name",
    ]).then(
      () => "exit 0",
      (error: { code?: number }) => `exit ${error.code}`,
    );
    expect(failed).toBe("exit 1");
    expect(await readPackageDir(pkg)).toEqual(before);
  }, 300_000);
});
