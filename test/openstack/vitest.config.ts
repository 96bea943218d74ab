/**
 * The OpenStack end-to-end files run on their own (`npm run test:openstack`, last in `npm test`): one
 * sandbox for all of them, started by the global setup and stopped at the end, and one file at a time —
 * they change the same project (quotas, states) and would see each other's servers.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/openstack/**/*.e2e.ts"],
    globalSetup: ["test/openstack/support/globalSetup.ts"],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 900_000,
    pool: "forks",
  },
});
