export { createDb, type Db, type DbConfig } from "./create-db.js";
export { ensurePlaysPartitions, type RefreshResult, refreshPopularSongs } from "./maintenance.js";
export {
  type MigrationReport,
  migrateDown,
  migrateToLatest,
  migrateToNothing,
  migrationNames,
  migrationStatus,
} from "./migrate.js";
export * from "./schema.js";
