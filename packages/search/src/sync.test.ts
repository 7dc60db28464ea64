import { createDb, type Db, migrateToLatest } from "@chorus/db";
import { createTestDatabase, type TestDatabase } from "@chorus/test-utils";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { SEARCH_TYPES, type SearchType } from "./engine.js";
import type { MeiliIndexes, SearchDocument, SearchDocuments, TaskRef } from "./meili.js";
import { type ReindexProgress, reindex, startSearchSync, syncSearchIndex } from "./sync.js";

/**
 * An in-memory stand-in for the Meilisearch calls that sync and reindex make (the MeiliIndexes
 * interface; the real one is createMeiliSearch's, tested against a real server in meili.test.ts).
 * It fakes: adding or replacing whole documents by id, deleting by id, deleting by `synced_at <`,
 * counting, applying the settings (it just counts calls) and waiting for tasks. A write is applied
 * when it is enqueued, as Meilisearch applies one index's tasks in order. No searching, no ranking.
 * `fail` makes the next calls throw, as a server that is down does; `hold` makes waitForTasks wait
 * until released, to catch a batch in the middle.
 */
class FakeMeili implements MeiliIndexes {
  docs = Object.fromEntries(SEARCH_TYPES.map((t) => [t, new Map<string, SearchDocument>()])) as Record<
    SearchType,
    Map<string, SearchDocument>
  >;
  settingsApplied = 0;
  failures = 0;
  held: Promise<void> | null = null;
  private nextTask = 1;

  private check() {
    if (this.failures > 0) {
      this.failures--;
      throw new Error("connect ECONNREFUSED 127.0.0.1:7700");
    }
  }
  private task(): TaskRef {
    return { taskUid: this.nextTask++ };
  }
  async ensureSettings() {
    this.check();
    this.settingsApplied++;
  }
  async addDocuments<T extends SearchType>(type: T, documents: SearchDocuments[T][]) {
    this.check();
    for (const d of documents) this.docs[type].set(d.id, { ...d });
    return this.task();
  }
  async deleteDocuments(type: SearchType, ids: string[]) {
    this.check();
    for (const id of ids) this.docs[type].delete(id);
    return this.task();
  }
  async deleteDocumentsSyncedBefore(type: SearchType, syncedAt: number) {
    this.check();
    for (const [id, d] of this.docs[type]) if (d.synced_at < syncedAt) this.docs[type].delete(id);
    return this.task();
  }
  async waitForTasks(_tasks: TaskRef[]) {
    this.check();
    await this.held;
  }
  async countDocuments(type: SearchType) {
    this.check();
    return this.docs[type].size;
  }
  hold(): () => void {
    let release = () => {};
    this.held = new Promise<void>((resolve) => {
      release = () => {
        this.held = null;
        resolve();
      };
    });
    return release;
  }
  doc<T extends SearchType>(type: T, id: string): SearchDocuments[T] | undefined {
    return this.docs[type].get(id) as SearchDocuments[T] | undefined;
  }
}

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase("search_sync");
  db = createDb({ connectionString: database.url, maxConnections: 6 });
  await migrateToLatest(db);
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

beforeEach(async () => {
  // Each test starts from an empty catalog and an empty outbox.
  await sql`truncate songs, albums, artists, playlists, users, search_outbox cascade`.execute(db);
});

const outbox = async () =>
  (await db.selectFrom("search_outbox").select(["entity", "entity_id"]).orderBy("id").execute()).map(
    (r) => `${r.entity}:${r.entity_id}`,
  );

async function catalog() {
  const artist = async (name: string) =>
    (await db.insertInto("artists").values({ name }).returning("id").executeTakeFirstOrThrow()).id;
  const beatles = await artist("The Beatles");
  const preston = await artist("Billy Preston");
  const { id: album } = await db
    .insertInto("albums")
    .values({ title: "Let It Be", artist_id: beatles, year: 1970 })
    .returning("id")
    .executeTakeFirstOrThrow();
  const song = async (title: string, artists: string[], playCount: number) => {
    const { id } = await db
      .insertInto("songs")
      .values({ title, album_id: album, duration_ms: 200_000, play_count: playCount })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("song_artists")
      .values(artists.map((artist_id, position) => ({ song_id: id, artist_id, position })))
      .execute();
    return id;
  };
  const getBack = await song("Get Back", [beatles, preston], 300);
  const letItBe = await song("Let It Be", [beatles], 700);
  const { id: owner } = await db
    .insertInto("users")
    .values({ email: `sync-${Date.now()}@example.com` })
    .returning("id")
    .executeTakeFirstOrThrow();
  const { id: playlist } = await db
    .insertInto("playlists")
    .values({ owner_id: owner, name: "Rooftop", description: "January 1969", is_public: true })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("playlist_items")
    .values({ playlist_id: playlist, song_id: getBack, position: 0 })
    .execute();
  return { beatles, preston, album, getBack, letItBe, playlist };
}

