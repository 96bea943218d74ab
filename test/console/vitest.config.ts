/**
 * The console's browser tests on the real sandbox (`npm run test:console`; run it under the heavy lock):
 * not part of `npm test` — a sandbox, a browser and three full runs take 6–10 minutes, which the CI budget
 * does not have (see the README's console section).
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/console/**/*.e2e.ts"],
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: "forks",
  },
});
