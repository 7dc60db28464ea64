import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTestEnv, createApiTestEnv, failure, type TestClient } from "../../test-support.js";
import { checkStreamSignature } from "./stream-urls.js";

let env: ApiTestEnv;
let guest: TestClient;
const ids: {
  artists: Record<string, string>;
  albums: Record<string, string>;
  songs: Record<string, string>;
} = {
  artists: {},
  albums: {},
  songs: {},
};
let queries = 0;

beforeAll(async () => {
  env = await createApiTestEnv("catalog", { onQuery: () => queries++ });
  guest = env.client();
  const db = env.db;
  for (const name of ["Nina", "Otis", "Ella"]) {
    ids.artists[name] = (
      await db.insertInto("artists").values({ name }).returning("id").executeTakeFirstOrThrow()
    ).id;
  }
  const album = async (title: string, artist: string, year: number) =>
    (ids.albums[title] = (
      await db
        .insertInto("albums")
        .values({
          title,
          artist_id: ids.artists[artist]!,
          year,
          cover_key: `cover-${title.toLowerCase()}.png`,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id);
  await album("Blue", "Nina", 1965);
  await album("Soul", "Otis", 1966);
  // Tracks inserted out of order: the album must come back in disc/track order.
  const tracks: [string, string, number, number, string[], number][] = [
    ["Blue", "Three", 1, 3, ["Nina"], 5],
    ["Blue", "One", 1, 1, ["Nina", "Otis"], 9],
    ["Blue", "Disc two opener", 2, 1, ["Nina"], 0],
    ["Blue", "Two", 1, 2, ["Nina", "Ella"], 2],
    ["Soul", "Respect", 1, 1, ["Otis"], 7],
  ];
  for (const [albumTitle, title, disc, track, artists, plays] of tracks) {
    const id = (
      await db
        .insertInto("songs")
        .values({
          title,
          album_id: ids.albums[albumTitle]!,
          disc_number: disc,
          track_number: track,
          duration_ms: 60_000 * track,
          play_count: plays,
          mime_type: "audio/mpeg",
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    ids.songs[title] = id;
    await db
      .insertInto("song_artists")
      .values(artists.map((a, position) => ({ song_id: id, artist_id: ids.artists[a]!, position })))
      .execute();
  }
  await db
    .insertInto("lyrics")
    .values({ song_id: ids.songs.One!, plain: "la la", synced: JSON.stringify([{ ms: 0, text: "la la" }]) })
    .execute();
});

afterAll(async () => {
  await env?.close();
});

describe("catalog.album", () => {
  it("gives the tracks in disc and track order, with artists in credited order and signed stream URLs", async () => {
    const album = await guest.api.catalog.album({ id: ids.albums.Blue! });
    expect(album).toMatchObject({
      title: "Blue",
      artist: { name: "Nina" },
      year: 1965,
      trackCount: 4,
      durationMs: 60_000 * 7,
      coverUrl: "/media/images/cover-blue.png",
    });
    expect(album.tracks.map((t) => t.title)).toEqual(["One", "Two", "Three", "Disc two opener"]);
    expect(album.tracks[0]!.artists.map((a) => a.name)).toEqual(["Nina", "Otis"]);
    expect(album.tracks[0]!.hasLyrics).toBe(true);
    expect(album.tracks[1]!.hasLyrics).toBe(false);
    const url = new URL(album.tracks[0]!.streamUrl, "http://x");
    expect(url.pathname).toBe(`/media/songs/${ids.songs.One}/stream`);
    expect(
      checkStreamSignature(
        env.deps.secrets,
        ids.songs.One!,
        url.searchParams.get("exp")!,
        url.searchParams.get("sig")!,
      ),
    ).toBe("ok");
    expect(
      checkStreamSignature(
        env.deps.secrets,
        ids.songs.Two!,
        url.searchParams.get("exp")!,
        url.searchParams.get("sig")!,
      ),
    ).toBe("invalid");
  });

  it("answers NOT_FOUND for an unknown id and BAD_REQUEST for a malformed one", async () => {
    expect((await failure(guest.api.catalog.album({ id: crypto.randomUUID() }))).code).toBe("NOT_FOUND");
    const bad = await failure(guest.api.catalog.album({ id: "65f0c1aa" }));
    expect(bad.code).toBe("BAD_REQUEST");
    expect(bad.message).toMatch(/must be a valid id/);
  });
});

describe("catalog.songs", () => {
  it("pages through every sort with cursors, never repeating or skipping a song", async () => {
    for (const sort of ["title", "recent", "popular"] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof guest.api.catalog.songs>> = await guest.api.catalog.songs({
          sort,
          limit: 2,
          cursor,
        });
        seen.push(...page.items.map((s) => s.title));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(5);
      if (sort === "title") expect(seen).toEqual(["Disc two opener", "One", "Respect", "Three", "Two"]);
      if (sort === "popular") expect(seen).toEqual(["One", "Respect", "Three", "Two", "Disc two opener"]);
    }
  });

  it("filters by album and by artist (any credited position)", async () => {
    const soul = await guest.api.catalog.songs({ albumId: ids.albums.Soul! });
    expect(soul.items.map((s) => s.title)).toEqual(["Respect"]);
    const ella = await guest.api.catalog.songs({ artistId: ids.artists.Ella! });
    expect(ella.items.map((s) => s.title)).toEqual(["Two"]);
  });

  it("refuses a forged cursor and a silly limit in words", async () => {
    expect((await failure(guest.api.catalog.songs({ cursor: "garbage" }))).message).toMatch(
      /page cursor is not valid/,
    );
    expect((await failure(guest.api.catalog.songs({ limit: 5000 }))).message).toMatch(
      /limit must be at most 100/,
    );
  });

  it("loads a page of 5 songs in a fixed number of queries (no N+1), then serves it from the cache", async () => {
    const fresh = env.client();
    queries = 0;
    await fresh.api.catalog.songs({ sort: "recent", limit: 5 });
    const cold = queries;
    expect(cold).toBeLessThanOrEqual(3); // revision + songs + their artists
    queries = 0;
    await fresh.api.catalog.songs({ sort: "recent", limit: 5 });
    expect(queries).toBeLessThanOrEqual(1);
  });

  it("shows a change at once: a write moves the catalog revision and retires cached answers", async () => {
    const before = await guest.api.catalog.song({ id: ids.songs.Respect! });
    await env.db
      .updateTable("songs")
      .set({ title: "Respect (live)" })
      .where("id", "=", ids.songs.Respect!)
      .execute();
    await new Promise((r) => setTimeout(r, 300));
    const after = await guest.api.catalog.song({ id: ids.songs.Respect! });
    expect(before.title).toBe("Respect");
    expect(after.title).toBe("Respect (live)");
  });

  it("returns songs by ids in the asked order, leaving unknown ids out", async () => {
    const songs = await guest.api.catalog.songsByIds({
      ids: [ids.songs.Two!, crypto.randomUUID(), ids.songs.One!, ids.songs.Two!],
    });
    expect(songs.map((s) => s.title)).toEqual(["Two", "One", "Two"]);
  });
});

describe("catalog.artists and catalog.artist", () => {
  it("lists artists by name with counts", async () => {
    const page = await guest.api.catalog.artists({ limit: 10 });
    expect(page.items.map((a) => [a.name, a.albumCount, a.songCount])).toEqual([
      ["Ella", 0, 1],
      ["Nina", 1, 4],
      ["Otis", 1, 2],
    ]);
  });

  it("gives an artist's albums (including ones they appear on) and top songs by plays", async () => {
    const otis = await guest.api.catalog.artist({ id: ids.artists.Otis! });
    expect(otis.albums.map((a) => a.title).sort()).toEqual(["Blue", "Soul"]);
    expect(otis.topSongs.map((s) => s.title)).toEqual(["One", "Respect (live)"]);
  });
});

describe("lyrics", () => {
  it("reads lyrics, and NOT_FOUND when a song has none", async () => {
    expect(await guest.api.lyrics.get({ songId: ids.songs.One! })).toMatchObject({
      plain: "la la",
      synced: [{ ms: 0, text: "la la" }],
    });
    expect((await failure(guest.api.lyrics.get({ songId: ids.songs.Two! }))).code).toBe("NOT_FOUND");
  });

  it("lets the uploader (or an admin) set lyrics from LRC, and nobody else", async () => {
    const email = `uploader-${Date.now()}@example.com`;
    const uploader = await env.createUser(email, "a long enough passphrase");
    await env.db
      .updateTable("songs")
      .set({ uploaded_by: uploader })
      .where("id", "=", ids.songs.Three!)
      .execute();
    const owner = env.client();
    owner.token = (await owner.api.auth.login({ email, password: "a long enough passphrase" })).accessToken;
    const stranger = env.client();
    const strangerEmail = `stranger-${Date.now()}@example.com`;
    await env.createUser(strangerEmail, "a long enough passphrase");
    stranger.token = (
      await stranger.api.auth.login({ email: strangerEmail, password: "a long enough passphrase" })
    ).accessToken;

    const lrc = "[la:en]\n[00:01.00]Hello\n[00:03.50]World\n";
    expect((await failure(stranger.api.lyrics.set({ songId: ids.songs.Three!, lrc }))).code).toBe(
      "FORBIDDEN",
    );
    expect((await failure(guest.api.lyrics.set({ songId: ids.songs.Three!, lrc }))).code).toBe(
      "UNAUTHORIZED",
    );
    const bad = await failure(
      owner.api.lyrics.set({ songId: ids.songs.Three!, lrc: "[00:01.00]ok\nno stamp" }),
    );
    expect(bad.message).toBe(
      'The LRC is not valid: Line 2: expected a time like [01:23.45] before the text (got "no stamp").',
    );
    expect((await failure(guest.api.lyrics.get({ songId: ids.songs.Three! }))).code).toBe("NOT_FOUND");

    const set = await owner.api.lyrics.set({ songId: ids.songs.Three!, lrc });
    expect(set).toMatchObject({
      plain: "Hello\nWorld",
      language: "en",
      synced: [{ ms: 1000 }, { ms: 3500 }],
    });
    await new Promise((r) => setTimeout(r, 300));
    expect((await guest.api.lyrics.get({ songId: ids.songs.Three! })).synced).toHaveLength(2);
    await owner.api.lyrics.set({ songId: ids.songs.Three!, plain: null, lrc: null });
    await new Promise((r) => setTimeout(r, 300));
    expect((await failure(guest.api.lyrics.get({ songId: ids.songs.Three! }))).code).toBe("NOT_FOUND");
  });
});
