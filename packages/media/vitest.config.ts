import { defineConfig } from "vitest/config";

// Works on a temporary folder: no outside service needed.
export default defineConfig({ test: { testTimeout: 20_000 } });