describe("syncSearchIndex (real PostgreSQL, in-memory Meilisearch)", () => {
  it("writes what the outbox names, as documents read from the catalog, and empties the outbox", async () => {
    const c = await catalog();
    expect((await outbox()).length).toBeGreaterThan(0);
    const meili = new FakeMeili();

    const result = await syncSearchIndex(db, meili, { batchSize: 3 });

    expect(result).toMatchObject({ busy: false, more: false, deleted: 0 });
    expect(result.written).toBeGreaterThanOrEqual(6);
    expect(await outbox()).toEqual([]);
    expect(meili.doc("songs", c.getBack)).toMatchObject({
      id: c.getBack,
      title: "Get Back",
      album: "Let It Be",
      artists: ["The Beatles", "Billy Preston"],
      play_count: 300,
    });
    expect(meili.doc("songs", c.getBack)?.synced_at).toBeGreaterThan(Date.now() - 60_000);
    expect(meili.doc("albums", c.album)).toMatchObject({
      title: "Let It Be",
      artist: "The Beatles",
      year: 1970,
      play_count: 1000,
    });
    expect(meili.doc("artists", c.preston)).toMatchObject({ name: "Billy Preston", play_count: 300 });
    expect(meili.doc("playlists", c.playlist)).toMatchObject({
      name: "Rooftop",
      description: "January 1969",
      song_count: 1,
    });
  });

  it("follows updates: an artist renamed rewrites their songs and albums", async () => {
    const c = await catalog();
    const meili = new FakeMeili();
    await syncSearchIndex(db, meili);

    await db.updateTable("artists").set({ name: "Beatles" }).where("id", "=", c.beatles).execute();
    const pending = await outbox();
    expect(pending).toEqual(
      expect.arrayContaining([
        `artist:${c.beatles}`,
        `album:${c.album}`,
        `song:${c.getBack}`,
        `song:${c.letItBe}`,
      ]),
    );
    await syncSearchIndex(db, meili);

    expect(meili.doc("artists", c.beatles)?.name).toBe("Beatles");
    expect(meili.doc("albums", c.album)?.artist).toBe("Beatles");
    expect(meili.doc("songs", c.getBack)?.artists).toEqual(["Beatles", "Billy Preston"]);
    expect(meili.doc("songs", c.letItBe)?.artists).toEqual(["Beatles"]);
  });

  it("deletes what is gone, and playlists that are no longer listed publicly", async () => {
    const c = await catalog();
    const meili = new FakeMeili();
    await syncSearchIndex(db, meili);

    await db.deleteFrom("songs").where("id", "=", c.letItBe).execute();
    await db.updateTable("playlists").set({ is_public: false }).where("id", "=", c.playlist).execute();
    const result = await syncSearchIndex(db, meili);

    expect(result.deleted).toBe(2);
    expect(meili.doc("songs", c.letItBe)).toBeUndefined();
    expect(meili.doc("playlists", c.playlist)).toBeUndefined();
    expect(meili.doc("songs", c.getBack)).toBeDefined();

    // Public again, but empty: still not listed.
    await db.deleteFrom("playlist_items").where("playlist_id", "=", c.playlist).execute();
    await db.updateTable("playlists").set({ is_public: true }).where("id", "=", c.playlist).execute();
    await syncSearchIndex(db, meili);
    expect(meili.doc("playlists", c.playlist)).toBeUndefined();
  });

  it("keeps the outbox when Meilisearch fails, and catches up after", async () => {
    await catalog();
    const before = await outbox();
    const meili = new FakeMeili();
    meili.failures = 1;

    await expect(syncSearchIndex(db, meili)).rejects.toThrow(/ECONNREFUSED/);
    expect(await outbox()).toEqual(before);

    await syncSearchIndex(db, meili);
    expect(await outbox()).toEqual([]);
    expect(meili.docs.songs.size).toBe(2);
  });

  it("never blocks catalog writes, and keeps rows that arrive during a batch", async () => {
    const c = await catalog();
    const meili = new FakeMeili();
    const release = meili.hold();
    const draining = syncSearchIndex(db, meili);
    await vi.waitFor(() => expect(meili.docs.songs.size).toBe(2));

    // The batch is waiting on Meilisearch, holding its transaction: the catalog still takes writes.
    const started = performance.now();
    await db.updateTable("songs").set({ title: "Get Back (Rooftop)" }).where("id", "=", c.getBack).execute();
    expect(performance.now() - started).toBeLessThan(1_000);
    // And a second drainer (another instance) steps aside instead of racing it.
    expect(await syncSearchIndex(db, new FakeMeili())).toMatchObject({ busy: true, processed: 0 });

    release();
    await draining;
    // The edit came after the batch read its rows: its outbox row stays for the next pass.
    expect(await outbox()).toEqual([`song:${c.getBack}`]);
    await syncSearchIndex(db, meili);
    expect(meili.doc("songs", c.getBack)?.title).toBe("Get Back (Rooftop)");
    expect(await outbox()).toEqual([]);
  });

  it("stops after maxBatches and says there is more", async () => {
    await catalog();
    const result = await syncSearchIndex(db, new FakeMeili(), { batchSize: 2, maxBatches: 1 });
    expect(result).toMatchObject({ processed: 2, more: true });
  });
});

