import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "./schema.js";

export interface DbConfig {
  /** postgres://user:pass@host:port/db */
  connectionString: string;
  /** Pool size per process. Keep it small: N instances × max must stay under the server's limit. */
  maxConnections?: number;
  /** Milliseconds to wait for a connection before failing, so a dead database is an error, not a hang. */
  connectionTimeoutMs?: number;
  /** Called for each query, e.g. to log slow ones or feed metrics. */
  onQuery?: (sql: string, durationMs: number) => void;
}

export type Db = Kysely<Database>;

/** One Kysely instance over a pg pool. Close it with `db.destroy()`. */
export function createDb(config: DbConfig): Db {
  const pool = new pg.Pool({
    connectionString: config.connectionString,
    max: config.maxConnections ?? 10,
    connectionTimeoutMillis: config.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
  });
  // A dropped idle connection emits 'error' on the pool; without a listener it would crash the process.
  pool.on("error", () => {});
  const onQuery = config.onQuery;
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    ...(onQuery
      ? {
          log: (event) => {
            if (event.level === "query") onQuery(event.query.sql, event.queryDurationMillis);
          },
        }
      : {}),
  });
}
