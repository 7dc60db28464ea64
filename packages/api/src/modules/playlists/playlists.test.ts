import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTestEnv, createApiTestEnv, failure, type SignedInClient } from "../../test-support.js";

let env: ApiTestEnv;
let songs: string[];

beforeAll(async () => {
  env = await createApiTestEnv("playlists", { cache: "redis" });
  songs = await env.seedSongs(6, { artist: "Playlist Artist" });
});
afterAll(async () => {
  await env?.close();
});

/** The song letters of a playlist in order: songs[0] is "A". */
async function order(client: SignedInClient, id: string): Promise<string> {
  const playlist = await client.api.playlist.get({ id, limit: 500 });
  expect(playlist.items.map((i) => i.position)).toEqual(playlist.items.map((_, i) => i));
  return playlist.items.map((i) => String.fromCharCode(65 + songs.indexOf(i.song.id))).join("");
}

const ids = (letters: string) => [...letters].map((l) => songs[l.charCodeAt(0) - 65]!);

describe("playlist items", () => {
  it("keep a dense order through adds, removals and moves, with a song there twice", async () => {
    const ann = await env.signIn("Ann");
    const list = await ann.api.playlist.create({ name: "  Road trip  " });
    expect(list).toMatchObject({ name: "Road trip", role: "owner", canEdit: true, songCount: 0, items: [] });

    await ann.api.playlist.addSongs({ playlistId: list.id, songIds: ids("ABC") });
    await ann.api.playlist.addSongs({ playlistId: list.id, songIds: ids("B") });
    expect(await order(ann, list.id)).toBe("ABCB");
    await ann.api.playlist.addSongs({ playlistId: list.id, songIds: ids("DE"), position: 1 });
    expect(await order(ann, list.id)).toBe("ADEBCB");

    // Removing one occurrence leaves the other.
    const removed = await ann.api.playlist.removeSong({ playlistId: list.id, position: 3, songId: songs[1] });
    expect(removed.songCount).toBe(5);
    expect(await order(ann, list.id)).toBe("ADECB");

    await ann.api.playlist.reorder({ playlistId: list.id, from: 0, to: 4 });
    expect(await order(ann, list.id)).toBe("DECBA");
    await ann.api.playlist.reorder({ playlistId: list.id, from: 3, to: 1 });
    expect(await order(ann, list.id)).toBe("DBECA");
    await ann.api.playlist.reorder({ playlistId: list.id, from: 2, to: 2 });
    expect(await order(ann, list.id)).toBe("DBECA");

    const detail = await ann.api.playlist.get({ id: list.id });
    expect(detail.songCount).toBe(5);
    expect(detail.durationMs).toBe(detail.items.reduce((sum, i) => sum + i.song.durationMs, 0));
    expect(detail.items[0]!.addedBy).toMatchObject({ id: ann.id, name: "Ann" });
    expect(detail.items[0]!.song.streamUrl).toMatch(/\/stream\?/);
  });

  it("refuse bad edits with a clear message and change nothing", async () => {
    const ann = await env.signIn("Ann");
    const list = await ann.api.playlist.create({ name: "Strict" });
    await ann.api.playlist.addSongs({ playlistId: list.id, songIds: ids("AB") });

    const unknown = "00000000-0000-4000-8000-000000000001";
    expect(
      (await failure(ann.api.playlist.addSongs({ playlistId: list.id, songIds: [songs[2]!, unknown] })))
        .message,
    ).toBe("One of these songs is not in the catalog any more: nothing was added.");
    expect(
      (await failure(ann.api.playlist.addSongs({ playlistId: list.id, songIds: ids("C"), position: 5 })))
        .message,
    ).toBe("position 5 is past the end of the playlist: it has 2 songs, so use 0 to 2.");
    expect((await failure(ann.api.playlist.reorder({ playlistId: list.id, from: 0, to: 2 }))).message).toBe(
      "to 2 is past the end of the playlist: it has 2 songs, so use 0 to 1.",
    );
    const stale = await failure(
      ann.api.playlist.removeSong({ playlistId: list.id, position: 0, songId: songs[1] }),
    );
    expect(stale.code).toBe("CONFLICT");
    expect(stale.message).toMatch(/changed while you were editing it/);
    expect((await failure(ann.api.playlist.create({ name: "   " }))).message).toBe("A playlist needs a name");
    expect((await failure(ann.api.playlist.reorder({ playlistId: list.id, from: -1, to: 0 }))).message).toBe(
      "from starts at 0",
    );
    expect(await order(ann, list.id)).toBe("AB");
  });

  it("apply concurrent reorders from two collaborators one after another: no lost move, no duplicate position", async () => {
    const ann = await env.signIn("Ann");
    const bob = await env.signIn("Bob");
    const list = await ann.api.playlist.create({ name: "Together", collaborative: true });
    await ann.api.playlist.addCollaborator({ playlistId: list.id, email: bob.email });
    await ann.api.playlist.addSongs({ playlistId: list.id, songIds: ids("ABCDEFABCDEF") });

    const moves = Array.from({ length: 24 }, (_, i) => ({ from: (i * 5) % 12, to: (i * 7 + 3) % 12 }));
    await Promise.all(
      moves.map((m, i) => (i % 2 ? bob : ann).api.playlist.reorder({ playlistId: list.id, ...m })),
    );
    const after = await order(ann, list.id);
    expect([...after].sort().join("")).toBe("AABBCCDDEEFF");

    // Two guarded moves racing: the second sees the first's result, so it refuses rather than move
    // the wrong song.
    const guarded = await ann.api.playlist.create({ name: "Guarded", collaborative: true });
    await ann.api.playlist.addCollaborator({ playlistId: guarded.id, userId: bob.id });
    await ann.api.playlist.addSongs({ playlistId: guarded.id, songIds: ids("ABCDEF") });
    const results = await Promise.allSettled([
      ann.api.playlist.reorder({ playlistId: guarded.id, from: 0, to: 5, songId: songs[0] }),
      bob.api.playlist.reorder({ playlistId: guarded.id, from: 5, to: 0, songId: songs[5] }),
    ]);
    const won = results.findIndex((r) => r.status === "fulfilled");
    expect(
      results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code),
    ).toEqual(["CONFLICT"]);
    expect(await order(ann, guarded.id)).toBe(won === 0 ? "BCDEFA" : "FABCDE");

    // Adds racing removals keep the count exact and the positions dense.
    await Promise.all([
      ann.api.playlist.addSongs({ playlistId: list.id, songIds: ids("AB") }),
      bob.api.playlist.removeSong({ playlistId: list.id, position: 0 }),
      bob.api.playlist.addSongs({ playlistId: list.id, songIds: ids("C"), position: 3 }),
      ann.api.playlist.removeSong({ playlistId: list.id, position: 5 }),
    ]);
    const final = await ann.api.playlist.get({ id: list.id, limit: 500 });
    expect(final.songCount).toBe(13);
    expect(final.items.map((i) => i.position)).toEqual([...Array(13).keys()]);
  });
});

