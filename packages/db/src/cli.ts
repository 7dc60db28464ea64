#!/usr/bin/env node
import { createDb } from "./create-db.js";
import { migrateDown, migrateToLatest, migrationStatus } from "./migrate.js";

const usage = `Usage: chorus-migrate <latest|down|status>
Runs the Chorus migrations against DATABASE_URL.`;

async function main(): Promise<number> {
  const command = process.argv[2] ?? "latest";
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is not set: point it at the PostgreSQL database to migrate.");
    return 2;
  }
  const db = createDb({ connectionString: url, maxConnections: 1 });
  try {
    if (command === "latest") {
      const { applied } = await migrateToLatest(db);
      process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "already up to date\n");
    } else if (command === "down") {
      const { applied } = await migrateDown(db);
      process.stdout.write(applied.length ? `reverted: ${applied.join(", ")}\n` : "nothing to revert\n");
    } else if (command === "status") {
      for (const m of await migrationStatus(db)) {
        process.stdout.write(`${m.executedAt ? "applied" : "pending"}  ${m.name}\n`);
      }
    } else {
      console.error(usage);
      return 2;
    }
    return 0;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
