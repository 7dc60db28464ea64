import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { silentLog } from "./backends.js";
import { startEmbeddedPostgres } from "./embedded-postgres.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function query(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe("embedded PostgreSQL", () => {
  it("creates a real server under DATA_DIR, and keeps its data across a restart", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "chorus-embedded-"));
    dirs.push(dataDir);

    const first = await startEmbeddedPostgres(dataDir, silentLog);
    try {
      expect(first.url).toMatch(/^postgres:\/\/chorus:[^@]+@127\.0\.0\.1:\d+\/chorus$/);
      await query(first.url, "create table kept (n int); insert into kept values (42)");
      // pg_trgm ships with it: search needs it.
      await query(first.url, "create extension if not exists pg_trgm");
    } finally {
      await first.stop();
    }

    const second = await startEmbeddedPostgres(dataDir, silentLog);
    try {
      expect(await query(second.url, "select n from kept")).toEqual([{ n: 42 }]);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
