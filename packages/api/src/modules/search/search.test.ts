import { RECENT_SEARCHES_MAX, SEARCH_INPUT_MAX, SEARCH_QUERY_MAX } from "@chorus/contracts";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createContextInner, type Log } from "../../context.js";
import { createCaller } from "../../root.js";
import { type ApiTestEnv, createApiTestEnv, failure, type SignedInClient } from "../../test-support.js";

let env: ApiTestEnv;
let beatles: string[];
let sigurRos: string[];
const searchQueries: string[] = [];

beforeAll(async () => {
  env = await createApiTestEnv("search", {
    cache: "redis",
    onQuery: (sql) => {
      if (sql.includes("search_vector @@")) searchQueries.push(sql);
    },
  });
  beatles = await env.seedSongs(4, { artist: "The Beatles", album: "Abbey Road" });
  sigurRos = await env.seedSongs(3, { artist: "Sigur Rós", album: "Takk" });
  await env.seedSongs(3, { artist: "Björk", album: "Homogenic" });
});
afterAll(async () => {
  await env?.close();
});

/** The recent searches of a client once the background write has landed. */
async function recentOnce(client: SignedInClient, expected: string[]): Promise<void> {
  await vi.waitFor(async () => {
    expect((await client.api.search.recent()).items.map((i) => i.query)).toEqual(expected);
  });
}

