import { defineConfig } from "vitest/config";

// Pure unit tests: no services needed.
export default defineConfig({ test: {} });
