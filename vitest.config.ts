import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/bench/**", "node_modules/**", "dist/**"],
    // A hang guard, not a speed limit: on a loaded 2-core machine a Git test that spawns a dozen git
    // processes took over 30 s. Speed is shown by test/bench, never by a test's timeout.
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