describe("playlist sharing", () => {
  it("let a collaborator add, remove and reorder, but not delete, rename or invite", async () => {
    const ann = await env.signIn("Ann");
    const bob = await env.signIn("Bob");
    const list = await ann.api.playlist.create({ name: "Shared" });
    const since = env.mails.length;
    const invited = await ann.api.playlist.addCollaborator({
      playlistId: list.id,
      email: bob.email.toUpperCase(),
    });
    expect(invited.collaborative).toBe(true);
    expect(invited.collaborators.map((c) => c.id)).toEqual([bob.id]);
    const mail = await env.waitForMail(bob.email, since);
    expect(mail.raw).toContain('Ann invited you to collaborate on the playlist "Shared".');

    await bob.api.playlist.addSongs({ playlistId: list.id, songIds: ids("ABC") });
    await bob.api.playlist.reorder({ playlistId: list.id, from: 2, to: 0 });
    await bob.api.playlist.removeSong({ playlistId: list.id, position: 1 });
    const seen = await bob.api.playlist.get({ id: list.id });
    expect(seen).toMatchObject({ role: "collaborator", canEdit: true });
    expect(seen.items.map((i) => i.addedBy?.id)).toEqual([bob.id, bob.id]);
    expect((await bob.api.playlist.mine()).find((p) => p.id === list.id)?.role).toBe("collaborator");

    const del = await failure(bob.api.playlist.delete({ id: list.id }));
    expect(del.code).toBe("FORBIDDEN");
    expect(del.message).toBe("Only the playlist's owner can do this.");
    expect((await failure(bob.api.playlist.update({ id: list.id, name: "Mine now" }))).code).toBe(
      "FORBIDDEN",
    );
    const carol = await env.signIn("Carol");
    expect(
      (await failure(bob.api.playlist.addCollaborator({ playlistId: list.id, userId: carol.id }))).code,
    ).toBe("FORBIDDEN");
    expect(await order(ann, list.id)).toBe("CB");

    // The owner switches collaboration off: Bob can still see it, not change it; then he leaves.
    await ann.api.playlist.update({ id: list.id, collaborative: false });
    expect((await bob.api.playlist.get({ id: list.id })).canEdit).toBe(false);
    expect(
      (await failure(bob.api.playlist.addSongs({ playlistId: list.id, songIds: ids("D") }))).message,
    ).toMatch(/turned collaboration off/);
    expect(await bob.api.playlist.removeCollaborator({ playlistId: list.id, userId: bob.id })).toEqual({
      removed: true,
    });
    expect((await failure(bob.api.playlist.get({ id: list.id }))).code).toBe("NOT_FOUND");
    expect(
      (await failure(ann.api.playlist.addCollaborator({ playlistId: list.id, email: "nobody@example.com" })))
        .message,
    ).toBe("No one on this Chorus server uses nobody@example.com: ask them to sign up first.");
  });

  it("hide a private playlist from everyone else, with no data in the answer", async () => {
    const ann = await env.signIn("Ann");
    const eve = await env.signIn("Eve");
    const list = await ann.api.playlist.create({ name: "Secret diary", description: "private words" });
    await ann.api.playlist.addSongs({ playlistId: list.id, songIds: ids("A") });
    for (const caller of [eve.api, env.client().api]) {
      const error = await failure(caller.playlist.get({ id: list.id }));
      expect(error.code).toBe("NOT_FOUND");
      expect(JSON.stringify(error)).not.toContain("Secret diary");
      expect(JSON.stringify(error)).not.toContain("private words");
    }
    expect((await failure(eve.api.playlist.addSongs({ playlistId: list.id, songIds: ids("B") }))).code).toBe(
      "NOT_FOUND",
    );
    expect((await failure(eve.api.playlist.copy({ id: list.id }))).code).toBe("NOT_FOUND");
    expect((await eve.api.playlist.mine()).some((p) => p.id === list.id)).toBe(false);
    expect((await env.client().api.playlist.public({ limit: 100 })).items.some((p) => p.id === list.id)).toBe(
      false,
    );
    expect(await order(ann, list.id)).toBe("A");
  });

  it("list public playlists for everyone, read-only, and let anyone signed in copy one", async () => {
    const ann = await env.signIn("Ann");
    const bob = await env.signIn("Bob");
    const list = await ann.api.playlist.create({ name: "Open house", isPublic: true });
    await ann.api.playlist.addSongs({ playlistId: list.id, songIds: ids("ABA") });

    const guest = env.client();
    const listed = await guest.api.playlist.public({ limit: 100 });
    expect(listed.items.find((p) => p.id === list.id)).toMatchObject({ name: "Open house", songCount: 3 });
    expect(await guest.api.playlist.get({ id: list.id })).toMatchObject({ role: "viewer", canEdit: false });
    expect((await failure(bob.api.playlist.addSongs({ playlistId: list.id, songIds: ids("B") }))).code).toBe(
      "FORBIDDEN",
    );

    const copy = await bob.api.playlist.copy({ id: list.id });
    expect(copy).toMatchObject({ name: "Open house (copy)", role: "owner", isPublic: false, songCount: 3 });
    expect(copy.copiedFrom).toEqual({ id: list.id, name: "Open house" });
    expect(await order(bob, copy.id)).toBe("ABA");
    await bob.api.playlist.addSongs({ playlistId: copy.id, songIds: ids("C") });
    expect(await order(ann, list.id)).toBe("ABA");

    await ann.api.playlist.delete({ id: list.id });
    expect((await guest.api.playlist.public({ limit: 100 })).items.some((p) => p.id === list.id)).toBe(false);
    expect((await bob.api.playlist.get({ id: copy.id })).copiedFrom).toBeNull();
  });
});

