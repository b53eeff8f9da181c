import { defineConfig } from "vitest/config";

/** Browser tests: `npm run e2e` (see e2e/support/global-setup.ts for the environment). */
export default defineConfig({
  test: {
    environment: "node",
    include: ["e2e/**/*.e2e.ts"],
    globalSetup: ["./e2e/support/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ["default", "./scripts/summary-reporter.ts"],
  },
});
