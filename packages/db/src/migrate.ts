import { type Kysely, type MigrationResultSet, Migrator, NO_MIGRATIONS } from "kysely";
import { migrations } from "./migrations/index.js";

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
type AnyDb = Kysely<any>;

export interface MigrationReport {
  /** Names of the migrations this call applied (or reverted), in order. */
  applied: string[];
}

function migrator(db: AnyDb): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
}

function unwrap(result: MigrationResultSet, verb: string): MigrationReport {
  const failed = result.results?.find((r) => r.status === "Error");
  if (result.error) {
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(
      `Database migration ${failed ? `"${failed.migrationName}" ` : ""}failed to ${verb}: ${cause}`,
      {
        cause: result.error,
      },
    );
  }
  return {
    applied: (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName),
  };
}

/** Applies every pending migration. Safe to call from several instances at once (Kysely takes a lock). */
export async function migrateToLatest(db: AnyDb): Promise<MigrationReport> {
  return unwrap(await migrator(db).migrateToLatest(), "apply");
}

/** Reverts the most recent migration. */
export async function migrateDown(db: AnyDb): Promise<MigrationReport> {
  return unwrap(await migrator(db).migrateDown(), "revert");
}

/** Reverts every migration, leaving an empty schema (tests and `chorus-migrate reset`). */
export async function migrateToNothing(db: AnyDb): Promise<MigrationReport> {
  return unwrap(await migrator(db).migrateTo(NO_MIGRATIONS), "revert");
}

/** Names of all migrations and whether each has run. */
export async function migrationStatus(db: AnyDb): Promise<{ name: string; executedAt: Date | null }[]> {
  const list = await migrator(db).getMigrations();
  return list.map((m) => ({ name: m.name, executedAt: m.executedAt ?? null }));
}

export const migrationNames: readonly string[] = Object.keys(migrations).sort();
