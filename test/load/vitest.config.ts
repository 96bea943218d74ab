/**
 * The load test (`npm run test:load`, run it under the heavy lock): `intentops serve` at 100 intent POSTs/s
 * for 60 s, then killed -9 in a second burst and restarted. It asserts what was answered is in Git and ends
 * in a terminal run, once; the latency numbers are the benchmark's (test/bench/serveLoad.bench.ts).
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/load/**/*.load.ts"],
    fileParallelism: false,
    testTimeout: 1_800_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
