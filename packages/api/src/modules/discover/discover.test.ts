import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTestEnv, createApiTestEnv } from "../../test-support.js";
import { refreshPopular } from "./discover.service.js";

let env: ApiTestEnv;
let jazz: string[];
let metal: string[];
let folk: string[];

beforeAll(async () => {
  env = await createApiTestEnv("discover");
  jazz = await env.seedSongs(6, { artist: "Jazz Quartet", album: "Blue" });
  metal = await env.seedSongs(6, { artist: "Iron Choir", album: "Loud" });
  folk = await env.seedSongs(3, { artist: "Folk Singer", album: "Quiet" });
});
afterAll(async () => {
  await env?.close();
});

/** Plays written straight into history, `hoursAgo` apart, as if listened over the past days. */
async function listen(userId: string, songIds: string[], hoursAgo = 48) {
  await env.db
    .insertInto("plays")
    .values(
      songIds.map((songId, i) => ({
        user_id: userId,
        song_id: songId,
        played_ms: 120_000,
        played_at: new Date(Date.now() - (hoursAgo + i) * 3_600_000),
      })),
    )
    .execute();
}

describe("discover", () => {
  it("recommends from the listener's own taste cluster, with a reason naming a song they played", async () => {
    // Two clear clusters: ten jazz listeners and ten metal listeners, each playing most of theirs.
    for (let i = 0; i < 10; i++) {
      const j = await env.createUser(`jazz-${i}@example.com`, "x", { name: `J${i}` });
      await listen(
        j,
        jazz.filter((_, k) => (k + i) % 5 !== 0),
      );
      const m = await env.createUser(`metal-${i}@example.com`, "x", { name: `M${i}` });
      await listen(
        m,
        metal.filter((_, k) => (k + i) % 5 !== 0),
      );
    }
    const ann = await env.signIn("Ann");
    await listen(ann.id, [jazz[0]!, jazz[1]!]);

    const recs = (await ann.api.discover.recommendations({ limit: 10 })).items;
    const similar = recs.filter((r) => r.kind === "similar-listeners");
    expect(similar.map((r) => r.song.id).sort()).toEqual(jazz.slice(2).sort());
    for (const r of similar) {
      expect([jazz[0], jazz[1]]).toContain(r.because?.id);
      expect(r.reason).toMatch(/^Because you played /);
    }
    // Nothing from the other cluster outranks the jazz: metal only comes in as "popular" filler.
    expect(recs.filter((r) => metal.includes(r.song.id)).every((r) => r.kind === "popular")).toBe(true);
    expect(recs.findIndex((r) => metal.includes(r.song.id))).toBeGreaterThanOrEqual(similar.length);
    // What Ann just heard is not recommended back.
    expect(recs.some((r) => r.song.id === jazz[0] || r.song.id === jazz[1])).toBe(false);

    const max = await env.signIn("Max");
    await listen(max.id, [metal[5]!]);
    const maxRecs = (await max.api.discover.recommendations({ limit: 5 })).items;
    expect(maxRecs.every((r) => metal.includes(r.song.id))).toBe(true);
  });

  it("mixes in the artists a listener liked", async () => {
    const bea = await env.signIn("Bea");
    await listen(bea.id, [jazz[2]!]);
    const album = await env.db
      .selectFrom("albums")
      .select("id")
      .where("title", "=", "Quiet")
      .executeTakeFirstOrThrow();
    await bea.api.library.likeAlbum({ albumId: album.id });
    const recs = (await bea.api.discover.recommendations({ limit: 12 })).items;
    const fromFolk = recs.filter((r) => r.kind === "liked-artist");
    expect(fromFolk.map((r) => r.song.id).sort()).toEqual([...folk].sort());
    expect(fromFolk[0]!.reason).toBe("Because you like Folk Singer");
    // Interleaved: a liked-artist pick appears among the first three.
    expect(recs.slice(0, 3).some((r) => r.kind === "liked-artist")).toBe(true);
  });

  it("ranks popular songs by plays over 30 days once refreshed, and gives a new user those", async () => {
    const before = await env.client().api.discover.popular({ limit: 3 });
    expect(before.items).toHaveLength(3);

    const refreshed = await refreshPopular(env.deps);
    expect(refreshed.refreshed).toBe(true);
    const top = await env.client().api.discover.popular({ limit: 40 });
    expect(top.windowDays).toBe(30);
    expect(top.refreshedAt.getTime()).toBe(refreshed.refreshedAt.getTime());
    const plays = top.items.map((i) => i.plays);
    expect(plays).toEqual([...plays].sort((a, b) => b - a));
    expect(top.items[0]!.listeners).toBeGreaterThanOrEqual(8);
    // Songs nobody played fill the end of the list.
    expect(top.items.filter((i) => i.plays === 0).map((i) => i.song.id)).toEqual(
      expect.arrayContaining(folk.slice(0, 1)),
    );

    const newcomer = await env.signIn("Newcomer");
    const recs = (await newcomer.api.discover.recommendations({ limit: 5 })).items;
    expect(recs.map((r) => r.song.id)).toEqual(top.items.slice(0, 5).map((i) => i.song.id));
    expect(recs.every((r) => r.kind === "popular" && r.reason === "Popular on this server")).toBe(true);
  });
});
