import { createTestDatabase, type TestDatabase } from "@chorus/test-utils";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "./create-db.js";
import { ensurePlaysPartitions, refreshPopularSongs } from "./maintenance.js";
import { migrateToLatest } from "./migrate.js";

let database: TestDatabase;
let db: Db;
let userId: string;
let songIds: string[];

beforeAll(async () => {
  database = await createTestDatabase("library_schema");
  db = createDb({ connectionString: database.url, maxConnections: 4 });
  await migrateToLatest(db);
  userId = (
    await db
      .insertInto("users")
      .values({ email: "lib@example.com" })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  songIds = (
    await db
      .insertInto("songs")
      .values([0, 1, 2, 3].map((i) => ({ title: `Song ${i}`, duration_ms: 1000 * (i + 1) })))
      .returning("id")
      .execute()
  ).map((r) => r.id);
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

const positions = async (playlistId: string) =>
  (
    await db
      .selectFrom("playlist_items")
      .select(["position", "song_id"])
      .where("playlist_id", "=", playlistId)
      .orderBy("position")
      .execute()
  ).map((r) => [r.position, songIds.indexOf(r.song_id)]);

describe("library schema", () => {
  it("keeps playlist positions dense and totals right, even when a song leaves the catalog", async () => {
    const playlist = await db
      .insertInto("playlists")
      .values({ owner_id: userId, name: "Mix" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("playlist_items")
      .values(
        [0, 1, 2, 1, 3].map((i, position) => ({ playlist_id: playlist.id, song_id: songIds[i]!, position })),
      )
      .execute();
    const totals = () =>
      db
        .selectFrom("playlists")
        .select(["song_count", "duration_ms"])
        .where("id", "=", playlist.id)
        .executeTakeFirstOrThrow();
    expect(await totals()).toEqual({ song_count: 5, duration_ms: "12000" });

    // Song 1 appears twice; deleting it from the catalog cascades and renumbers.
    const spare = await db
      .insertInto("songs")
      .values({ title: "Spare", duration_ms: 500 })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db.updateTable("playlist_items").set({ song_id: spare.id }).where("position", "=", 1).execute();
    await db.deleteFrom("songs").where("id", "=", spare.id).execute();
    expect(await positions(playlist.id)).toEqual([
      [0, 0],
      [1, 2],
      [2, 1],
      [3, 3],
    ]);
    expect(await totals()).toEqual({ song_count: 4, duration_ms: "10000" });

    // Two items can never share a position once a transaction commits.
    await expect(
      db.updateTable("playlist_items").set({ position: 0 }).where("playlist_id", "=", playlist.id).execute(),
    ).rejects.toThrow(/playlist_items_position_key/);
  });

  it("routes plays into monthly partitions, moving rows the default partition caught", async () => {
    const old = new Date("2019-03-15T12:00:00Z");
    await db
      .insertInto("plays")
      .values({ user_id: userId, song_id: songIds[0]!, played_ms: 60_000, played_at: old })
      .execute();
    const where = async () => {
      const { rows } = await sql<{
        part: string;
      }>`select tableoid::regclass::text as part from plays where played_at = ${old}`.execute(db);
      return rows.map((r) => r.part);
    };
    expect(await where()).toEqual(["plays_default"]);
    expect(await ensurePlaysPartitions(db, old, 1)).toEqual(["plays_2019_03"]);
    expect(await where()).toEqual(["plays_2019_03"]);
    // Idempotent.
    expect(await ensurePlaysPartitions(db, old, 1)).toEqual(["plays_2019_03"]);
    // Created at migration time: this month and the next two.
    const now = new Date();
    const names = await ensurePlaysPartitions(db, now, 3);
    expect(names[0]).toBe(`plays_${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, "0")}`);
  });

  it("refreshes popular songs concurrently, once per interval", async () => {
    const other = (
      await db
        .insertInto("users")
        .values({ email: "lib2@example.com" })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    await db
      .insertInto("plays")
      .values([
        { user_id: userId, song_id: songIds[2]!, played_ms: 3000 },
        { user_id: other, song_id: songIds[2]!, played_ms: 3000 },
        { user_id: other, song_id: songIds[2]!, played_ms: 3000 },
        { user_id: other, song_id: songIds[3]!, played_ms: 100, skipped: true },
      ])
      .execute();
    const first = await refreshPopularSongs(db);
    expect(first.refreshed).toBe(true);
    const popular = await db.selectFrom("popular_songs").selectAll().execute();
    expect(popular.map((p) => [songIds.indexOf(p.song_id), p.plays, p.listeners])).toEqual([[2, 3, 2]]);
    // Within the interval a second call (another instance) does nothing.
    expect((await refreshPopularSongs(db, 60_000)).refreshed).toBe(false);
  });
});
