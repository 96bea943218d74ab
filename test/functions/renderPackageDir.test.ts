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
