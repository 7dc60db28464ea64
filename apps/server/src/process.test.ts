import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "@chorus/test-utils";
import { describe, expect, it } from "vitest";

// These run the built server (dist/index.js) as a real process, the way `pnpm start` does.
const entry = fileURLToPath(new URL("../dist/index.js", import.meta.url));

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe.runIf(existsSync(entry))("the server process", () => {
  it("refuses to start on a bad configuration, naming each variable", async () => {
    const proc = run({ PORT: "eighty", DATABASE_URL: "mysql://db/chorus" });
    expect(await proc.exited).toBe(1);
    expect(proc.err()).toContain('PORT must be a whole number from 0 to 65535 (got "eighty")');
    expect(proc.err()).toContain("DATABASE_URL is not a valid postgres:// URL");
  });

  it("prints where to open it, serves /health, and stops cleanly on SIGTERM", async () => {
    const database = await createTestDatabase("process");
    const proc = run({ DATABASE_URL: database.url, HOST: "127.0.0.1", PORT: "0" });
    try {
      const deadline = Date.now() + 20_000;
      while (!/Open {6}http:\/\/127\.0\.0\.1:\d+/.test(proc.out())) {
        if (Date.now() > deadline || proc.child.exitCode !== null) throw new Error(`no start: ${proc.err()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const url = /Open {6}(http:\/\/127\.0\.0\.1:\d+)/.exec(proc.out())![1]!;
      expect(proc.out()).toContain("Database  PostgreSQL at postgres://");
      expect((await fetch(`${url}/health`)).status).toBe(200);

      proc.child.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
      expect(proc.out()).toContain("stopped cleanly");
    } finally {
      proc.child.kill("SIGKILL");
      await database.drop();
    }
  });
});
