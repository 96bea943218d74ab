import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { readPackageDir, renderPackageDir } from "../../pipeline/kpt/index.js";
import { cm, kptfile, labeller } from "./helpers.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "intentops-pkg-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeTree(root: string, files: Record<string, string>) {
  for (const [p, t] of Object.entries(files)) {
    await mkdir(join(root, p, ".."), { recursive: true });
    await writeFile(join(root, p), t);
  }
}

describe("renderPackageDir (disk shell)", () => {
  test("writes only changed files, deletes deleted ones, skips .git, writes results.yaml", async () => {
    const pkg = join(dir, "pkg");
    await writeTree(pkg, {
      Kptfile: kptfile("app", "  mutators:\n    - image: l\n    - image: drop\n"),
      "a.yaml": cm("a"),
      "gone/b.yaml": cm("b"),
      ".git/HEAD": "ref: refs/heads/main\n",
      "bin.dat": "\u0000\u0001",
    });
    const out = await renderPackageDir({
      dir: pkg,
      resultsDir: join(dir, "results"),
      registry: {
        l: labeller("team", "a"),
        drop: (rl) => ({ ...rl, items: rl.items.filter((o) => o.metadata.name !== "b") }),
      },
    });
    expect(out.ok).toBe(true);
    expect(out.write).toEqual({ written: ["a.yaml"], deleted: ["gone/b.yaml"] });
    const after = await readPackageDir(pkg);
    expect(Object.keys(after)).toEqual(["Kptfile", "a.yaml", "bin.dat"]);
    expect(parse(after["a.yaml"] as string).metadata.labels).toEqual({ team: "a" });
    expect(await readFile(join(pkg, ".git/HEAD"), "utf8")).toBe("ref: refs/heads/main\n");
    expect(parse(await readFile(join(dir, "results/results.yaml"), "utf8"))).toMatchObject({
      kind: "FunctionResultList",
      exitCode: 0,
      items: [
        { image: "l", exitCode: 0 },
        { image: "drop", exitCode: 0 },
      ],
    });
  });

  test("a failed render leaves every file byte-for-byte untouched and still writes the results", async () => {
    const pkg = join(dir, "pkg");
    await writeTree(pkg, {
      Kptfile: kptfile("app", "  mutators:\n    - image: l\n    - image: bad\n"),
      "a.yaml": `# c\n${cm("a")}`,
    });
    const before = await readPackageDir(pkg);
    const out = await renderPackageDir({
      dir: pkg,
      resultsDir: join(dir, "results"),
      registry: {
        l: labeller("x", "y"),
        bad: (rl) => ({ ...rl, results: [{ message: "no", severity: "error" }] }),
      },
    });
    expect(!out.ok && out.error.code).toBe("E_RENDER_FAILED");
    expect(await readPackageDir(pkg)).toEqual(before);
    expect(parse(await readFile(join(dir, "results/results.yaml"), "utf8")).exitCode).toBe(1);
  });
});

describe("the Kptfile status block of newer kpt (kptfileStatus)", () => {
  test("off by default (kpt 1.0.0-beta.56 writes none); on: Rendered True after success", async () => {
    const files = {
      Kptfile: `# the app\n${kptfile("app", "  mutators:\n    - image: l\n")}`,
      "a.yaml": cm("a"),
    };
    await writeTree(join(dir, "off"), files);
    await renderPackageDir({ dir: join(dir, "off"), registry: { l: labeller("x", "1") } });
    expect(await readFile(join(dir, "off", "Kptfile"), "utf8")).not.toContain("status");
    await writeTree(join(dir, "on"), files);
    const out = await renderPackageDir({
      dir: join(dir, "on"),
      registry: { l: labeller("x", "1") },
      kptfileStatus: true,
    });
    expect(out.ok).toBe(true);
    const text = await readFile(join(dir, "on", "Kptfile"), "utf8");
    expect(text.startsWith("# the app\n")).toBe(true);
    expect(parse(text).status).toEqual({
      conditions: [{ type: "Rendered", status: "True", reason: "RenderSuccess" }],
    });
  });

  test("on: a failed render records RenderFailed in the root Kptfile and writes nothing else", async () => {
    const files = {
      Kptfile: kptfile("app", "  mutators:\n    - image: l\n    - image: boom\n"),
      "a.yaml": cm("a"),
      "sub/Kptfile": kptfile("sub"),
    };
    await writeTree(dir, files);
    const boom = () => {
      throw new Error("exploded");
    };
    const out = await renderPackageDir({
      dir,
      registry: { l: labeller("x", "1"), boom },
      kptfileStatus: true,
    });
    expect(out.ok).toBe(false);
    expect(out.write.written).toEqual(["Kptfile"]);
    const after = await readPackageDir(dir);
    expect(after["a.yaml"]).toBe(files["a.yaml"]);
    expect(after["sub/Kptfile"]).toBe(files["sub/Kptfile"]);
    const condition = parse(after["Kptfile"] as string).status.conditions[0];
    expect(condition).toMatchObject({ type: "Rendered", status: "False", reason: "RenderFailed" });
    expect(condition.message).toContain("exploded");
  });
});
