import { type Kysely, sql } from "kysely";

// Frozen history: never edit this file once it has landed; add the next migration instead.

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("songs")
    .addColumn("play_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("codec", "text")
    .addColumn("sample_rate", "integer")
    .addColumn("channels", "smallint")
    .addColumn("lossless", "boolean")
    .execute();
  await db.schema
    .createIndex("songs_play_count_idx")
    .on("songs")
    .columns(["play_count desc", "id"])
    .execute();
  await sql`create index songs_file_path_prefix_idx on songs (file_path text_pattern_ops) where file_path is not null`.execute(
    db,
  );

  // One album per (title, album artist), whatever the case: the library import upserts on it.
  await sql`create unique index albums_title_artist_key on albums
    (lower(title), coalesce(artist_id, '00000000-0000-0000-0000-000000000000'::uuid))`.execute(db);

  await db.schema
    .createTable("lyrics")
    .addColumn("song_id", "uuid", (c) => c.primaryKey().references("songs.id").onDelete("cascade"))
    .addColumn("plain", "text")
    // [{ "ms": 12000, "text": "..." }, ...] in time order, or null when only plain text is known.
    .addColumn("synced", "jsonb")
    .addColumn("language", "text")
    .addColumn("source", "text")
    .addColumn("updated_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("legacy_id", "text", (c) => c.unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("lyrics_has_text", sql`plain is not null or synced is not null`)
    .execute();

  // One counter that moves whenever the catalog changes, whoever changes it (the server, the import
  // CLI, a person with psql). Caches key catalog reads by it, so they never serve a stale catalog.
  await sql`create table catalog_state (id boolean primary key default true check (id), revision bigint not null)`.execute(
    db,
  );
  await sql`insert into catalog_state (revision) values (1)`.execute(db);
  await sql`create function bump_catalog_revision() returns trigger language plpgsql as $$
    begin
      update catalog_state set revision = revision + 1;
      return null;
    end $$`.execute(db);
  for (const table of ["songs", "albums", "artists", "song_artists", "lyrics"]) {
    // play_count changes with every play: it must not invalidate the catalog.
    const events =
      table === "songs"
        ? sql.raw(`insert or delete or update of ${SONG_CATALOG_COLUMNS.join(", ")}`)
        : sql.raw("insert or update or delete");
    await sql`create trigger ${sql.raw(`${table}_catalog_revision`)} after ${events} on ${sql.table(table)}
      for each statement execute function bump_catalog_revision()`.execute(db);
  }
}

const SONG_CATALOG_COLUMNS = [
  "title",
  "album_id",
  "duration_ms",
  "track_number",
  "disc_number",
  "year",
  "genre",
  "description",
  "audio_key",
  "file_path",
  "audio_url",
  "mime_type",
  "cover_key",
  "cover_url",
  "replaygain_track_gain_db",
  "replaygain_track_peak",
  "replaygain_album_gain_db",
  "replaygain_album_peak",
];

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["songs", "albums", "artists", "song_artists", "lyrics"]) {
    await sql`drop trigger ${sql.raw(`${table}_catalog_revision`)} on ${sql.table(table)}`.execute(db);
  }
  await sql`drop function bump_catalog_revision()`.execute(db);
  await sql`drop table catalog_state`.execute(db);
  await db.schema.dropTable("lyrics").execute();
  await sql`drop index albums_title_artist_key`.execute(db);
  await sql`drop index songs_file_path_prefix_idx`.execute(db);
  await db.schema.dropIndex("songs_play_count_idx").execute();
  await db.schema
    .alterTable("songs")
    .dropColumn("play_count")
    .dropColumn("codec")
    .dropColumn("sample_rate")
    .dropColumn("channels")
    .dropColumn("lossless")
    .execute();
}
