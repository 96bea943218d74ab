/**
 * Golden tests: each example intent's `CompiledIntent`, serialised canonically, must equal its checked-in
 * golden byte for byte. `UPDATE_GOLDEN=1 npx vitest run test/compiler/golden.test.ts` rewrites the goldens;
 * review the diff before committing it. A golden records reviewed, correct output: urllc-service-edge2.json
 * holds the corrected CoverageAreaTac context (IS_ALL_OF ["0010"]) until the compiler is fixed (bugs.test.ts).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import { compile, EXAMPLES, GOLDEN_DIR } from "./helpers.js";

const UPDATE = process.env.UPDATE_GOLDEN === "1";

describe("golden: compiled example intents", () => {
  it("GIVEN the examples THEN they are the documented ones (intents/README.md)", async () => {
    expect(EXAMPLES.map((e) => e.file)).toEqual([
      "intents/analytics-dns.json",
      "intents/edge-analytics.json",
      "intents/embb-slice-edge1.json",
      "intents/urllc-service-edge2.json",
      "intents/web-app-stack.json",
      "intents/revisions/edge-analytics.v2-scale.json",
      "intents/revisions/edge-analytics.v3-regression.json",
    ]);
  });

  for (const { stem, file, text } of EXAMPLES) {
    it(`${file} compiles to test/golden/compile/${stem}.json`, async () => {
      const actual = stringifyCanonical(await compile(text));
      const path = join(GOLDEN_DIR, `${stem}.json`);
      if (UPDATE) writeFileSync(path, actual);
      expect(existsSync(path), `missing golden ${path}: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(actual).toBe(readFileSync(path, "utf8"));
    });
  }
});
