import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Fails the run at once, with how to start them, when PostgreSQL or Redis is down.
    globalSetup: ["../../tooling/test/src/global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
