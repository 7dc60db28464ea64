import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTestEnv, createApiTestEnv, failure } from "../../test-support.js";

let env: ApiTestEnv;
let songs: string[];
let albums: string[];

beforeAll(async () => {
  env = await createApiTestEnv("library");
  songs = await env.seedSongs(5, { artist: "Liked Artist", album: "First" });
  await env.seedSongs(2, { artist: "Liked Artist", album: "Second" });
  albums = (await env.db.selectFrom("albums").select("id").orderBy("title").execute()).map((a) => a.id);
});
afterAll(async () => {
  await env?.close();
});

describe("likes", () => {
  it("are idempotent, newest first, counted, and undone by unlike", async () => {
    const ann = await env.signIn("Ann");
    expect(await ann.api.library.likeSong({ songId: songs[0]! })).toMatchObject({ liked: true, total: 1 });
    const again = await ann.api.library.likeSong({ songId: songs[0]! });
    expect(again).toMatchObject({ liked: true, total: 1 });
    for (const id of songs.slice(1, 4)) {
      await new Promise((r) => setTimeout(r, 5));
      await ann.api.library.likeSong({ songId: id });
    }
    const page = await ann.api.library.likedSongs({ limit: 3 });
    expect(page.total).toBe(4);
    expect(page.items.map((i) => i.song.id)).toEqual([songs[3], songs[2], songs[1]]);
    const rest = await ann.api.library.likedSongs({ limit: 3, cursor: page.nextCursor });
    expect(rest.items.map((i) => i.song.id)).toEqual([songs[0]]);
    expect(rest.nextCursor).toBeNull();

    expect(await ann.api.library.unlikeSong({ songId: songs[2]! })).toMatchObject({ liked: false, total: 3 });
    expect(await ann.api.library.unlikeSong({ songId: songs[2]! })).toMatchObject({ liked: false, total: 3 });
    expect((await ann.api.library.likedSongs({})).items.map((i) => i.song.id)).toEqual([
      songs[3],
      songs[1],
      songs[0],
    ]);
    expect((await ann.api.library.likedIds()).songIds.sort()).toEqual([songs[0], songs[1], songs[3]].sort());

    await ann.api.library.likeAlbum({ albumId: albums[1]! });
    await ann.api.library.likeAlbum({ albumId: albums[1]! });
    const liked = await ann.api.library.likedAlbums({});
    expect(liked.items.map((i) => [i.album.title, i.album.trackCount])).toEqual([["Second", 2]]);
    expect(await ann.api.library.summary()).toEqual({ likedSongs: 3, likedAlbums: 1, playlists: 0 });

    // Another user's likes are their own.
    const bob = await env.signIn("Bob");
    expect((await bob.api.library.likedSongs({})).total).toBe(0);
  });

  it("refuse unknown songs and albums, and guests, with clear words", async () => {
    const ann = await env.signIn("Ann");
    const missing = "00000000-0000-4000-8000-0000000000aa";
    expect((await failure(ann.api.library.likeSong({ songId: missing }))).message).toBe(
      "This song was not found",
    );
    expect((await failure(ann.api.library.likeAlbum({ albumId: missing }))).message).toBe(
      "This album was not found",
    );
    expect((await failure(ann.api.library.likeSong({ songId: "nope" }))).message).toBe(
      "songId: must be a valid id (a UUID)",
    );
    expect((await failure(env.client().api.library.likedSongs({}))).code).toBe("UNAUTHORIZED");
    expect((await ann.api.library.likedSongs({})).total).toBe(0);
  });
});