describe("reindex (real PostgreSQL, in-memory Meilisearch)", () => {
  it("rewrites every document, removes stale ones, clears the backlog and reports progress", async () => {
    const c = await catalog();
    const meili = new FakeMeili();
    // Left over from before: a song deleted while nothing synced, and an old copy of a real one.
    meili.docs.songs.set("00000000-0000-4000-8000-000000000000", {
      id: "00000000-0000-4000-8000-000000000000",
      title: "Gone",
      album: null,
      artists: [],
      play_count: 0,
      synced_at: 1,
    });
    meili.docs.songs.set(c.getBack, {
      id: c.getBack,
      title: "Old title",
      album: null,
      artists: [],
      play_count: 0,
      synced_at: 2,
    });
    const progress: ReindexProgress[] = [];

    const report = await reindex(db, meili, { batchSize: 1, onProgress: (p) => progress.push(p) });

    expect(meili.settingsApplied).toBe(1);
    expect(report.indexed).toEqual({ songs: 2, albums: 1, artists: 2, playlists: 1 });
    expect(report.backlog).toBeGreaterThan(0);
    expect(await outbox()).toEqual([]);
    expect([...meili.docs.songs.keys()].sort()).toEqual([c.getBack, c.letItBe].sort());
    expect(meili.doc("songs", c.getBack)?.title).toBe("Get Back");
    for (const type of SEARCH_TYPES) {
      const last = progress.filter((p) => p.type === type).at(-1);
      expect(last).toEqual({ type, done: report.indexed[type], total: report.indexed[type] });
    }
    expect(progress.filter((p) => p.type === "songs").map((p) => p.done)).toEqual([0, 1, 2, 2]);
  });
});

describe("startSearchSync", () => {
  it("indexes an empty Meilisearch, backs off while it fails, logs once per outage and catches up", async () => {
    const c = await catalog();
    const meili = new FakeMeili();
    meili.failures = 3;
    const log = { info: vi.fn(), warn: vi.fn(), debug: vi.fn() };
    const sync = startSearchSync(db, meili, { log, intervalMs: 5, maxBackoffMs: 20 });
    try {
      await vi.waitFor(() => expect(meili.docs.songs.size).toBe(2), { timeout: 5_000 });
      expect(log.warn).toHaveBeenCalledTimes(1);
      expect(log.warn.mock.calls[0]?.[1]).toMatch(/search index sync failed/);
      await vi.waitFor(() =>
        expect(log.info.mock.calls.map((call) => call[1])).toEqual(
          expect.arrayContaining(["search index sync works again", "catalog indexed in Meilisearch"]),
        ),
      );

      // Then it follows changes.
      await db.updateTable("albums").set({ title: "Let It Be... Naked" }).where("id", "=", c.album).execute();
      await vi.waitFor(() => expect(meili.doc("songs", c.getBack)?.album).toBe("Let It Be... Naked"));
      await vi.waitFor(async () => expect(await outbox()).toEqual([]));
    } finally {
      await sync.stop();
    }
    expect(log.warn).toHaveBeenCalledTimes(1);
  });
});
