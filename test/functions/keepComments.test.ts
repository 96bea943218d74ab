// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${env}` is the literal kpt-set setter syntax under test
// Comments where people wrote them, through every parse/serialise path (files and ResourceLists), and the
// failure contract of exec functions: a ResourceList always comes back, the failure as an error result.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { renderPackage } from "../../functions/runtime/index.js";
import { parseResourceList, serializeResourceList } from "../../functions/runtime/resourceList.js";
import { stdlibRegistry } from "../../functions/stdlib/index.js";

const withComments = [
  "apiVersion: apps/v1",
  "kind: Deployment",
  "metadata: # identity",
  "  name: web",
  "spec: # desired state",
  "  # own line, kept above",
  "  replicas: 1",
  "  template:",
  "    spec:",
  "      containers: # one container",
  "      - name: app # the app",
  "        image: nginx",
  "environments: # kpt-set: ${env}",
  "- dev",
  "",
].join("\n");

const rl = (items: string) =>
  `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items
    .split("\n")
    .map((l, i) => (l === "" ? l : i === 0 ? `- ${l}` : `  ${l}`))
    .join("\n")}`;

describe("end-of-line comments on keys of maps and lists", () => {
  test("stay on the key line through a ResourceList round trip, any number of times", () => {
    let text = rl(withComments);
    const first = serializeResourceList(parseResourceList(text));
    text = first;
    for (let i = 0; i < 5; i++) text = serializeResourceList(parseResourceList(text));
    expect(text).toBe(first);
    for (const line of ["metadata: # identity", "spec: # desired state", "containers: # one container"]) {
      expect(first).toContain(line);
    }
    expect(first).toContain("  environments: # kpt-set: ${env}\n  - dev");
    expect(first).toContain("    # own line, kept above\n    replicas: 1");
  });

  test("an emptied block list keeps its setter on its own line: `[] # kpt-set: …`, stable on re-render", async () => {
    const files = {
      Kptfile:
        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\npipeline:\n  mutators:\n    - image: apply-setters\n      configMap:\n        env: '[]'\n",
      "kind.yaml":
        "apiVersion: v1\nkind: MyKind\nmetadata:\n  name: foo\nenvironments: # kpt-set: ${env}\n- dev\nother: keep\n",
    };
    const out = await renderPackage({ files, registry: stdlibRegistry });
    expect(out.ok && out.files["kind.yaml"]).toBe(
      "apiVersion: v1\nkind: MyKind\nmetadata:\n  name: foo\nenvironments: [] # kpt-set: ${env}\nother: keep\n",
    );
    const again = await renderPackage({ files: out.ok ? out.files : files, registry: stdlibRegistry });
    expect(again.ok && again.files).toEqual(out.ok && out.files);
  });
});

describe("exec functions always answer with a ResourceList", () => {
  const bin = resolve("dist/functions/bin/set-namespace.js");
  const call = (input: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      const child = execFile("node", [bin], (error, stdout, stderr) => {
        done({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
      });
      child.stdin?.end(input);
    });

  test("an invalid functionConfig: exit 1, the items unchanged, the error as a result with its code", async () => {
    const input = `${rl("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a # keep\n")}functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n  data:\n    namespace: Bad_Name\n`;
    const out = await call(input);
    expect(out.code).toBe(1);
    const list = parse(out.stdout);
    expect(list.kind).toBe("ResourceList");
    expect(list.items).toEqual([{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } }]);
    expect(out.stdout).toContain("name: a # keep");
    expect(list.results).toEqual([
      {
        message: 'set-namespace: "Bad_Name" is not a valid namespace name (RFC 1123 label)',
        severity: "error",
        tags: { code: "E_FN_CONFIG" },
      },
    ]);
    expect(out.stderr).toContain("Bad_Name");
  });

  test("input that is not a ResourceList: exit 1 and an empty ResourceList with the error", async () => {
    const out = await call("kind: Nope\n");
    expect(out.code).toBe(1);
    const list = parse(out.stdout);
    expect(list).toMatchObject({ apiVersion: "config.kubernetes.io/v1", kind: "ResourceList", items: [] });
    expect(list.results[0]).toMatchObject({ severity: "error", tags: { code: "E_KRM_PARSE" } });
  });
});