describe("search.query", () => {
  it("answers anyone with grouped, shaped results, typos forgiven", async () => {
    const api = env.client().api;
    const result = await api.search.query({ q: "  Beatls " });
    expect(result.query).toBe("beatls");
    expect(result.artists[0]).toMatchObject({ name: "The Beatles", songCount: 4, albumCount: 1 });
    expect(result.songs.map((s) => s.id).sort()).toEqual([...beatles].sort());
    expect(result.songs[0]).toMatchObject({
      artists: [{ name: "The Beatles" }],
      album: { title: "Abbey Road" },
      streamUrl: expect.stringMatching(/\/stream\?/),
    });
    expect(result.playlists).toEqual([]);

    const sigur = await api.search.query({ q: "sigur ros", types: ["artists", "songs"], limit: 2 });
    expect(sigur.artists.map((a) => a.name)).toEqual(["Sigur Rós"]);
    expect(sigur.songs).toHaveLength(2);
    expect(sigur.albums).toEqual([]);
    expect((await api.search.query({ q: "homogenic" })).albums[0]).toMatchObject({
      title: "Homogenic",
      artist: { name: "Björk" },
      trackCount: 3,
    });
  });

  it("answers empty, 1-character, long and SQL-looking queries; refuses only absurd input", async () => {
    const api = env.client().api;
    expect(await api.search.query({ q: "" })).toEqual({
      query: "",
      songs: [],
      albums: [],
      artists: [],
      playlists: [],
    });
    expect((await api.search.query({ q: "   " })).songs).toEqual([]);
    expect((await api.search.query({ q: "b" })).artists.map((a) => a.name)).toEqual(["Björk"]);

    const long = await api.search.query({ q: `sigur ros ${"x".repeat(490)}` });
    expect(long.query).toHaveLength(SEARCH_QUERY_MAX);
    for (const q of ["'; drop table songs; --", "hey & jude | !(:*)", "\\", "%_"]) {
      await expect(api.search.query({ q })).resolves.toMatchObject({ songs: [] });
    }
    // Only its words count.
    expect((await api.search.query({ q: "the beatles'); --" })).songs).toHaveLength(4);

    const tooLong = await failure(api.search.query({ q: "x".repeat(SEARCH_INPUT_MAX + 1) }));
    expect(tooLong.code).toBe("BAD_REQUEST");
    expect(tooLong.message).toMatch(/at most 1000 characters/);
    expect((await failure(api.search.query({ q: "a", limit: 51 }))).message).toMatch(/at most 50/);
    expect((await failure(api.search.query({ q: "a", types: [] }))).message).toMatch(/at least one type/);
  });

  it("is cached per normalized query and retired when the catalog changes", async () => {
    const api = env.client().api;
    const cold = searchQueries.length;
    const first = await api.search.query({ q: "Sigur Rós" });
    const before = searchQueries.length;
    expect(before).toBeGreaterThan(cold);
    expect(
      await api.search.query({ q: "sigur   ros", types: ["songs", "albums", "artists", "playlists"] }),
    ).toEqual(first);
    expect(searchQueries.length).toBe(before);

    const [extra] = await env.seedSongs(1, { artist: "Sigur Rós", album: "Takk" });
    await vi.waitFor(async () => {
      const again = await api.search.query({ q: "sigur ros" });
      expect(again.songs.map((s) => s.id)).toContain(extra);
    });
    sigurRos.push(extra!);
  });

  it("lists public playlists only, and follows them going private", async () => {
    const owner = await env.signIn("Owner");
    const list = await owner.api.playlist.create({ name: "Nordic Mornings", isPublic: true });
    await owner.api.playlist.addSongs({ playlistId: list.id, songIds: sigurRos.slice(0, 2) });
    const hidden = await owner.api.playlist.create({ name: "Nordic Secrets" });
    await owner.api.playlist.addSongs({ playlistId: hidden.id, songIds: sigurRos.slice(0, 1) });

    const api = env.client().api;
    const found = await api.search.query({ q: "nordic", types: ["playlists"] });
    expect(found.playlists.map((p) => p.id)).toEqual([list.id]);
    expect(found.playlists[0]).toMatchObject({ name: "Nordic Mornings", isPublic: true, songCount: 2 });
    // Shaped as the public list shapes it (owner, covers, totals): search keeps them all at hand.
    const listed = await api.playlist.public({});
    expect(found.playlists[0]).toEqual(listed.items.find((p) => p.id === list.id));
    // An edit shows at once: the song count moves, and the owner's new name.
    await owner.api.playlist.removeSong({ playlistId: list.id, position: 0 });
    expect((await api.search.query({ q: "nordic", types: ["playlists"] })).playlists[0]?.songCount).toBe(1);
    await owner.api.user.updateProfile({ name: "Owner Renamed" });
    const renamed = await api.search.query({ q: "nordic", types: ["playlists"] });
    expect(renamed.playlists[0]?.owner.name).toBe("Owner Renamed");

    await owner.api.playlist.update({ id: list.id, isPublic: false });
    expect((await api.search.query({ q: "nordic", types: ["playlists"] })).playlists).toEqual([]);
    await owner.api.playlist.update({ id: hidden.id, isPublic: true });
    expect((await api.search.query({ q: "nordic" })).playlists.map((p) => p.id)).toEqual([hidden.id]);
  });
});

describe("search.autocomplete", () => {
  it("suggests a few artists, albums and songs from a prefix", async () => {
    const api = env.client().api;
    const { query, suggestions } = await api.search.autocomplete({ q: "Sigu" });
    expect(query).toBe("sigu");
    expect(suggestions[0]).toMatchObject({ type: "artist", text: "Sigur Rós", detail: null });
    expect(suggestions.filter((s) => s.type === "song").every((s) => s.detail === "Sigur Rós")).toBe(true);
    expect((await api.search.autocomplete({ q: "t" })).suggestions.length).toBeLessThanOrEqual(8);
    expect(await api.search.autocomplete({ q: "" })).toEqual({ query: "", suggestions: [] });
  });

  it("shows each suggestion's picture: the album's cover, a song's album cover, the artist's photo", async () => {
    await env.seedSongs(2, { artist: "Pictured Quartet", album: "Pictured Skies" });
    await env.db
      .updateTable("albums")
      .set({ cover_url: "https://img.example/pictured-skies.jpg" })
      .where("title", "=", "Pictured Skies")
      .execute();
    await env.db
      .updateTable("artists")
      .set({ image_key: "pictured-quartet.webp" })
      .where("name", "=", "Pictured Quartet")
      .execute();
    const { suggestions } = await env.client().api.search.autocomplete({ q: "pictured" });
    const of = (type: string) => suggestions.filter((s) => s.type === type);
    expect(of("artist")[0]?.imageUrl).toContain("pictured-quartet");
    expect(of("album")[0]?.imageUrl).toBe("https://img.example/pictured-skies.jpg");
    expect(of("song").length).toBeGreaterThan(0);
    expect(of("song").every((s) => s.imageUrl === "https://img.example/pictured-skies.jpg")).toBe(true);
    // Nothing to show: null, and the player draws its placeholder.
    const sigur = await env.client().api.search.autocomplete({ q: "Sigu" });
    expect(sigur.suggestions.every((s) => s.imageUrl === null)).toBe(true);
  });
});

