import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb } from "@chorus/db";
import { writeLegacyExport } from "@chorus/importer";
import { createTestDatabase, type TestDatabase } from "@chorus/test-utils";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `pnpm chorus migrate-mongo` as a real process (the built CLI), on the sample export of the old app.
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const SAMPLE = fileURLToPath(new URL("../../../packages/importer/fixtures/legacy-sample", import.meta.url));

function run(args: string[], env: Record<string, string>) {
  return start(args, env).done;
}

function start(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
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
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

describe.runIf(existsSync(cli) && existsSync(SAMPLE))("pnpm chorus migrate-mongo", () => {
  let database: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase("cli_mongo");
    dir = await mkdtemp(path.join(os.tmpdir(), "chorus-cli-mongo-"));
  });
  afterAll(async () => {
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const count = async (table: string) => {
    const db = createDb({ connectionString: database.url, maxConnections: 1 });
    try {
      const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
      return Number(rows[0]!.n);
    } finally {
      await db.destroy();
    }
  };

  it("refuses unclear arguments with the usage", async () => {
    const none = await run(["migrate-mongo"], { DATABASE_URL: database.url });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Give either --from <folder> or --mongo-uri <uri>.");
    const unknown = await run(["migrate-mongo", "--from", SAMPLE, "--fast"], { DATABASE_URL: database.url });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option --fast");
  });

  it("a dry run counts and verifies everything, and keeps nothing", async () => {
    const dry = await run(["migrate-mongo", "--from", SAMPLE, "--dry-run"], { DATABASE_URL: database.url });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Dry run (nothing kept): read 77 · written 76 · rejected 1");
    expect(await count("users")).toBe(0);
    expect(await count("import_runs")).toBe(0);
  }, 30_000);

  it("imports, prints the verification and progress, writes the JSON report, and exits 0", async () => {
    const reportFile = path.join(dir, "report.json");
    const result = await run(["migrate-mongo", "--from", SAMPLE, "--report", reportFile], {
      DATABASE_URL: database.url,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^users\s+6\s+6\s+0\s+0\s+ok$/m);
    expect(result.stdout).toContain("every record accounted for and checksums match");
    // Not a terminal: plain progress lines with the rate.
    expect(result.stderr).toMatch(
      /^recentlyplayeds\s+done 20 docs \(20 written, 0 rejected\)\s+[\d,]+ docs\/s$/m,
    );
    const report = JSON.parse(await readFile(reportFile, "utf8"));
    expect(report.ok).toBe(true);
    expect(report.collections).toHaveLength(13);
    const participants = report.collections.find((c: { name: string }) => c.name === "sessionparticipants");
    expect(participants).toMatchObject({ read: 6, written: 5, rejected: 1, unaccounted: 0 });
    expect(participants.issues).toEqual([
      expect.objectContaining({ legacyId: "65f00027000000000004d558", severity: "rejected" }),
    ]);
    expect(participants.issues[0].record.role).toBe("dj");
    expect(await count("plays")).toBe(20);
  }, 30_000);

  it("finishes the job with no duplicates when a run killed with SIGKILL halfway is started again", async () => {
    const killed = await createTestDatabase("cli_mongo_kill");
    const folder = path.join(dir, "generated");
    const summary = await writeLegacyExport(folder, { users: 50, songs: 200, plays: 30_000 });
    const db = createDb({ connectionString: killed.url, maxConnections: 1 });
    try {
      const first = start(["migrate-mongo", "--from", folder], { DATABASE_URL: killed.url });
      // Wait until some history batches have committed, then pull the plug.
      for (;;) {
        const { rows } = await sql<{ n: string }>`select coalesce(max(read), 0) as n from import_checkpoints
          where collection = 'recentlyplayeds'`
          .execute(db)
          .catch(() => ({ rows: [{ n: "0" }] }));
        if (Number(rows[0]!.n) >= 4_000) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      first.child.kill("SIGKILL");
      expect((await first.done).signal).toBe("SIGKILL");
      const partway = Number(
        (await sql<{ n: string }>`select count(*) as n from plays`.execute(db)).rows[0]!.n,
      );
      const expected = summary.docs.recentlyplayeds! - summary.rejected.recentlyplayeds!;
      expect(partway).toBeLessThan(expected);

      const second = await run(["migrate-mongo", "--from", folder], { DATABASE_URL: killed.url });
      expect(second.code).toBe(0);
      expect(second.stdout).toContain("every record accounted for and checksums match");
      const plays = Number(
        (await sql<{ n: string }>`select count(*) as n from plays`.execute(db)).rows[0]!.n,
      );
      expect(plays).toBe(expected);
      const users = Number(
        (await sql<{ n: string }>`select count(*) as n from users`.execute(db)).rows[0]!.n,
      );
      expect(users).toBe(summary.docs.users! - summary.rejected.users!);
      const runs = await sql<{ status: string }>`select status from import_runs`.execute(db);
      expect(runs.rows).toEqual([{ status: "finished" }]);
    } finally {
      await db.destroy();
      await killed.drop();
    }
  }, 120_000);
});
