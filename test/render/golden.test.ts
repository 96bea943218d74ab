// `rendered/` is the checked-in, reviewable golden of the example intents: rendering `intents/` must
// give exactly its bytes, file for file (the cache index included). UPDATE_GOLDEN=1 rewrites it by
// running the render into it.
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { stdlibRegistry } from "../../functions/stdlib/stdlibRegistry.js";
import { renderIntents } from "../../pipeline/render/renderIntents.js";
import { cleanupTempDirs, contentOf, REPO, tempDir } from "./helpers.js";

afterAll(cleanupTempDirs);

describe("rendered/ golden", () => {
  test("rendering intents/ gives rendered/ byte for byte", async () => {
    if (process.env.UPDATE_GOLDEN === "1") {
      await renderIntents({ cwd: REPO, out: "rendered", force: true, registry: stdlibRegistry });
    }
    const out = await tempDir();
    await renderIntents({ cwd: REPO, out, registry: stdlibRegistry });

    const actual = contentOf(out);
    const golden = contentOf(join(REPO, "rendered"));
    const missing = Object.keys(golden).filter((p) => !(p in actual));
    const extra = Object.keys(actual).filter((p) => !(p in golden));
    const different = Object.keys(actual).filter((p) => p in golden && golden[p] !== actual[p]);
    // One assertion over the three lists, so a failure names every file at once.
    expect(
      { missing, extra, different },
      "rendered/ is out of date: review the change, then run UPDATE_GOLDEN=1 npx vitest run test/render/golden.test.ts",
    ).toEqual({ missing: [], extra: [], different: [] });
    expect(Object.keys(actual).length).toBeGreaterThan(40);
  });
});
