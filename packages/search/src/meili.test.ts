import { randomBytes } from "node:crypto";
import { createDb, type Db, migrateToLatest } from "@chorus/db";
import { createTestDatabase, type TestDatabase } from "@chorus/test-utils";
import { Meilisearch } from "meilisearch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_HITS, SEARCH_TYPES } from "./engine.js";
import { createMeiliSearch, INDEX_SETTINGS, type MeiliSearchEngine, searchText } from "./meili.js";
import { reindex, syncSearchIndex } from "./sync.js";
import { type Fixtures, seedCatalog } from "./test-catalog.js";

const MEILI_URL = process.env.MEILI_URL;
const MEILI_KEY = process.env.MEILI_MASTER_KEY;
const SKIPPED = "skipped: MEILI_URL is not set (no Meilisearch server on this machine)";

if (!MEILI_URL) {
  // biome-ignore lint/suspicious/noConsole: the reason for the skip belongs in the test output
  console.info(
    `meili.test.ts: the tests against a real Meilisearch are ${SKIPPED}; set MEILI_URL to run them.`,
  );
}

describe("createMeiliSearch without a server", () => {
  it("sends queries normalized, without Meilisearch's operators, at most 10 words", () => {
    expect(searchText("  Björk  ")).toBe("bjork");
    expect(searchText('"hey jude" -live')).toBe("hey jude live");
    expect(searchText("AC-DC")).toBe("ac-dc");
    expect(searchText("a b c d e f g h i j k l").split(" ")).toHaveLength(10);
    expect(searchText(' -- " ')).toBe("");
  });

  it("answers an empty query with no hits, without asking the server", async () => {
    // Nothing listens there: a request would fail.
    const meili = createMeiliSearch({ url: "http://127.0.0.1:9" });
    expect(await meili.search({ q: "   ", types: ["songs", "albums"], limit: 5 })).toEqual(NO_HITS);
    expect(await meili.search({ q: "hey", types: [], limit: 5 })).toEqual(NO_HITS);
    expect(await meili.autocomplete('"', 5)).toEqual([]);
  });

  it("names its indexes with the prefix, and refuses a prefix Meilisearch would refuse", () => {
    expect(createMeiliSearch({ url: "http://127.0.0.1:9" }).indexes).toEqual({
      songs: "chorus_songs",
      albums: "chorus_albums",
      artists: "chorus_artists",
      playlists: "chorus_playlists",
    });
    expect(createMeiliSearch({ url: "http://127.0.0.1:9", indexPrefix: "staging-" }).indexes.songs).toBe(
      "staging-songs",
    );
    expect(() => createMeiliSearch({ url: "http://127.0.0.1:9", indexPrefix: "a b" })).toThrow(
      /index prefix/,
    );
  });

  it("ranks by relevance, then popularity, searching titles before names", () => {
    expect(INDEX_SETTINGS.songs.searchableAttributes).toEqual(["title", "album", "artists"]);
    expect(INDEX_SETTINGS.songs.rankingRules?.at(-1)).toBe("play_count:desc");
    expect(INDEX_SETTINGS.albums.searchableAttributes).toEqual(["title", "artist"]);
    expect(INDEX_SETTINGS.artists.searchableAttributes).toEqual(["name"]);
    expect(INDEX_SETTINGS.playlists.searchableAttributes).toEqual(["name", "description"]);
  });
});