describe("recent searches", () => {
  it("are kept per user, newest first, one entry per normalized query, and can be removed or cleared", async () => {
    const ann = await env.signIn("Ann");
    const bob = await env.signIn("Bob");
    await ann.api.search.query({ q: "Abbey Road" });
    await recentOnce(ann, ["Abbey Road"]);
    await ann.api.search.query({ q: "Björk" });
    await recentOnce(ann, ["Björk", "Abbey Road"]);
    // The same search again moves up, as last typed.
    await ann.api.search.query({ q: "  abbey   ROAD " });
    await recentOnce(ann, ["abbey ROAD", "Björk"]);
    // Nothing is kept for an empty search, one that found nothing or an anonymous one, nor shared
    // between users.
    await ann.api.search.query({ q: "  " });
    await ann.api.search.query({ q: "zzqx nothing like it" });
    await env.client().api.search.query({ q: "beatles" });
    await bob.api.search.query({ q: "takk" });
    await recentOnce(bob, ["takk"]);
    await recentOnce(ann, ["abbey ROAD", "Björk"]);
    await bob.api.search.clearRecent();

    expect(await ann.api.search.removeRecent({ query: "BJORK" })).toEqual({ removed: true });
    expect(await ann.api.search.removeRecent({ query: "never searched" })).toEqual({ removed: false });
    await recentOnce(ann, ["abbey ROAD"]);
    expect(await ann.api.search.clearRecent()).toEqual({ cleared: 1 });
    expect((await ann.api.search.recent()).items).toEqual([]);

    expect((await failure(env.client().api.search.recent())).code).toBe("UNAUTHORIZED");
  });

  it(`keep the newest ${RECENT_SEARCHES_MAX}`, async () => {
    const cy = await env.signIn("Cy");
    const queries = Array.from({ length: RECENT_SEARCHES_MAX + 5 }, (_, i) => `Remembered ${i}`);
    // Searches that find something (one that finds nothing is not kept).
    for (const name of queries) await env.seedSongs(1, { artist: name });
    for (const q of queries) {
      await cy.api.search.query({ q });
      await vi.waitFor(async () => expect((await cy.api.search.recent()).items[0]?.query).toBe(q));
    }
    const { items } = await cy.api.search.recent();
    expect(items.map((i) => i.query)).toEqual(queries.slice(5).reverse());
    expect(items[0]!.searchedAt).toBeInstanceOf(Date);
  });

  it("never cost the searcher an answer when recording fails", async () => {
    const dee = await env.signIn("Dee");
    const warnings: object[] = [];
    const log: Log = { info() {}, debug() {}, error() {}, warn: (obj) => void warnings.push(obj) };
    const api = createCaller(createContextInner({ ...env.deps, log }, { accessToken: dee.token }));
    // The token outlives its account: the search works, its record cannot be written.
    await env.db.deleteFrom("users").where("id", "=", dee.id).execute();
    expect((await api.search.query({ q: "beatles" })).artists[0]?.name).toBe("The Beatles");
    await vi.waitFor(() => expect(warnings).toMatchObject([{ userId: dee.id }]));
  });
});
