import { type Kysely, sql } from "kysely";

// Frozen history: never edit this file once it has landed; add the next migration instead.

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  // One row per refresh token ever issued. A family is one sign-in: every rotation adds a row to
  // it, and presenting a token that was already rotated revokes the whole family (theft signal).
  await db.schema
    .createTable("refresh_tokens")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("family_id", "uuid", (c) => c.notNull())
    // SHA-256 of the token: the token itself is never stored.
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("rotated_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .addColumn("user_agent", "text")
    .addColumn("ip", "text")
    .execute();
  await db.schema.createIndex("refresh_tokens_user_idx").on("refresh_tokens").column("user_id").execute();
  await db.schema.createIndex("refresh_tokens_family_idx").on("refresh_tokens").column("family_id").execute();
  await db.schema
    .createIndex("refresh_tokens_expires_idx")
    .on("refresh_tokens")
    .column("expires_at")
    .execute();

  // Emailed one-time codes: sign-up verification, passwordless login, account deletion.
  await db.schema
    .createTable("email_codes")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("purpose", "text", (c) => c.notNull().check(sql`purpose in ('verify', 'login', 'delete')`))
    // HMAC-SHA-256 of the code under the server's secret.
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("consumed_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("email_codes_lookup_idx")
    .on("email_codes")
    .columns(["user_id", "purpose", "created_at desc"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("email_codes").execute();
  await db.schema.dropTable("refresh_tokens").execute();
}