describe.skipIf(!MEILI_URL)(
  MEILI_URL ? `Meilisearch at MEILI_URL (${MEILI_URL})` : `Meilisearch against a real server: ${SKIPPED}`,
  () => {
    let database: TestDatabase;
    let db: Db;
    let meili: MeiliSearchEngine;
    let f: Fixtures;
    const client = () => new Meilisearch({ host: MEILI_URL!, ...(MEILI_KEY ? { apiKey: MEILI_KEY } : {}) });

    beforeAll(async () => {
      database = await createTestDatabase("search_meili");
      db = createDb({ connectionString: database.url, maxConnections: 4 });
      await migrateToLatest(db);
      f = await seedCatalog(db, { songs: 300 });
      meili = createMeiliSearch({
        url: MEILI_URL!,
        apiKey: MEILI_KEY,
        // Its own indexes, so that test runs (and a real deployment) can share the server.
        indexPrefix: `chorus_test_${randomBytes(4).toString("hex")}_`,
      });
    }, 120_000);

    afterAll(async () => {
      if (meili) await Promise.all(SEARCH_TYPES.map((t) => client().deleteIndexIfExists(meili.indexes[t])));
      await db?.destroy();
      await database?.drop();
    });

    it("is healthy", async () => {
      await meili.health();
    });

    it("reindexes the catalog with the index settings", async () => {
      const report = await reindex(db, meili);
      const { n } = await db
        .selectFrom("songs")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .executeTakeFirstOrThrow();
      expect(report.indexed.songs).toBe(Number(n));
      expect(report.indexed.playlists).toBe(1);
      expect(await meili.countDocuments("songs")).toBe(Number(n));
      expect(await db.selectFrom("search_outbox").select("id").execute()).toEqual([]);

      const settings = await client().index(meili.indexes.songs).getSettings();
      expect(settings.searchableAttributes).toEqual(["title", "album", "artists"]);
      expect(settings.rankingRules?.[0]).toBe("words");
      expect(settings.rankingRules?.at(-1)).toBe("play_count:desc");
      expect(settings.typoTolerance?.enabled).toBe(true);
      expect(settings.filterableAttributes).toContain("synced_at");
    }, 120_000);

    it("finds through typos and accents", async () => {
      const all = ["songs", "albums", "artists", "playlists"] as const;
      const search = (q: string) => meili.search({ q, types: [...all], limit: 5 });
      expect((await search("beatls")).artists[0]).toBe(f.artists.beatles);
      expect((await search("bjork")).artists[0]).toBe(f.artists.bjork);
      expect((await search("homogenik")).albums[0]).toBe(f.albums.homogenic);
      expect((await search("hoppipola")).songs[0]).toBe(f.songs.hoppipolla);
      expect((await search("road")).playlists).toEqual([f.playlists.roadTrip]);
      // Equally relevant songs come most played first.
      expect((await search("beatles")).songs).toEqual([
        f.songs.heyJude,
        f.songs.comeTogether,
        f.songs.hereComesTheSun,
        f.songs.letItBe,
        f.songs.getBack,
      ]);
    });

    it("suggests artists, albums and songs for a prefix", async () => {
      const suggestions = await meili.autocomplete("hey ju", 6);
      expect(suggestions).toContainEqual({
        type: "song",
        id: f.songs.heyJude,
        text: "Hey Jude",
        detail: "The Beatles",
      });
      expect(suggestions).toContainEqual({
        type: "album",
        id: f.albums.heyJudeAlbum,
        text: "Hey Jude",
        detail: "The Beatles",
      });
    });

    it("follows inserts, updates and deletes through the outbox", async () => {
      const songs = (q: string) => meili.search({ q, types: ["songs"], limit: 5 }).then((h) => h.songs);
      const { id } = await db
        .insertInto("songs")
        .values({ title: "Zzyzx Road", duration_ms: 180_000 })
        .returning("id")
        .executeTakeFirstOrThrow();
      await db
        .insertInto("song_artists")
        .values({ song_id: id, artist_id: f.artists.bjork, position: 0 })
        .execute();
      await syncSearchIndex(db, meili);
      expect(await songs("zzyzx")).toEqual([id]);

      await db.updateTable("songs").set({ title: "Zzyzx Junction" }).where("id", "=", id).execute();
      await db
        .updateTable("artists")
        .set({ name: "Björk Guðmundsdóttir" })
        .where("id", "=", f.artists.bjork)
        .execute();
      await syncSearchIndex(db, meili);
      expect(await songs("zzyzx junction")).toEqual([id]);
      expect(await songs("gudmundsdottir")).toContain(f.songs.joga);

      await db.deleteFrom("songs").where("id", "=", id).execute();
      await syncSearchIndex(db, meili);
      expect(await songs("zzyzx")).toEqual([]);
      expect(await db.selectFrom("search_outbox").select("id").execute()).toEqual([]);
    });
  },
);
