import { createTestDatabase, type TestDatabase } from "@chorus/test-utils";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "./create-db.js";
import {
  migrateDown,
  migrateToLatest,
  migrateToNothing,
  migrationNames,
  migrationStatus,
} from "./migrate.js";

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase("migrations");
  db = createDb({ connectionString: database.url, maxConnections: 2 });
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

async function tables(): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_name not like 'kysely_%'
      and table_name !~ '^plays_[0-9]' order by table_name`.execute(db);
  return rows.map((r) => r.table_name);
}

describe("migrations", () => {
  it("run every migration up, one by one down, and up again on a real PostgreSQL", async () => {
    const up = await migrateToLatest(db);
    expect(up.applied).toEqual(migrationNames);
    expect(await tables()).toEqual([
      "album_likes",
      "albums",
      "artists",
      "catalog_state",
      "chat_messages",
      "email_codes",
      "import_checkpoints",
      "import_issues",
      "import_runs",
      "legacy_ids",
      "live_sessions",
      "lyrics",
      "playlist_collaborators",
      "playlist_items",
      "playlists",
      "plays",
      "plays_default",
      "recent_searches",
      "recommendation_songs",
      "recommendations",
      "refresh_tokens",
      "search_outbox",
      "search_words",
      "session_events",
      "session_participants",
      "session_presence",
      "song_artists",
      "song_likes",
      "songs",
      "user_settings",
      "users",
      "view_refreshes",
    ]);
    expect((await migrationStatus(db)).every((m) => m.executedAt instanceof Date)).toBe(true);

    // Down one at a time, in reverse order: each down must undo exactly its up.
    for (const name of [...migrationNames].reverse()) {
      const down = await migrateDown(db);
      expect(down.applied).toEqual([name]);
    }
    expect(await tables()).toEqual([]);

    const again = await migrateToLatest(db);
    expect(again.applied).toEqual(migrationNames);
    expect((await migrateToLatest(db)).applied).toEqual([]);
  });

  it("enforce the data model's rules in the database itself", async () => {
    await migrateToLatest(db);
    const user = await db
      .insertInto("users")
      .values({ email: "Ann@Example.com", password_hash: "x" })
      .returningAll()
      .executeTakeFirstOrThrow();
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user.role).toBe("user");
    expect(user.created_at).toBeInstanceOf(Date);

    // Emails are unique whatever their case.
    await expect(
      db.insertInto("users").values({ email: "ann@example.com", password_hash: "y" }).execute(),
    ).rejects.toThrow(/users_email_lower_key/);

    // Settings get sensible defaults and refuse out-of-range values.
    const settings = await db
      .insertInto("user_settings")
      .values({ user_id: user.id })
      .returningAll()
      .executeTakeFirstOrThrow();
    expect(settings.equalizer.bands).toHaveLength(10);
    expect(settings.theme).toBe("system");
    await expect(
      db.updateTable("user_settings").set({ crossfade_seconds: 13 }).where("user_id", "=", user.id).execute(),
    ).rejects.toThrow(/crossfade_seconds/);

    // A song with two artists, in credited order; deleting the song removes its links.
    const [a, b] = await db
      .insertInto("artists")
      .values([{ name: "Nina" }, { name: "Otis" }])
      .returning("id")
      .execute();
    const album = await db
      .insertInto("albums")
      .values({ title: "Duets", artist_id: a!.id, year: 1970, color: "#aa00ff" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const song = await db
      .insertInto("songs")
      .values({
        title: "Together",
        album_id: album.id,
        duration_ms: 183_000,
        track_number: 1,
        disc_number: 1,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("song_artists")
      .values([
        { song_id: song.id, artist_id: a!.id, position: 0 },
        { song_id: song.id, artist_id: b!.id, position: 1, role: "featured" },
      ])
      .execute();
    await expect(db.insertInto("artists").values({ name: "NINA" }).execute()).rejects.toThrow(
      /artists_name_lower_key/,
    );
    await expect(db.insertInto("songs").values({ title: "Bad", duration_ms: -1 }).execute()).rejects.toThrow(
      /duration_ms/,
    );
    await db.deleteFrom("songs").where("id", "=", song.id).execute();
    const links = await db.selectFrom("song_artists").selectAll().where("song_id", "=", song.id).execute();
    expect(links).toEqual([]);

    // Deleting a user deletes what they own.
    await db.deleteFrom("users").where("id", "=", user.id).execute();
    expect(await db.selectFrom("user_settings").selectAll().execute()).toEqual([]);
  });

  it("moves the catalog revision on catalog changes, but not on play counts", async () => {
    await migrateToLatest(db);
    const revision = async () =>
      Number((await db.selectFrom("catalog_state").select("revision").executeTakeFirstOrThrow()).revision);
    const start = await revision();
    const song = await db
      .insertInto("songs")
      .values({ title: "Rev", duration_ms: 1000 })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect(await revision()).toBe(start + 1);
    await db.updateTable("songs").set({ play_count: 5 }).where("id", "=", song.id).execute();
    expect(await revision()).toBe(start + 1);
    await db.updateTable("songs").set({ title: "Rev 2" }).where("id", "=", song.id).execute();
    expect(await revision()).toBe(start + 2);
    await db.deleteFrom("songs").where("id", "=", song.id).execute();
    // The cascade to song_artists and lyrics moves it too.
    expect(await revision()).toBeGreaterThan(start + 2);
  });

  it("reports a failed migration by name with the database's reason", async () => {
    const broken = createDb({ connectionString: database.url.replace(/\/[^/]+$/, "/no_such_database_here") });
    try {
      await expect(migrateToLatest(broken)).rejects.toThrow(/no_such_database_here/);
    } finally {
      await broken.destroy();
    }
  });

  it("revert everything with migrateToNothing", async () => {
    await migrateToLatest(db);
    const result = await migrateToNothing(db);
    expect(result.applied).toEqual([...migrationNames].reverse());
    expect(await tables()).toEqual([]);
  });
});
