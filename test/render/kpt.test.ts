// Our packages are valid kpt packages: `kpt fn render` (the real binary) on a copy of each rendered
// example package succeeds five times over and leaves every file byte-identical, comments included. Needs /usr/bin/kpt; if kpt fails, the
// test fails: nothing is skipped.
import { execFile } from "node:child_process";
import { cp, readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import { cleanupTempDirs, contentOf, REPO, tempDir } from "./helpers.js";

const run = promisify(execFile);
const KPT = "/usr/bin/kpt";

afterAll(cleanupTempDirs);

describe("kpt fn render on rendered packages", () => {
  test("every example package renders 5 times under kpt and stays byte-identical", async () => {
    const rendered = join(REPO, "rendered");
    const subjects: string[] = [];
    for (const site of (await readdir(rendered, { withFileTypes: true })).filter((e) => e.isDirectory())) {
      for (const intent of await readdir(join(rendered, site.name))) subjects.push(`${site.name}/${intent}`);
    }
    expect(subjects.length).toBe(6);
    for (const subject of subjects) {
      const copy = join(await tempDir("intentops-kpt-"), subject.replace("/", "_"));
      await cp(join(rendered, subject), copy, { recursive: true });
      const before = contentOf(copy);
      for (let i = 1; i <= 5; i++) {
        const { stderr } = await run(KPT, ["fn", "render", copy, "--truncate-output=false"], {
          timeout: 60_000,
        });
        expect(stderr, `${subject}, render ${i}`).toMatch(/Successfully executed 0 function\(s\)/);
        expect(contentOf(copy), `${subject}, render ${i}`).toEqual(before);
      }
    }
  }, 300_000);
});