describe("playlist caching", () => {
  it("shows an edit made through one server instance on the next read from another", async () => {
    const ann = await env.signIn("Ann");
    const other = env.instance();
    const annThere = other.client(ann);
    const list = await ann.api.playlist.create({ name: "Two servers" });
    await ann.api.playlist.addSongs({ playlistId: list.id, songIds: ids("AB") });
    expect((await annThere.api.playlist.get({ id: list.id })).songCount).toBe(2); // cached over there now

    await ann.api.playlist.addSongs({ playlistId: list.id, songIds: ids("C") });
    await ann.api.playlist.update({ id: list.id, name: "Two servers, renamed" });
    const fresh = await annThere.api.playlist.get({ id: list.id });
    expect(fresh.name).toBe("Two servers, renamed");
    expect(fresh.items.map((i) => i.song.id)).toEqual(ids("ABC"));
    expect((await annThere.api.playlist.mine()).find((p) => p.id === list.id)?.songCount).toBe(3);
    expect(other.deps.cache.stats().hits + env.deps.cache.stats().hits).toBeGreaterThan(0);
  });

  it("keeps answering from PostgreSQL when Redis stops mid-test, and writes still land", async () => {
    const server = await env.startOwnRedis();
    const instance = env.instance({ redisUrl: server.url });
    const ann = await env.signIn("Ann");
    const annHere = instance.client(ann);
    const list = await annHere.api.playlist.create({ name: "Outage" });
    await annHere.api.playlist.addSongs({ playlistId: list.id, songIds: ids("A") });
    expect((await annHere.api.playlist.get({ id: list.id })).songCount).toBe(1);

    await server.stop();
    const started = Date.now();
    expect((await annHere.api.playlist.get({ id: list.id })).songCount).toBe(1);
    await annHere.api.playlist.addSongs({ playlistId: list.id, songIds: ids("B") });
    expect((await annHere.api.playlist.get({ id: list.id })).items.map((i) => i.song.id)).toEqual(ids("AB"));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(instance.deps.cache.stats().redis).toBe("down");

    await server.start();
    await instance.waitForRedis();
    await annHere.api.playlist.addSongs({ playlistId: list.id, songIds: ids("C") });
    expect((await annHere.api.playlist.get({ id: list.id })).songCount).toBe(3);
  });
});

