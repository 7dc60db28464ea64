import { defineConfig } from "vitest/config";

// The SMTP server is started by the tests themselves: no outside service needed.
export default defineConfig({ test: { testTimeout: 20_000 } });
