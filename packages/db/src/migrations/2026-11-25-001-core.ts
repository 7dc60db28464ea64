import { type Kysely, sql } from "kysely";

// Frozen history: never edit this file once it has landed; add the next migration instead.

const DEFAULT_EQUALIZER = JSON.stringify({
  enabled: false,
  preset: "flat",
  bands: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
});
const DEFAULT_NOTIFICATIONS = JSON.stringify({ email: true, push: false });

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("email", "text", (c) => c.notNull().check(sql`length(email) between 3 and 320`))
    .addColumn("password_hash", "text")
    .addColumn("name", "text")
    .addColumn("bio", "text")
    .addColumn("avatar_key", "text")
    .addColumn("avatar_url", "text")
    .addColumn("role", "text", (c) => c.notNull().defaultTo("user").check(sql`role in ('user', 'admin')`))
    .addColumn("email_verified_at", "timestamptz")
    .addColumn("legacy_id", "text", (c) => c.unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The old app compared emails case-sensitively; Chorus treats Ann@x and ann@x as one address.
  await sql`create unique index users_email_lower_key on users (lower(email))`.execute(db);
  await db.schema.createIndex("users_created_at_idx").on("users").column("created_at desc").execute();

  await db.schema
    .createTable("user_settings")
    .addColumn("user_id", "uuid", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    .addColumn("theme", "text", (c) =>
      c.notNull().defaultTo("system").check(sql`theme in ('dark', 'light', 'system')`),
    )
    .addColumn("audio_quality", "text", (c) =>
      c.notNull().defaultTo("high").check(sql`audio_quality in ('low', 'normal', 'high', 'lossless')`),
    )
    .addColumn("equalizer", "jsonb", (c) => c.notNull().defaultTo(sql.lit(DEFAULT_EQUALIZER)))
    .addColumn("crossfade_seconds", "real", (c) =>
      c.notNull().defaultTo(0).check(sql`crossfade_seconds between 0 and 12`),
    )
    .addColumn("autoplay", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("private_session", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("language", "text", (c) => c.notNull().defaultTo("en"))
    .addColumn("notifications", "jsonb", (c) => c.notNull().defaultTo(sql.lit(DEFAULT_NOTIFICATIONS)))
    .addColumn("legacy_id", "text", (c) => c.unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("artists")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("name", "text", (c) => c.notNull().check(sql`length(name) between 1 and 500`))
    .addColumn("sort_name", "text")
    .addColumn("bio", "text")
    .addColumn("image_key", "text")
    .addColumn("legacy_id", "text", (c) => c.unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Tags name artists by text: one artist per name, whatever its case.
  await sql`create unique index artists_name_lower_key on artists (lower(name))`.execute(db);

  await db.schema
    .createTable("albums")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("title", "text", (c) => c.notNull().check(sql`length(title) between 1 and 500`))
    .addColumn("artist_id", "uuid", (c) => c.references("artists.id").onDelete("set null"))
    .addColumn("year", "integer", (c) => c.check(sql`year between 0 and 9999`))
    .addColumn("genre", "text")
    .addColumn("description", "text")
    .addColumn("color", "text", (c) => c.check(sql`color ~ '^#[0-9a-fA-F]{6}$'`))
    .addColumn("cover_key", "text")
    .addColumn("cover_url", "text")
    .addColumn("legacy_id", "text", (c) => c.unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("albums_artist_id_idx").on("albums").column("artist_id").execute();
  await db.schema
    .createIndex("albums_created_at_idx")
    .on("albums")
    .columns(["created_at desc", "id desc"])
    .execute();
  await sql`create index albums_title_lower_idx on albums (lower(title), id)`.execute(db);

  await db.schema
    .createTable("songs")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("title", "text", (c) => c.notNull().check(sql`length(title) between 1 and 500`))
    .addColumn("album_id", "uuid", (c) => c.references("albums.id").onDelete("set null"))
    .addColumn("duration_ms", "integer", (c) => c.notNull().check(sql`duration_ms >= 0`))
    .addColumn("track_number", "integer", (c) => c.check(sql`track_number > 0`))
    .addColumn("disc_number", "integer", (c) => c.check(sql`disc_number > 0`))
    .addColumn("year", "integer", (c) => c.check(sql`year between 0 and 9999`))
    .addColumn("genre", "text")
    .addColumn("description", "text")
    .addColumn("audio_key", "text")
    .addColumn("file_path", "text", (c) => c.unique())
    .addColumn("audio_url", "text")
    .addColumn("mime_type", "text")
    .addColumn("size_bytes", "bigint", (c) => c.check(sql`size_bytes >= 0`))
    .addColumn("bitrate", "integer")
    .addColumn("file_mtime", "timestamptz")
    .addColumn("cover_key", "text")
    .addColumn("cover_url", "text")
    .addColumn("replaygain_track_gain_db", "real")
    .addColumn("replaygain_track_peak", "real")
    .addColumn("replaygain_album_gain_db", "real")
    .addColumn("replaygain_album_peak", "real")
    .addColumn("uploaded_by", "uuid", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("legacy_id", "text", (c) => c.unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("songs_album_order_idx")
    .on("songs")
    .columns(["album_id", "disc_number", "track_number"])
    .execute();
  await db.schema
    .createIndex("songs_created_at_idx")
    .on("songs")
    .columns(["created_at desc", "id desc"])
    .execute();
  await sql`create index songs_title_lower_idx on songs (lower(title), id)`.execute(db);
  await db.schema.createIndex("songs_uploaded_by_idx").on("songs").column("uploaded_by").execute();

  await db.schema
    .createTable("song_artists")
    .addColumn("song_id", "uuid", (c) => c.notNull().references("songs.id").onDelete("cascade"))
    .addColumn("artist_id", "uuid", (c) => c.notNull().references("artists.id").onDelete("cascade"))
    .addColumn("position", "smallint", (c) => c.notNull().defaultTo(0))
    .addColumn("role", "text", (c) =>
      c.notNull().defaultTo("primary").check(sql`role in ('primary', 'featured')`),
    )
    .addPrimaryKeyConstraint("song_artists_pkey", ["song_id", "artist_id"])
    .execute();
  await db.schema
    .createIndex("song_artists_artist_idx")
    .on("song_artists")
    .columns(["artist_id", "song_id"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("song_artists").execute();
  await db.schema.dropTable("songs").execute();
  await db.schema.dropTable("albums").execute();
  await db.schema.dropTable("artists").execute();
  await db.schema.dropTable("user_settings").execute();
  await db.schema.dropTable("users").execute();
}