describe("large playlists", () => {
  it("hold 10,000 songs, page through them in order, and refuse one more", async () => {
    const ann = await env.signIn("Ann");
    const list = await ann.api.playlist.create({ name: "Everything" });
    const pool = await env.seedSongs(500, { artist: "Big Band" });
    for (let i = 0; i < 20; i++) await ann.api.playlist.addSongs({ playlistId: list.id, songIds: pool });
    let cursor: string | null = null;
    let seen = 0;
    do {
      const page: Awaited<ReturnType<typeof ann.api.playlist.get>> = await ann.api.playlist.get({
        id: list.id,
        cursor,
        limit: 500,
      });
      expect(page.items[0]?.position).toBe(seen);
      expect(page.items.at(-1)?.position).toBe(seen + page.items.length - 1);
      seen += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toBe(10_000);
    expect(
      (await failure(ann.api.playlist.addSongs({ playlistId: list.id, songIds: ids("A") }))).message,
    ).toBe("A playlist holds at most 10,000 songs; this one has 10,000, so 1 more do not fit.");
    await ann.api.playlist.reorder({ playlistId: list.id, from: 9_999, to: 0 });
    const first = await ann.api.playlist.get({ id: list.id, limit: 1 });
    expect(first.items[0]!.song.id).toBe(pool[499]);
  }, 60_000);
});
