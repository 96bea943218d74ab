// Conformance of the in-memory render with kpt `fn render` semantics, written from the Kptfile v1 and
// KRM Functions Specification documents (GIVEN a package tree, WHEN rendered, THEN files and results).
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import {
  INDEX_ANNOTATION,
  LEGACY_PATH_ANNOTATION,
  PACKAGE_PATH_ANNOTATION,
  PATH_ANNOTATION,
  type ResourceList,
  renderPackage,
} from "../../functions/runtime/index.js";
import { cm, kptfile, labeller, names, recorder } from "./helpers.js";

const mutators = (...lines: string[]) => `  mutators:\n${lines.join("")}`;
const step = (image: string, extra = "") => `    - image: ${image}\n${extra}`;

describe("renderPackage (kpt fn render semantics)", () => {
  test("a package without a pipeline renders to the same bytes", async () => {
    const files = {
      Kptfile: kptfile("app"),
      "a.yaml": `# keep me\n${cm("a", "data:\n  k: 'v'\n")}`,
      "README.md": "x",
    };
    const out = await renderPackage({ files, registry: {} });
    expect(out.ok && out.files).toEqual(files);
  });

  test("subpackages render first, depth-first, each on its own objects; the parent sees all", async () => {
    const order: string[] = [];
    const seen: Record<string, string[]> = {};
    const spy = (label: string) => (rl: ResourceList) => {
      order.push(label);
      seen[label] = names(rl.items);
      return rl;
    };
    const files = {
      Kptfile: kptfile("root", mutators(step("root"))),
      "root.yaml": cm("root"),
      "b/Kptfile": kptfile("b", mutators(step("b"))),
      "b/b.yaml": cm("b"),
      "b/c/Kptfile": kptfile("c", mutators(step("c"))),
      "b/c/c.yaml": cm("c"),
      "a/Kptfile": kptfile("a", mutators(step("a"))),
      "a/a.yaml": cm("a"),
    };
    const out = await renderPackage({
      files,
      registry: { root: spy("root"), a: spy("a"), b: spy("b"), c: spy("c") },
    });
    expect(out.ok).toBe(true);
    expect(order).toEqual(["a", "c", "b", "root"]);
    expect(seen["c"]).toEqual(["Kptfile/c", "ConfigMap/c"]);
    expect(seen["b"]).toEqual(["Kptfile/c", "ConfigMap/c", "Kptfile/b", "ConfigMap/b"]);
    expect(seen["root"]).toHaveLength(8);
  });

  test("selectors choose the objects a step sees; unselected objects are kept as they were", async () => {
    const seen: ResourceList[] = [];
    const files = {
      Kptfile: kptfile(
        "app",
        mutators(step("rec", "      selectors:\n        - kind: ConfigMap\n          labels: {tier: web}\n")),
      ),
      "a.yaml": cm("a", "  labels: {tier: web}\n"),
      "b.yaml": cm("b", "  labels: {tier: db}\n"),
    };
    const out = await renderPackage({
      files,
      registry: { rec: (rl) => labeller("seen", "yes")(recorder(seen)(rl) as ResourceList) },
    });
    expect(names(seen[0]?.items ?? [])).toEqual(["ConfigMap/a"]);
    expect(out.ok && parse(out.files["a.yaml"] as string).metadata.labels.seen).toBe("yes");
    expect(out.ok && out.files["b.yaml"]).toBe(files["b.yaml"]);
  });

  test("exclude removes matching objects from the selection", async () => {
    const seen: ResourceList[] = [];
    const files = {
      Kptfile: kptfile(
        "app",
        mutators(step("rec", "      exclude:\n        - name: b\n        - kind: Kptfile\n")),
      ),
      "a.yaml": cm("a"),
      "b.yaml": cm("b"),
    };
    await renderPackage({ files, registry: { rec: recorder(seen) } });
    expect(names(seen[0]?.items ?? [])).toEqual(["ConfigMap/a"]);
  });

  test("a selected object a function drops is deleted; unselected ones stay", async () => {
    const files = {
      Kptfile: kptfile("app", mutators(step("drop", "      selectors:\n        - name: a\n"))),
      "a.yaml": cm("a"),
      "b.yaml": cm("b"),
    };
    const out = await renderPackage({ files, registry: { drop: (rl) => ({ ...rl, items: [] }) } });
    expect(out.ok && Object.keys(out.files)).toEqual(["Kptfile", "b.yaml"]);
  });

  test("validators run on a copy: their changes are discarded", async () => {
    const files = {
      Kptfile: kptfile("app", "  validators:\n    - image: sneaky\n"),
      "a.yaml": cm("a"),
    };
    const out = await renderPackage({ files, registry: { sneaky: labeller("changed", "by-validator") } });
    expect(out.ok && out.files).toEqual(files);
  });

  test("a validator error result fails the render: no files, exit code 1, results kept", async () => {
    const files = { Kptfile: kptfile("app", "  validators:\n    - image: strict\n"), "a.yaml": cm("a") };
    const out = await renderPackage({
      files,
      registry: { strict: (rl) => ({ ...rl, results: [{ message: "bad", severity: "error" }] }) },
    });
    expect(out.ok).toBe(false);
    expect("files" in out).toBe(false);
    expect(!out.ok && out.error.code).toBe("E_RENDER_FAILED");
    expect(out.results.exitCode).toBe(1);
    expect(out.results.items).toEqual([
      { image: "strict", exitCode: 1, results: [{ message: "bad", severity: "error" }] },
    ]);
  });

  test("a mutator that throws aborts the render; later steps do not run", async () => {
    const ran: string[] = [];
    const files = { Kptfile: kptfile("app", mutators(step("boom"), step("after"))), "a.yaml": cm("a") };
    const out = await renderPackage({
      files,
      registry: {
        boom: () => {
          throw new Error("exploded");
        },
        after: (rl) => {
          ran.push("after");
          return rl;
        },
      },
    });
    expect(out.ok).toBe(false);
    expect(ran).toEqual([]);
    // As the exec form does, a thrown error is also reported as an error result (KRM Functions Spec).
    expect(out.results.items).toEqual([
      {
        image: "boom",
        exitCode: 1,
        stderr: "exploded",
        results: [{ message: "boom: exploded", severity: "error" }],
      },
    ]);
  });

  test("warnings and infos do not fail; the results list has the FunctionResultList shape", async () => {
    const files = {
      Kptfile: kptfile("app", mutators(step("warn"), "    - exec: node fn.js\n")),
      "a.yaml": cm("a"),
    };
    const out = await renderPackage({
      files,
      registry: {
        warn: (rl) => ({
          ...rl,
          results: [
            {
              message: "careful",
              severity: "warning",
              resourceRef: { apiVersion: "v1", kind: "ConfigMap", name: "a" },
              field: { path: "data", currentValue: "x", proposedValue: "y" },
              file: { path: "a.yaml", index: 0 },
              tags: { rule: "r1" },
            },
          ],
        }),
        fn: (rl) => rl,
      },
    });
    expect(out.ok).toBe(true);
    expect(out.results).toEqual({
      apiVersion: "kpt.dev/v1",
      kind: "FunctionResultList",
      metadata: { name: "fnresults" },
      exitCode: 0,
      items: [
        {
          image: "warn",
          exitCode: 0,
          results: [
            {
              message: "careful",
              severity: "warning",
              resourceRef: { apiVersion: "v1", kind: "ConfigMap", name: "a" },
              field: { path: "data", currentValue: "x", proposedValue: "y" },
              file: { path: "a.yaml", index: 0 },
              tags: { rule: "r1" },
            },
          ],
        },
        { exec: "node fn.js", exitCode: 0 },
      ],
    });
  });

  test("functions see path, index (current and legacy) and package-path annotations; files never keep them", async () => {
    const seen: ResourceList[] = [];
    const files = {
      Kptfile: kptfile("app"),
      "sub/Kptfile": kptfile("sub", mutators(step("rec"))),
      "sub/x/two.yaml": `${cm("one")}---\n${cm("two")}`,
    };
    const out = await renderPackage({
      files,
      registry: { rec: (rl) => labeller("l", "v")(recorder(seen)(rl) as ResourceList) },
    });
    const two = seen[0]?.items.find((o) => o.metadata.name === "two");
    expect(two?.metadata.annotations).toMatchObject({
      [PATH_ANNOTATION]: "x/two.yaml",
      [LEGACY_PATH_ANNOTATION]: "x/two.yaml",
      [INDEX_ANNOTATION]: "1",
      "config.kubernetes.io/index": "1",
      [PACKAGE_PATH_ANNOTATION]: "sub",
    });
    expect(out.ok && out.files["sub/x/two.yaml"]).not.toContain("config.kubernetes.io");
  });

  test("new objects without a path go to [<namespace>/]<kind>_<name>.yaml in the package that made them", async () => {
    const add = (rl: ResourceList): ResourceList => ({
      ...rl,
      items: [
        ...rl.items,
        { apiVersion: "v1", kind: "Service", metadata: { name: "Web", namespace: "prod" } },
        { apiVersion: "v1", kind: "Namespace", metadata: { name: "prod" } },
      ],
    });
    const files = { Kptfile: kptfile("app"), "sub/Kptfile": kptfile("sub", mutators(step("add"))) };
    const out = await renderPackage({ files, registry: { add } });
    expect(out.ok && Object.keys(out.files)).toEqual([
      "Kptfile",
      "sub/Kptfile",
      "sub/namespace_prod.yaml",
      "sub/prod/service_Web.yaml",
    ]);
  });

  test("a function may move an object by changing its path annotation; comments move with it", async () => {
    const move = (rl: ResourceList): ResourceList => {
      for (const o of rl.items)
        if (o.metadata.name === "a") o.metadata.annotations![PATH_ANNOTATION] = "moved/a.yaml";
      return rl;
    };
    const files = { Kptfile: kptfile("app", mutators(step("move"))), "a.yaml": `# about a\n${cm("a")}` };
    const out = await renderPackage({ files, registry: { move } });
    expect(out.ok && out.files["a.yaml"]).toBeUndefined();
    expect(out.ok && out.files["moved/a.yaml"]).toBe(`# about a\n${cm("a")}`);
  });

  test("local-config objects reach functions and stay in the package, but not in the cluster objects", async () => {
    const seen: ResourceList[] = [];
    const local = cm("settings", '  annotations:\n    config.kubernetes.io/local-config: "true"\n');
    const files = {
      Kptfile: kptfile("app", mutators(step("rec"))),
      "a.yaml": cm("a"),
      "settings.yaml": local,
    };
    const out = await renderPackage({ files, registry: { rec: recorder(seen) } });
    expect(names(seen[0]?.items ?? [])).toContain("ConfigMap/settings");
    expect(out.ok && out.files["settings.yaml"]).toBe(local);
    expect(out.ok && names(out.objects)).toEqual(["ConfigMap/a"]);
  });

  test("deleting one document of a multi-document file rewrites the file; deleting all removes it", async () => {
    const dropB = (rl: ResourceList): ResourceList => ({
      ...rl,
      items: rl.items.filter((o) => !["b", "c"].includes(o.metadata.name ?? "")),
    });
    const files = {
      Kptfile: kptfile("app", mutators(step("drop"))),
      "ab.yaml": `${cm("a")}---\n${cm("b")}`,
      "c.yaml": cm("c"),
    };
    const out = await renderPackage({ files, registry: { drop: dropB } });
    expect(out.ok && out.files).toEqual({ Kptfile: files.Kptfile, "ab.yaml": cm("a") });
  });

  test("configMap becomes a ConfigMap named function-input", async () => {
    const seen: ResourceList[] = [];
    const files = {
      Kptfile: kptfile(
        "app",
        mutators(step("rec", "      configMap:\n        team: a\n        replicas: 3\n")),
      ),
    };
    await renderPackage({ files, registry: { rec: recorder(seen) } });
    expect(seen[0]?.functionConfig).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "function-input" },
      data: { team: "a", replicas: "3" },
    });
  });

  test("configPath reads the config object from the package, as changed by earlier steps", async () => {
    const seen: ResourceList[] = [];
    const cfg = cm(
      "fn-config",
      '  annotations:\n    config.kubernetes.io/local-config: "true"\ndata:\n  team: a\n',
    );
    const files = {
      Kptfile: kptfile("app", mutators(step("label"), step("rec", "      configPath: ./fn-config.yaml\n"))),
      "fn-config.yaml": cfg,
    };
    await renderPackage({ files, registry: { rec: recorder(seen), label: labeller("x", "1") } });
    expect(seen[0]?.functionConfig?.["data"]).toEqual({ team: "a" });
    expect(seen[0]?.functionConfig?.metadata.labels).toEqual({ x: "1" });
  });

  test("a configPath naming no file is an invalid Kptfile, found before any function runs (as kpt)", async () => {
    const ran: string[] = [];
    const files = { Kptfile: kptfile("app", mutators(step("rec", "      configPath: nope.yaml\n"))) };
    const rec = (rl: ResourceList) => {
      ran.push("rec");
      return rl;
    };
    const out = await renderPackage({ files, registry: { rec } });
    expect(!out.ok && out.error.code).toBe("E_KPTFILE_INVALID");
    expect(!out.ok && out.error.message).toContain("/pipeline/mutators/0/configPath");
    expect(ran).toEqual([]);
  });

  test("comments, key order and quoting survive a function that edits objects as data", async () => {
    const text = [
      "# head comment",
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata:",
      "  name: web # the name",
      "spec:",
      "  # how many",
      "  replicas: 1",
      "  template:",
      "    spec:",
      "      containers:",
      "      - name: app",
      "        image: 'nginx:1' # pinned",
      "",
    ].join("\n");
    const bump = (rl: ResourceList): ResourceList => {
      for (const o of rl.items) if (o.kind === "Deployment") (o["spec"] as { replicas: number }).replicas = 3;
      return rl;
    };
    const out = await renderPackage({
      files: { Kptfile: kptfile("app", mutators(step("bump"))), "d.yaml": text },
      registry: { bump },
    });
    expect(out.ok && out.files["d.yaml"]).toBe(text.replace("replicas: 1", "replicas: 3"));
  });

  test("two objects at the same path and index is an output error (E_FN_OUTPUT)", async () => {
    const dup = (rl: ResourceList): ResourceList => ({
      ...rl,
      items: [...rl.items, structuredClone(rl.items[1]!)],
    });
    const out = await renderPackage({
      files: { Kptfile: kptfile("app", mutators(step("dup"))), "a.yaml": cm("a") },
      registry: { dup },
    });
    expect(!out.ok && (out.error.cause as { code?: string }).code).toBe("E_FN_OUTPUT");
  });

  test("an unknown function fails with E_FN_NOT_FOUND; an invalid Kptfile with E_KPTFILE_INVALID", async () => {
    const missing = await renderPackage({
      files: { Kptfile: kptfile("app", mutators(step("ghost"))) },
      registry: {},
    });
    expect(!missing.ok && (missing.error.cause as { code?: string }).code).toBe("E_FN_NOT_FOUND");
    const both = await renderPackage({
      files: { Kptfile: kptfile("app", "  mutators:\n    - image: a\n      exec: b\n") },
      registry: {},
    });
    expect(!both.ok && both.error.code).toBe("E_KPTFILE_INVALID");
    const noRoot = await renderPackage({ files: { "a.yaml": cm("a") }, registry: {} });
    expect(!noRoot.ok && noRoot.error.code).toBe("E_KPTFILE_INVALID");
  });

  test(".krmignore'd files are neither parsed nor passed to functions, and pass through unchanged", async () => {
    const seen: ResourceList[] = [];
    const files = {
      Kptfile: kptfile("app", mutators(step("rec"))),
      ".krmignore": "tmp/\n",
      "tmp/bad.yaml": ": not yaml: [",
      "a.yaml": cm("a"),
    };
    const out = await renderPackage({ files, registry: { rec: recorder(seen) } });
    expect(names(seen[0]?.items ?? [])).toEqual(["Kptfile/app", "ConfigMap/a"]);
    expect(out.ok && out.files["tmp/bad.yaml"]).toBe(files["tmp/bad.yaml"]);
  });

  test("image references resolve by full name, name without tag, or short name; exec by script name", async () => {
    const seen: string[] = [];
    const files = {
      Kptfile: kptfile(
        "app",
        mutators(
          step("ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2.0"),
          "    - exec: node dist/functions/bin/set-labels.js\n",
        ),
      ),
    };
    const out = await renderPackage({
      files,
      registry: {
        "set-labels": (rl) => {
          seen.push("x");
          return rl;
        },
      },
    });
    expect(out.ok).toBe(true);
    expect(seen).toHaveLength(2);
  });

  test("rendering is deterministic: the same input gives the same bytes", async () => {
    const files = { Kptfile: kptfile("app", mutators(step("l"))), "a.yaml": cm("a", "data:\n  on: yes\n") };
    const a = await renderPackage({ files, registry: { l: labeller("k", "0123") } });
    const b = await renderPackage({ files, registry: { l: labeller("k", "0123") } });
    expect(a).toEqual(b);
    expect(a.ok && a.files["a.yaml"]).toContain('k: "0123"');
  });
});
